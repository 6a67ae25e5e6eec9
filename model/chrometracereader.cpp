#include "model/chrometracereader.h"

#include "model/laneregistry.h"
#include "model/tracenames.h"
#include "model/tracestore.h"

#include <QHash>
#include <QIODevice>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

namespace {

// Refuses deep nesting before QJsonDocument sees it: bracket depth outside strings.
QString checkDepth(const QByteArray &json, int maxDepth)
{
    int depth = 0;
    bool inString = false;
    bool escaped = false;
    for (qsizetype i = 0; i < json.size(); ++i) {
        const char c = json.at(i);
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > maxDepth)
                return QStringLiteral("JSON nesting deeper than %1 levels at byte %2").arg(maxDepth).arg(i);
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return {};
}

struct Event
{
    char ph = 0;
    qint64 ns = 0;
    qint64 durNs = -1;
    LaneId lane = NoLane;
    NameId name = 0;
    QString cat;
    QString nameText;
    QJsonObject args;
    qint64 id = 0;
    bool hasId = false;
    bool bindEnclosing = false;
    qint64 order = 0;
};

class Importer
{
public:
    Importer(TraceStore &store, const ChromeTraceReader::Limits &limits)
        : m_store(store)
        , m_limits(limits)
    {
    }

    ChromeTraceReader::Result run(const QJsonArray &events);

private:
    std::optional<qint64> number(const QJsonObject &o, QLatin1StringView key, qint64 index, bool required, double scale,
                                 QString *error);
    LaneId laneFor(qint64 pid, qint64 tid, LaneKind kind, QString *error);
    LaneId asyncLane(qint64 pid, const QString &cat, qint64 id, LaneKind kind, NameId name, QString *error);

