#include "model/alertrecord.h"

#include <QJsonArray>

#include <algorithm>
#include <array>

namespace Taskscope::Model {

namespace {

struct VerdictName
{
    AlertVerdict verdict;
    const char16_t *key;
    const char16_t *name;
};
constexpr std::array<VerdictName, 4> verdictNames {{
    {AlertVerdict::LongDispatch, u"long-dispatch", u"long dispatch"},
    {AlertVerdict::BacklogSaturation, u"backlog-saturation", u"backlog saturation"},
    {AlertVerdict::NestedModalLoop, u"nested-modal-loop", u"nested modal loop"},
    {AlertVerdict::BlockedOutsideDispatch, u"blocked-outside-dispatch", u"blocked outside dispatch"},
}};

constexpr std::array<const char16_t *, 5> tierNames {{u"none", u"suspicion", u"hang", u"severe", u"critical"}};
constexpr std::array<const char16_t *, 4> endNames {
    {u"ongoing", u"recovered", u"killed-while-hung", u"watchdog-stopped"}};

// Caps keep one journal line and one report entry small whatever the evidence holds.
constexpr qsizetype MaxFramesInJson = 32;
constexpr qsizetype MaxWorkersInJson = 32;
constexpr qsizetype MaxStringInJson = 512;

QString capped(const QString &text)
{
    return text.size() > MaxStringInJson ? text.left(MaxStringInJson) + u'…' : text;
}

QString hex(quint64 value)
{
    return QStringLiteral("0x") + QString::number(value, 16);
}

quint64 fromHex(const QJsonValue &value)
{
    QString text = value.toString();
    if (text.startsWith(u"0x"))
        text = text.mid(2);
    bool ok = false;
    const quint64 parsed = text.toULongLong(&ok, 16);
    return ok ? parsed : 0;
}

QJsonArray stringArray(const QStringList &list)
{
    QJsonArray array;
    for (const QString &text : list)
        array.append(capped(text));
    return array;
}

QStringList stringList(const QJsonValue &value)
{
    QStringList list;
    const QJsonArray array = value.toArray();
    for (const QJsonValue &item : array)
        list.append(item.toString());
    return list;
}

QJsonArray framesArray(const QList<AlertStackFrame> &frames)
{
    QJsonArray array;
    for (qsizetype i = 0; i < frames.size() && i < MaxFramesInJson; ++i)
        array.append(frames[i].toJson());
    return array;
}

QList<AlertStackFrame> framesList(const QJsonValue &value)
{
    QList<AlertStackFrame> frames;
    const QJsonArray array = value.toArray();
    for (const QJsonValue &item : array)
        frames.append(AlertStackFrame::fromJson(item.toObject()));
    return frames;
}

// The sample frames and stacks of one record, under a byte budget so one journal line stays far
// below the journal's line cap; stacks that need a frame left out are counted, not written.
constexpr qsizetype MaxSampleFrameBytes = 96 * 1024;

void writeSampledStacks(const AlertRecord &r, QJsonObject &object)
{
    QJsonArray frames;
    qsizetype bytes = 0;
    for (qsizetype i = 0; i < r.sampleFrames.size() && i < AlertRecord::MaxSampleFrames; ++i) {
        const AlertStackFrame &f = r.sampleFrames[i];
        const qsizetype size = 96 + std::min(f.function.size(), MaxStringInJson)
            + std::min(f.module.size(), MaxStringInJson) + std::min(f.file.size(), MaxStringInJson)
            + std::min(f.inlined.size(), MaxStringInJson);
        if (bytes + size > MaxSampleFrameBytes)
            break;
        bytes += size;
        frames.append(f.toJson());
    }
    QJsonArray stacks;
    int notKept = r.samplesNotKept;
    for (qsizetype i = 0; i < r.sampledStacks.size(); ++i) {
        const AlertSampledStack &stack = r.sampledStacks[i];
        const bool fits = i < AlertRecord::MaxSampledStacks && stack.frames.size() <= AlertRecord::MaxSampledDepth
            && std::all_of(stack.frames.begin(), stack.frames.end(),
                           [&](int index) { return index >= 0 && index < frames.size(); });
        if (!fits) {
            notKept += stack.samples;
            continue;
        }
        QJsonArray indexes;
        for (const int index : stack.frames)
            indexes.append(index);
        stacks.append(QJsonObject {{QStringLiteral("frames"), indexes}, {QStringLiteral("samples"), stack.samples}});
    }
    if (!stacks.isEmpty()) {
        object.insert(u"sampleFrames", frames);
        object.insert(u"sampledStacks", stacks);
    }
    if (notKept > 0)
        object.insert(u"samplesNotKept", notKept);
}

// A stack whose frame index points past the frame table (a damaged journal) is left out.
QList<AlertSampledStack> sampledStacksList(const QJsonValue &value, qsizetype frameCount)
{
    QList<AlertSampledStack> stacks;
    const QJsonArray array = value.toArray();
    for (const QJsonValue &item : array) {
        if (stacks.size() >= AlertRecord::MaxSampledStacks)
            break;
        const QJsonObject object = item.toObject();
        AlertSampledStack stack;
        stack.samples = object.value(u"samples").toInt();
        bool valid = stack.samples > 0;
        const QJsonArray frames = object.value(u"frames").toArray();
        for (const QJsonValue &frame : frames) {
            const int index = frame.toInt(-1);
            valid = valid && index >= 0 && index < frameCount && stack.frames.size() < AlertRecord::MaxSampledDepth;
            stack.frames.append(index);
        }
        if (valid)
            stacks.append(stack);
    }
    return stacks;
}

// Enums whose values index a table of their names: name by value, value by name.
template<typename Enum, std::size_t N>
QString nameOf(const std::array<const char16_t *, N> &names, Enum value)
{
    const auto index = std::size_t(value);
    return index < N ? QString::fromUtf16(names[index]) : QStringLiteral("unknown");
}

template<typename Enum, std::size_t N>
bool valueOf(const std::array<const char16_t *, N> &names, QStringView name, Enum *value)
{
    for (std::size_t i = 0; i < N; ++i) {
        if (name == QStringView(names[i])) {
            *value = Enum(i);
            return true;
        }
    }
    return false;
}

} // namespace

QString AlertStackFrame::toString() const
{
    QString text = function.isEmpty() ? QStringLiteral("??") : function;
    if (!file.isEmpty())
        text += QStringLiteral(" (") + file.section(u'/', -1) + u':' + QString::number(line) + u')';
    else if (!module.isEmpty())
        text += QStringLiteral(" [") + module.section(u'/', -1) + u']';
    return text;
}

QJsonObject AlertStackFrame::toJson() const
{
    QJsonObject object {{QStringLiteral("address"), hex(address)}, {QStringLiteral("function"), capped(function)}};
    if (!module.isEmpty())
        object.insert(u"module", capped(module));
    if (!file.isEmpty()) {
        object.insert(u"file", capped(file));
        object.insert(u"line", line);
    }
    if (!inlined.isEmpty())
        object.insert(u"inlined", capped(inlined));
    if (count > 0)
        object.insert(u"count", count);
    if (ownCode)
        object.insert(u"ownCode", true);
    return object;
}

AlertStackFrame AlertStackFrame::fromJson(const QJsonObject &object)
{
    AlertStackFrame frame;
    frame.address = fromHex(object.value(u"address"));
    frame.function = object.value(u"function").toString();
    frame.module = object.value(u"module").toString();
    frame.file = object.value(u"file").toString();
    frame.line = object.value(u"line").toInt();
    frame.inlined = object.value(u"inlined").toString();
    frame.count = object.value(u"count").toInt();
    frame.ownCode = object.value(u"ownCode").toBool();
    return frame;
}

QJsonObject AlertThreadState::toJson() const
{
    QJsonObject object {
        {QStringLiteral("tid"), tid}, {QStringLiteral("state"), state}, {QStringLiteral("summary"), capped(summary)}};
    if (!wchan.isEmpty())
        object.insert(u"wchan", wchan);
    if (syscall >= 0)
        object.insert(u"syscall", syscall);
    if (futexAddress) {
        object.insert(u"futexAddress", hex(futexAddress));
        if (futexOwnerTid) {
            object.insert(u"futexOwnerTid", futexOwnerTid);
            object.insert(u"futexOwnerName", futexOwnerName);
        }
    }
    if (intervalNs > 0) {
        object.insert(u"runNs", runNs);
        object.insert(u"waitNs", waitNs);
        object.insert(u"intervalNs", intervalNs);
    }
    return object;
}

AlertThreadState AlertThreadState::fromJson(const QJsonObject &object)
{
    AlertThreadState state;
    state.tid = object.value(u"tid").toInteger();
    state.state = object.value(u"state").toString();
    state.wchan = object.value(u"wchan").toString();
    state.syscall = object.value(u"syscall").toInt(-1);
    state.futexAddress = fromHex(object.value(u"futexAddress"));
    state.futexOwnerTid = object.value(u"futexOwnerTid").toInteger();
    state.futexOwnerName = object.value(u"futexOwnerName").toString();
    state.runNs = object.value(u"runNs").toInteger();
    state.waitNs = object.value(u"waitNs").toInteger();
    state.intervalNs = object.value(u"intervalNs").toInteger();
    state.summary = object.value(u"summary").toString();
    return state;
}

QJsonObject AlertWorkerActivity::toJson() const
{
    QJsonObject object {
        {QStringLiteral("lane"), capped(lane)}, {QStringLiteral("tid"), tid}, {QStringLiteral("state"), capped(state)}};
    if (!coroutine.isEmpty())
        object.insert(u"coroutine", capped(coroutine));
    if (!spans.isEmpty())
        object.insert(u"spans", stringArray(spans));
    return object;
}

AlertWorkerActivity AlertWorkerActivity::fromJson(const QJsonObject &object)
{
    AlertWorkerActivity worker;
    worker.lane = object.value(u"lane").toString();
    worker.tid = object.value(u"tid").toInteger();
    worker.state = object.value(u"state").toString();
    worker.coroutine = object.value(u"coroutine").toString();
    worker.spans = stringList(object.value(u"spans"));
    return worker;
}

QJsonObject AlertDispatch::toJson() const
{
    return QJsonObject {
        {QStringLiteral("receiverClass"), capped(receiverClass)},
        {QStringLiteral("objectName"), capped(objectName)},
        {QStringLiteral("eventType"), eventType},
        {QStringLiteral("eventName"), eventName},
        {QStringLiteral("depth"), depth},
        {QStringLiteral("startNs"), startNs},
        {QStringLiteral("nestedEvents"), qint64(nestedEvents)},
    };
}

AlertDispatch AlertDispatch::fromJson(const QJsonObject &object)
{
    AlertDispatch dispatch;
    dispatch.receiverClass = object.value(u"receiverClass").toString();
    dispatch.objectName = object.value(u"objectName").toString();
    dispatch.eventType = object.value(u"eventType").toInt(-1);
    dispatch.eventName = object.value(u"eventName").toString();
    dispatch.depth = object.value(u"depth").toInt();
    dispatch.startNs = object.value(u"startNs").toInteger();
    dispatch.nestedEvents = quint64(object.value(u"nestedEvents").toInteger());
    return dispatch;
}

QJsonObject AlertRecord::toJson() const
{
    QJsonObject object {
        {QStringLiteral("id"), qint64(id)},
        {QStringLiteral("session"), session},
        {QStringLiteral("pid"), pid},
        {QStringLiteral("verdict"), verdictKey(verdict)},
        {QStringLiteral("tier"), tierName(tier)},
        {QStringLiteral("end"), endName(end)},
        {QStringLiteral("startNs"), startNs},
        {QStringLiteral("detectedNs"), detectedNs},
        {QStringLiteral("durationNs"), durationNs},
        {QStringLiteral("startWallMs"), startWallMs},
        {QStringLiteral("heartbeatLatencyNs"), heartbeatLatencyNs},
        {QStringLiteral("priorityHeartbeatLatencyNs"), priorityHeartbeatLatencyNs},
        {QStringLiteral("dispatch"), dispatch.toJson()},
        {QStringLiteral("culprit"), capped(culprit)},
        {QStringLiteral("sampleCount"), sampleCount},
        {QStringLiteral("sampleFailures"), sampleFailures},
        {QStringLiteral("sampleRoundTripMedianNs"), sampleRoundTripMedianNs},
        {QStringLiteral("topFrames"), framesArray(topFrames)},
        {QStringLiteral("stack"), framesArray(stack)},
        {QStringLiteral("uiThread"), uiThread.toJson()},
        {QStringLiteral("debuggerAttached"), debuggerAttached},
    };
    if (previousSession)
        object.insert(u"previousSession", true);
    if (excludedNs)
        object.insert(u"excludedNs", excludedNs);
    if (!culpritCoroutine.isEmpty())
        object.insert(u"culpritCoroutine", capped(culpritCoroutine));
    if (!culpritSpans.isEmpty())
        object.insert(u"culpritSpans", stringArray(culpritSpans));
    QJsonArray workerArray;
    for (qsizetype i = 0; i < workers.size() && i < MaxWorkersInJson; ++i)
        workerArray.append(workers[i].toJson());
    object.insert(u"workers", workerArray);
    if (!budget.isEmpty())
        object.insert(u"budget", capped(budget));
    if (!notes.isEmpty())
        object.insert(u"notes", stringArray(notes));
    writeSampledStacks(*this, object);
    return object;
}

bool AlertRecord::fromJson(const QJsonObject &object, AlertRecord *record, QString *error)
{
    auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    if (!object.contains(u"id") || !object.contains(u"verdict") || !object.contains(u"startNs"))
        return fail(QStringLiteral("not an alert record: id, verdict or startNs missing"));
    AlertRecord r;
    const qint64 id = object.value(u"id").toInteger(-1);
    if (id < 0 || id > 0xffffffffLL)
        return fail(QStringLiteral("alert id out of range"));
    r.id = quint32(id);
    if (!verdictFromKey(object.value(u"verdict").toString(), &r.verdict))
        return fail(QStringLiteral("unknown verdict '%1'").arg(object.value(u"verdict").toString()));
    if (object.contains(u"tier") && !tierFromName(object.value(u"tier").toString(), &r.tier))
        return fail(QStringLiteral("unknown tier '%1'").arg(object.value(u"tier").toString()));
    if (object.contains(u"end") && !endFromName(object.value(u"end").toString(), &r.end))
        return fail(QStringLiteral("unknown end '%1'").arg(object.value(u"end").toString()));
    r.session = object.value(u"session").toString();
    r.pid = object.value(u"pid").toInteger();
    r.previousSession = object.value(u"previousSession").toBool();
    r.startNs = object.value(u"startNs").toInteger();
    r.detectedNs = object.value(u"detectedNs").toInteger();
    r.durationNs = object.value(u"durationNs").toInteger();
    r.startWallMs = object.value(u"startWallMs").toInteger();
    r.heartbeatLatencyNs = object.value(u"heartbeatLatencyNs").toInteger();
    r.priorityHeartbeatLatencyNs = object.value(u"priorityHeartbeatLatencyNs").toInteger();
    r.excludedNs = object.value(u"excludedNs").toInteger();
    r.dispatch = AlertDispatch::fromJson(object.value(u"dispatch").toObject());
    r.culprit = object.value(u"culprit").toString();
    r.culpritCoroutine = object.value(u"culpritCoroutine").toString();
    r.culpritSpans = stringList(object.value(u"culpritSpans"));
    r.sampleCount = object.value(u"sampleCount").toInt();
    r.sampleFailures = object.value(u"sampleFailures").toInt();
    r.sampleRoundTripMedianNs = object.value(u"sampleRoundTripMedianNs").toInteger();
    r.topFrames = framesList(object.value(u"topFrames"));
    r.stack = framesList(object.value(u"stack"));
    r.sampleFrames = framesList(object.value(u"sampleFrames"));
    if (r.sampleFrames.size() > MaxSampleFrames)
        r.sampleFrames.resize(MaxSampleFrames);
    r.sampledStacks = sampledStacksList(object.value(u"sampledStacks"), r.sampleFrames.size());
    r.samplesNotKept = std::max(0, object.value(u"samplesNotKept").toInt());
    r.uiThread = AlertThreadState::fromJson(object.value(u"uiThread").toObject());
    const QJsonArray workerArray = object.value(u"workers").toArray();
    for (const QJsonValue &item : workerArray)
        r.workers.append(AlertWorkerActivity::fromJson(item.toObject()));
    r.budget = object.value(u"budget").toString();
    r.debuggerAttached = object.value(u"debuggerAttached").toBool();
    r.notes = stringList(object.value(u"notes"));
    *record = r;
    return true;
}

QString AlertRecord::verdictName(AlertVerdict verdict)
{
    for (const VerdictName &v : verdictNames) {
        if (v.verdict == verdict)
            return QString::fromUtf16(v.name);
    }
    return QStringLiteral("unknown");
}

QString AlertRecord::verdictKey(AlertVerdict verdict)
{
    for (const VerdictName &v : verdictNames) {
        if (v.verdict == verdict)
            return QString::fromUtf16(v.key);
    }
    return QStringLiteral("unknown");
}

bool AlertRecord::verdictFromKey(QStringView key, AlertVerdict *verdict)
{
    for (const VerdictName &v : verdictNames) {
        if (key == QStringView(v.key)) {
            *verdict = v.verdict;
            return true;
        }
    }
    return false;
}

QString AlertRecord::tierName(AlertTier tier)
{
    return nameOf(tierNames, tier);
}

bool AlertRecord::tierFromName(QStringView name, AlertTier *tier)
{
    return valueOf(tierNames, name, tier);
}

QString AlertRecord::endName(AlertEnd end)
{
    return nameOf(endNames, end);
}

bool AlertRecord::endFromName(QStringView name, AlertEnd *end)
{
    return valueOf(endNames, name, end);
}

QString AlertRecord::formatDuration(qint64 ns)
{
    if (ns >= 10'000'000'000LL)
        return QString::number(double(ns) / 1e9, 'f', 1) + QStringLiteral(" s");
    if (ns >= 1'000'000'000LL)
        return QString::number(double(ns) / 1e9, 'f', 2) + QStringLiteral(" s");
    return QString::number(ns / 1'000'000) + QStringLiteral(" ms");
}

} // namespace Taskscope::Model