    TraceStore &m_store;
    ChromeTraceReader::Limits m_limits;
    QHash<QPair<qint64, qint64>, LaneId> m_threadLanes;
    QHash<QString, LaneId> m_asyncLanes;
    LaneId m_nextLane = 1;
};

std::optional<qint64> Importer::number(const QJsonObject &o, QLatin1StringView key, qint64 index, bool required,
                                       double scale, QString *error)
{
    const QJsonValue v = o.value(key);
    double d = 0;
    if (v.isDouble()) {
        d = v.toDouble();
    } else if (v.isString()) {
        bool ok = false;
        d = v.toString().toDouble(&ok);
        if (!ok) {
            *error = QStringLiteral("event %1: '%2' is not a number").arg(index).arg(key);
            return std::nullopt;
        }
    } else if (v.isUndefined() || v.isNull()) {
        if (required)
            *error = QStringLiteral("event %1: '%2' is missing").arg(index).arg(key);
        return std::nullopt;
    } else {
        *error = QStringLiteral("event %1: '%2' is not a number").arg(index).arg(key);
        return std::nullopt;
    }
    d *= scale;
    if (!std::isfinite(d) || std::fabs(d) > 9.0e18) {
        *error = QStringLiteral("event %1: '%2' is out of range").arg(index).arg(key);
        return std::nullopt;
    }
    return qint64(std::llround(d));
}

LaneId Importer::laneFor(qint64 pid, qint64 tid, LaneKind kind, QString *error)
{
    const auto key = qMakePair(pid, tid);
    if (const auto it = m_threadLanes.constFind(key); it != m_threadLanes.cend())
        return it.value();
    if (int(m_nextLane) > m_limits.maxLanes) {
        *error = QStringLiteral("more than %1 lanes").arg(m_limits.maxLanes);
        return NoLane;
    }
    LaneInfo info;
    info.id = m_nextLane++;
    info.kind = kind;
    info.name = TraceNames::intern(QStringLiteral("thread %1").arg(tid));
    m_store.setLane(info);
    m_threadLanes.insert(key, info.id);
    return info.id;
}

LaneId Importer::asyncLane(qint64 pid, const QString &cat, qint64 id, LaneKind kind, NameId name, QString *error)
{
    const QString key = QStringLiteral("%1/%2/%3").arg(pid).arg(cat).arg(id);
    if (const auto it = m_asyncLanes.constFind(key); it != m_asyncLanes.cend())
        return it.value();
    if (int(m_nextLane) > m_limits.maxLanes) {
        *error = QStringLiteral("more than %1 lanes").arg(m_limits.maxLanes);
        return NoLane;
    }
    LaneInfo info;
    info.id = m_nextLane++;
    info.kind = kind;
    info.name = name;
    m_store.setLane(info);
    m_asyncLanes.insert(key, info.id);
    return info.id;
}

ChromeTraceReader::Result Importer::run(const QJsonArray &events)
{
    ChromeTraceReader::Result result;
    if (events.size() > m_limits.maxEvents) {
        result.error =
            QStringLiteral("%1 events is more than the limit of %2").arg(events.size()).arg(m_limits.maxEvents);
        return result;
    }
    QString error;
    std::vector<Event> parsed;
    parsed.reserve(std::size_t(events.size()));
    // Lane descriptions (M events) first, so spans land on lanes of the right kind and name.
    QHash<QPair<qint64, qint64>, LaneInfo> described;
    for (qint64 i = 0; i < events.size(); ++i) {
        const QJsonValue value = events.at(i);
        if (!value.isObject()) {
            if (value.isNull())
                continue;
            result.error = QStringLiteral("event %1 is not an object").arg(i);
            return result;
        }
        const QJsonObject o = value.toObject();
        if (o.isEmpty())
            continue;
        const QJsonValue phValue = o.value(QLatin1StringView("ph"));
        if (!phValue.isString() || phValue.toString().size() != 1) {
            result.error = QStringLiteral("event %1: 'ph' must be a one-character string").arg(i);
            return result;
        }
        const char ph = char(phValue.toString().at(0).toLatin1());
        const QJsonValue nameValue = o.value(QLatin1StringView("name"));
        if (!nameValue.isUndefined() && !nameValue.isString()) {
            result.error = QStringLiteral("event %1: 'name' must be a string").arg(i);
            return result;
        }
        const QJsonValue catValue = o.value(QLatin1StringView("cat"));
        if (!catValue.isUndefined() && !catValue.isString()) {
            result.error = QStringLiteral("event %1: 'cat' must be a string").arg(i);
            return result;
        }
        const QJsonValue argsValue = o.value(QLatin1StringView("args"));
        if (!argsValue.isUndefined() && !argsValue.isObject()) {
            result.error = QStringLiteral("event %1: 'args' must be an object").arg(i);
            return result;
        }
        const qint64 pid = number(o, QLatin1StringView("pid"), i, false, 1.0, &error).value_or(0);
        if (!error.isEmpty())
            break;
        const qint64 tid = number(o, QLatin1StringView("tid"), i, false, 1.0, &error).value_or(pid);
        if (!error.isEmpty())
            break;

        if (ph == 'M') {
            const QString metaName = nameValue.toString();
            const QJsonObject args = argsValue.toObject();
            if (metaName == QLatin1StringView("thread_name") && args.value(QLatin1StringView("name")).isString()) {
                described[qMakePair(pid, tid)].name = TraceNames::intern(
                    args.value(QLatin1StringView("name")).toString());
            } else if (metaName == QLatin1StringView("taskscope_lane")) {
                LaneInfo &info = described[qMakePair(pid, tid)];
                const QString kind = args.value(QLatin1StringView("kind")).toString();
                info.kind = kind == QLatin1StringView("coroutine") ? LaneKind::Coroutine
                    : kind == QLatin1StringView("stream")          ? LaneKind::Stream
                    : kind == QLatin1StringView("process")         ? LaneKind::Process
                                                                   : LaneKind::Thread;
                if (args.value(QLatin1StringView("name")).isString())
                    info.name = TraceNames::intern(args.value(QLatin1StringView("name")).toString());
                if (args.value(QLatin1StringView("group")).isString())
                    info.group = TraceNames::intern(args.value(QLatin1StringView("group")).toString());
            }
            continue;
        }

        Event e;
        e.ph = ph;
        e.order = i;
        e.nameText = nameValue.toString();
        e.cat = catValue.toString();
        e.args = argsValue.toObject();
        const std::optional<qint64> ts = number(o, QLatin1StringView("ts"), i, true, 1000.0, &error);
        if (!ts)
            break;
        e.ns = *ts;
        if (ph == 'X') {
            const std::optional<qint64> dur = number(o, QLatin1StringView("dur"), i, true, 1000.0, &error);
            if (!dur)
                break;
            if (*dur < 0) {
                error = QStringLiteral("event %1: 'dur' is negative").arg(i);
                break;
            }
            if (e.ns > std::numeric_limits<qint64>::max() - *dur) {
                error = QStringLiteral("event %1: 'ts' + 'dur' is out of range").arg(i);
                break;
            }
            e.durNs = *dur;
        }
        const QJsonValue idValue = o.value(QLatin1StringView("id"));
        if (!idValue.isUndefined()) {
            if (idValue.isDouble()) {
                // Converting a double outside qint64's range is undefined: such an id is refused.
                const double id = idValue.toDouble();
                if (!(std::fabs(id) < 9.0e18)) {
                    error = QStringLiteral("event %1: 'id' is out of range").arg(i);
                    break;
                }
                e.id = qint64(id);
            } else if (idValue.isString()) {
                // Chrome's convention: string ids are hexadecimal.
                bool ok = false;
                e.id = idValue.toString().toLongLong(&ok, 16);
                if (!ok)
                    e.id = qint64(qHash(idValue.toString()));
            } else {
                error = QStringLiteral("event %1: 'id' must be a number or a string").arg(i);
                break;
            }
            e.hasId = true;
        }
        e.bindEnclosing = o.value(QLatin1StringView("bp")).toString() == QLatin1StringView("e");
        // Lane: remembered by (pid, tid) for thread-scoped phases; async phases get their own lanes below.
        e.lane = laneFor(pid, tid, LaneKind::Thread, &error);
        if (e.lane == NoLane)
            break;
        e.name = TraceNames::intern(e.nameText);
        e.id = e.hasId ? e.id : 0;
        e.args.insert(QStringLiteral("__pid"), pid);
        parsed.push_back(std::move(e));
    }
    if (!error.isEmpty()) {
        result.error = error;
        return result;
    }

    // Apply lane descriptions (names, kinds) to thread lanes.
    for (auto it = described.cbegin(); it != described.cend(); ++it) {
        LaneId lane = m_threadLanes.value(it.key(), NoLane);
        if (lane == NoLane) {
            lane = laneFor(it.key().first, it.key().second, it->kind, &error);
            if (lane == NoLane) {
                result.error = error;
                return result;
            }
        }
        LaneInfo info = m_store.lane(lane);
        if (it->name)
            info.name = it->name;
        info.kind = it->kind;
        info.group = it->group;
        m_store.setLane(info);
        // Our exports describe a coroutine lane under its own id and draw it with async events of
        // that id: both must land on this one lane.
        if (it->kind == LaneKind::Coroutine)
            m_asyncLanes.insert(QStringLiteral("%1/coroutine/%2").arg(it.key().first).arg(it.key().second), lane);
    }

    // Spans nest by arrival order in the store: sort by time, longer first at equal start, ends first.
    std::stable_sort(parsed.begin(), parsed.end(), [](const Event &a, const Event &b) {
        if (a.ns != b.ns)
            return a.ns < b.ns;
        const bool aEnd = a.ph == 'E' || a.ph == 'e';
        const bool bEnd = b.ph == 'E' || b.ph == 'e';
        if (aEnd != bEnd)
            return aEnd;
        return a.durNs > b.durNs;
    });

    QHash<QString, QPair<qint64, LaneId>> flowStarts;
    QHash<LaneId, int> asyncDepth;
    for (const Event &e : parsed) {
        ++result.events;
        const qint64 pid = e.args.value(QLatin1StringView("__pid")).toInteger();
        switch (e.ph) {
        case 'X':
            if (e.cat == QLatin1StringView("coroutine.run"))
                break; // our mirror of a coroutine's running segment: rebuilt from the coroutine lane
            m_store.addSpan(e.lane, e.ns, e.ns + e.durNs, e.name, SpanKind::Span, 0,
                            std::uint32_t(e.args.value(QLatin1StringView("arg")).toInteger()));
            break;
        case 'B':
            m_store.beginSpan(e.lane, e.ns, e.name);
            break;
        case 'E':
            m_store.endSpan(e.lane, e.ns, 0);
            break;
        case 'i':
        case 'I':
        case 'R':
            m_store.addInstant(e.lane, e.ns, e.name, std::uint32_t(e.args.value(QLatin1StringView("arg")).toInteger()));
            break;
        case 'C': {
            // One series per numeric key; a single key keeps the event's name (our own exports).
            const bool single = e.args.size() <= 2;
            for (auto it = e.args.begin(); it != e.args.end(); ++it) {
                if (it.key() == QLatin1StringView("__pid") || !it.value().isDouble())
                    continue;
                const NameId series = single ? e.name
                                             : TraceNames::intern(QString(e.nameText + QLatin1Char(' ') + it.key()));
                m_store.addCounter(e.lane, series, e.ns, it.value().toDouble());
            }
            break;
        }
        case 'b':
        case 'e':
        case 'n': {
            if (!e.hasId) {
                result.error = QStringLiteral("event %1: async event without 'id'").arg(e.order);
                return result;
            }
            if (e.cat == QLatin1StringView("alert")) {
                // A 'b' opens the band; the matching 'e' (same id) sets its end.
                m_store.setAlert(e.lane, std::uint32_t(e.id), e.name, e.ns, e.ph == 'b' ? StoredSpan::OpenEnd : e.ns);
                break;
            }
            if (e.cat == QLatin1StringView("coroutine.span")) {
                // Our coroutine lane spans: keep them on the coroutine lane itself.
                const LaneId coroutineLane = asyncLane(pid, QStringLiteral("coroutine"), e.id, LaneKind::Coroutine,
                                                       e.name, &error);
                if (coroutineLane == NoLane) {
                    result.error = error;
                    return result;
                }
                if (e.ph == 'b')
                    m_store.beginSpan(coroutineLane, e.ns, e.name);
                else if (e.ph == 'e')
                    m_store.endSpan(coroutineLane, e.ns, e.name);
                break;
            }
            const bool coroutine = e.cat == QLatin1StringView("coroutine");
            const LaneId lane = asyncLane(pid, e.cat, e.id, coroutine ? LaneKind::Coroutine : LaneKind::Stream, e.name,
                                          &error);
            if (lane == NoLane) {
                result.error = error;
                return result;
            }
            if (e.ph == 'n') {
                m_store.addInstant(lane, e.ns, e.name);
                break;
            }
            if (coroutine) {
                // Depth 1 is the task itself; depth 2 are its running / suspended / ready segments.
                int &depth = asyncDepth[lane];
                if (e.ph == 'b') {
                    ++depth;
                    if (depth >= 2) {
                        const QString label = e.nameText;
                        const qsizetype colon = label.indexOf(QLatin1StringView(": "));
                        const QString state = colon < 0 ? label : label.left(colon);
                        const NameId what = colon < 0 ? 0 : TraceNames::intern(label.mid(colon + 2));
                        const CoroutineState s = state == QLatin1StringView("running") ? CoroutineState::Running
                            : state == QLatin1StringView("ready")                      ? CoroutineState::Ready
                                                                                       : CoroutineState::Suspended;
                        m_store.setCoroutineState(lane, s == CoroutineState::Running ? e.lane : NoLane, e.ns, s, what);
                    }
                } else {
                    if (depth == 1)
                        m_store.setCoroutineState(lane, NoLane, e.ns, CoroutineState::Finished, 0);
                    depth = std::max(0, depth - 1);
                }
                break;
            }
            if (e.ph == 'b')
                m_store.beginSpan(lane, e.ns, e.name);
            else
                m_store.endSpan(lane, e.ns, e.name);
            break;
        }
        case 's':
        case 't':
        case 'f': {
            if (!e.hasId) {
                result.error = QStringLiteral("event %1: flow event without 'id'").arg(e.order);
                return result;
            }
            const QString key = e.cat + QLatin1Char('/') + e.nameText + QLatin1Char('/') + QString::number(e.id);
            if (e.ph == 's') {
                flowStarts.insert(key, qMakePair(e.ns, e.lane));
            } else if (e.ph == 'f') {
                if (const auto it = flowStarts.constFind(key); it != flowStarts.cend()) {
                    m_store.addFlow(StoredFlow {it->first, e.ns, it->second, e.lane, e.name, 0, std::uint64_t(e.id)});
                    flowStarts.erase(it);
                }
            }
            break;
        }
        default:
            ++result.skipped;
            break;
        }
    }
    result.ok = true;
    result.lanes = int(m_nextLane) - 1;
    return result;
}

} // namespace

ChromeTraceReader::Result ChromeTraceReader::read(QIODevice *device, TraceStore &store, const Limits &limits)
{
    Result result;
    if (!device || !device->isReadable()) {
        result.error = QStringLiteral("the trace file is not readable");
        return result;
    }
    if (device->size() > limits.maxBytes && !device->isSequential()) {
        result.error = QStringLiteral("the trace is %1 MiB, more than the limit of %2 MiB")
                           .arg(device->size() >> 20)
                           .arg(limits.maxBytes >> 20);
        return result;
    }
    const QByteArray bytes = device->read(limits.maxBytes + 1);
    if (bytes.size() > limits.maxBytes) {
        result.error = QStringLiteral("the trace is more than the limit of %1 MiB").arg(limits.maxBytes >> 20);
        return result;
    }
    return read(bytes, store, limits);
}

ChromeTraceReader::Result ChromeTraceReader::read(const QByteArray &json, TraceStore &store, const Limits &limits)
{
    Result result;
    if (json.size() > limits.maxBytes) {
        result.error = QStringLiteral("the trace is more than the limit of %1 MiB").arg(limits.maxBytes >> 20);
        return result;
    }
    if (const QString depthError = checkDepth(json, limits.maxDepth); !depthError.isEmpty()) {
        result.error = depthError;
        return result;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        result.error =
            QStringLiteral("not valid JSON: %1 at byte %2").arg(parseError.errorString()).arg(parseError.offset);
        return result;
    }
    QJsonArray events;
    if (document.isArray()) {
        events = document.array();
    } else if (document.isObject()) {
        const QJsonValue traceEvents = document.object().value(QLatin1StringView("traceEvents"));
        if (!traceEvents.isArray()) {
            result.error = QStringLiteral("the object has no 'traceEvents' array");
            return result;
        }
        events = traceEvents.toArray();
    } else {
        result.error = QStringLiteral("a trace must be a JSON array or an object with 'traceEvents'");
        return result;
    }
    Importer importer(store, limits);
    result = importer.run(events);
    return result;
}
