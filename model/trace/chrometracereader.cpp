#include "model/trace/chrometracereader.h"

#include "model/trace/jsoneventstream.h"
#include "model/trace/laneregistry.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracestore.h"

#include <QBuffer>
#include <QHash>
#include <QIODevice>
#include <QJsonObject>
#include <QJsonValue>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <limits>
#include <memory>
#include <optional>
#include <vector>

namespace Taskscope::Trace {

namespace {

// What the category of an event means to us.
enum class Category : quint8 { Other, Alert, CoroutineSpan, Coroutine };

// One event as it waits to be sorted: 32 bytes, no strings (names are interned, async and flow
// keys numbered), so a trace of millions of events is held in a fraction of its JSON.
struct Record
{
    qint64 ns = 0;
    qint64 extra = 0; // X: the duration; C: the first of its counter samples
    LaneId lane = NoLane; // the thread lane of (pid, tid)
    NameId name = 0;
    quint32 key =
        0; // X, i, I, R: the 'arg'; b, e, n: the async key (an alert: its id); s, t, f: the flow key; C: samples
    char ph = 0;
    Category category = Category::Other;

    qint64 durationForOrder() const { return ph == 'X' ? extra : -1; }
};
static_assert(sizeof(Record) == 32, "a waiting event is 32 bytes");

// Spans nest by arrival order in the store: by time, ends first, longer first at equal start.
bool arrivesBefore(const Record &a, const Record &b)
{
    if (a.ns != b.ns)
        return a.ns < b.ns;
    const bool aEnd = a.ph == 'E' || a.ph == 'e';
    const bool bEnd = b.ph == 'E' || b.ph == 'e';
    if (aEnd != bEnd)
        return aEnd;
    return a.durationForOrder() > b.durationForOrder();
}

// Records in blocks of 1 MiB: no reallocation doubles the memory while a trace is read, and blocks
// already stored are given back while the rest is.
class RecordBlocks
{
public:
    static constexpr int Shift = 15;
    static constexpr qint64 BlockSize = qint64(1) << Shift;

    class Iterator
    {
    public:
        using iterator_category = std::random_access_iterator_tag;
        using value_type = Record;
        using difference_type = std::ptrdiff_t;
        using pointer = Record *;
        using reference = Record &;

        Iterator() = default;
        Iterator(RecordBlocks *blocks, difference_type index)
            : m_blocks(blocks)
            , m_index(index)
        {
        }
        reference operator*() const { return m_blocks->at(m_index); }
        pointer operator->() const { return &m_blocks->at(m_index); }
        reference operator[](difference_type n) const { return m_blocks->at(m_index + n); }
        Iterator &operator++()
        {
            ++m_index;
            return *this;
        }
        Iterator &operator--()
        {
            --m_index;
            return *this;
        }
        Iterator operator++(int) { return Iterator(m_blocks, m_index++); }
        Iterator operator--(int) { return Iterator(m_blocks, m_index--); }
        Iterator &operator+=(difference_type n)
        {
            m_index += n;
            return *this;
        }
        Iterator &operator-=(difference_type n)
        {
            m_index -= n;
            return *this;
        }
        friend Iterator operator+(Iterator it, difference_type n) { return it += n; }
        friend Iterator operator+(difference_type n, Iterator it) { return it += n; }
        friend Iterator operator-(Iterator it, difference_type n) { return it -= n; }
        friend difference_type operator-(const Iterator &a, const Iterator &b) { return a.m_index - b.m_index; }
        friend bool operator==(const Iterator &a, const Iterator &b) { return a.m_index == b.m_index; }
        friend auto operator<=>(const Iterator &a, const Iterator &b) { return a.m_index <=> b.m_index; }

    private:
        RecordBlocks *m_blocks = nullptr;
        difference_type m_index = 0;
    };

    void push(const Record &record)
    {
        if ((m_size & (BlockSize - 1)) == 0)
            m_blocks.push_back(std::make_unique<Record[]>(std::size_t(BlockSize)));
        m_blocks.back()[std::size_t(m_size & (BlockSize - 1))] = record;
        ++m_size;
    }
    Record &at(qint64 i) { return m_blocks[std::size_t(i >> Shift)][std::size_t(i & (BlockSize - 1))]; }
    qint64 size() const { return m_size; }
    // Gives back the block that holds `i`, once it was the block's last record to be used.
    void releaseAfter(qint64 i)
    {
        if ((i & (BlockSize - 1)) == BlockSize - 1 || i == m_size - 1)
            m_blocks[std::size_t(i >> Shift)].reset();
    }
    Iterator begin() { return Iterator(this, 0); }
    Iterator end() { return Iterator(this, m_size); }

private:
    std::vector<std::unique_ptr<Record[]>> m_blocks;
    qint64 m_size = 0;
};

struct CounterValue
{
    NameId series;
    double value;
};

class Importer
{
public:
    Importer(TraceStore &store, const ChromeTraceReader::Limits &limits)
        : m_store(store)
        , m_limits(limits)
    {
    }

    ChromeTraceReader::Result run(JsonEventStream &events);

private:
    // Checks one event and keeps what the store will need; false with m_error set.
    bool readEvent(const QJsonObject &o, qint64 index);
    bool readDescription(const QJsonObject &o, const QString &metaName, qint64 pid, qint64 tid);
    bool readId(const QJsonObject &o, qint64 index, qint64 *id, bool *hasId);
    void readCounterValues(const QJsonObject &args, const QString &name, Record &record);
    std::optional<qint64> number(const QJsonObject &o, QLatin1StringView key, qint64 index, bool required,
                                 double scale);
    // A new lane in the store; NoLane (and m_error) past the lane limit.
    LaneId newLane(LaneKind kind, NameId name);
    LaneId laneFor(qint64 pid, qint64 tid, LaneKind kind);
    quint32 asyncKey(qint64 pid, const QString &cat, qint64 id);
    quint32 flowKey(const QString &cat, const QString &name, qint64 id);
    // Lane names and kinds from the M events, onto the thread lanes.
    bool applyDescriptions();
    void sortRecords();
    // Hands every record to the store in arrival order, giving back their memory as it goes.
    bool replay();
    bool replayAsync(const Record &r);
    void replayCoroutine(const Record &r, LaneId lane);
    void replayFlow(const Record &r);
    LaneId asyncLane(quint32 key, LaneKind kind, NameId name);

    TraceStore &m_store;
    ChromeTraceReader::Limits m_limits;
    QString m_error;
    QHash<QPair<qint64, qint64>, LaneId> m_threadLanes;
    QHash<QPair<qint64, qint64>, LaneInfo> m_described;
    QHash<QString, quint32> m_asyncKeys;
    std::vector<LaneId> m_asyncLanes; // by async key, NoLane until its first event
    QHash<QString, quint32> m_flowKeys;
    std::vector<quint64> m_flowIds; // by flow key
    QHash<quint32, QPair<qint64, LaneId>> m_flowStarts;
    QHash<LaneId, int> m_asyncDepth;
    std::vector<CounterValue> m_counterValues;
    RecordBlocks m_records;
    qint64 m_events = 0;
    qint64 m_skipped = 0;
    LaneId m_nextLane = 1;
};

std::optional<qint64> Importer::number(const QJsonObject &o, QLatin1StringView key, qint64 index, bool required,
                                       double scale)
{
    const QJsonValue v = o.value(key);
    double d = 0;
    if (v.isDouble()) {
        d = v.toDouble();
    } else if (v.isString()) {
        bool ok = false;
        d = v.toString().toDouble(&ok);
        if (!ok) {
            m_error = QStringLiteral("event %1: '%2' is not a number").arg(index).arg(key);
            return std::nullopt;
        }
    } else if (v.isUndefined() || v.isNull()) {
        if (required)
            m_error = QStringLiteral("event %1: '%2' is missing").arg(index).arg(key);
        return std::nullopt;
    } else {
        m_error = QStringLiteral("event %1: '%2' is not a number").arg(index).arg(key);
        return std::nullopt;
    }
    d *= scale;
    if (!std::isfinite(d) || std::fabs(d) > 9.0e18) {
        m_error = QStringLiteral("event %1: '%2' is out of range").arg(index).arg(key);
        return std::nullopt;
    }
    return qint64(std::llround(d));
}

LaneId Importer::newLane(LaneKind kind, NameId name)
{
    if (int(m_nextLane) > m_limits.maxLanes) {
        m_error = QStringLiteral("more than %1 lanes").arg(m_limits.maxLanes);
        return NoLane;
    }
    LaneInfo info;
    info.id = m_nextLane++;
    info.kind = kind;
    info.name = name;
    m_store.setLane(info);
    return info.id;
}

LaneId Importer::laneFor(qint64 pid, qint64 tid, LaneKind kind)
{
    const auto key = qMakePair(pid, tid);
    if (const auto it = m_threadLanes.constFind(key); it != m_threadLanes.cend())
        return it.value();
    const LaneId lane = newLane(kind, TraceNames::intern(QStringLiteral("thread %1").arg(tid)));
    if (lane != NoLane)
        m_threadLanes.insert(key, lane);
    return lane;
}

quint32 Importer::asyncKey(qint64 pid, const QString &cat, qint64 id)
{
    const QString text = QStringLiteral("%1/%2/%3").arg(pid).arg(cat).arg(id);
    const auto it = m_asyncKeys.constFind(text);
    if (it != m_asyncKeys.cend())
        return it.value();
    const auto key = quint32(m_asyncLanes.size());
    m_asyncKeys.insert(text, key);
    m_asyncLanes.push_back(NoLane);
    return key;
}

quint32 Importer::flowKey(const QString &cat, const QString &name, qint64 id)
{
    const QString text = cat + QLatin1Char('/') + name + QLatin1Char('/') + QString::number(id);
    const auto it = m_flowKeys.constFind(text);
    if (it != m_flowKeys.cend())
        return it.value();
    const auto key = quint32(m_flowIds.size());
    m_flowKeys.insert(text, key);
    m_flowIds.push_back(quint64(id));
    return key;
}

LaneId Importer::asyncLane(quint32 key, LaneKind kind, NameId name)
{
    LaneId &lane = m_asyncLanes[key];
    if (lane == NoLane)
        lane = newLane(kind, name);
    return lane;
}

ChromeTraceReader::Result Importer::run(JsonEventStream &events)
{
    ChromeTraceReader::Result result;
    QJsonObject event;
    while (true) {
        const qint64 index = events.index();
        const JsonEventStream::Item item = events.next(&event);
        if (item == JsonEventStream::Item::End)
            break;
        if (item == JsonEventStream::Item::Error) {
            result.error = events.error();
            return result;
        }
        if (index >= m_limits.maxEvents) {
            result.error = QStringLiteral("the trace has more events than the limit of %1").arg(m_limits.maxEvents);
            return result;
        }
        if (!readEvent(event, index)) {
            result.error = m_error;
            return result;
        }
    }
    if (!applyDescriptions()) {
        result.error = m_error;
        return result;
    }
    sortRecords();
    if (!replay()) {
        result.error = m_error;
        return result;
    }
    result.ok = true;
    result.events = m_events;
    result.skipped = m_skipped;
    result.lanes = int(m_nextLane) - 1;
    return result;
}

bool Importer::readEvent(const QJsonObject &o, qint64 index)
{
    if (o.isEmpty())
        return true; // null or {}
    const QJsonValue phValue = o.value(QLatin1StringView("ph"));
    if (!phValue.isString() || phValue.toString().size() != 1) {
        m_error = QStringLiteral("event %1: 'ph' must be a one-character string").arg(index);
        return false;
    }
    const char ph = char(phValue.toString().at(0).toLatin1());
    const QJsonValue nameValue = o.value(QLatin1StringView("name"));
    if (!nameValue.isUndefined() && !nameValue.isString()) {
        m_error = QStringLiteral("event %1: 'name' must be a string").arg(index);
        return false;
    }
    const QJsonValue catValue = o.value(QLatin1StringView("cat"));
    if (!catValue.isUndefined() && !catValue.isString()) {
        m_error = QStringLiteral("event %1: 'cat' must be a string").arg(index);
        return false;
    }
    const QJsonValue argsValue = o.value(QLatin1StringView("args"));
    if (!argsValue.isUndefined() && !argsValue.isObject()) {
        m_error = QStringLiteral("event %1: 'args' must be an object").arg(index);
        return false;
    }
    const qint64 pid = number(o, QLatin1StringView("pid"), index, false, 1.0).value_or(0);
    if (!m_error.isEmpty())
        return false;
    const qint64 tid = number(o, QLatin1StringView("tid"), index, false, 1.0).value_or(pid);
    if (!m_error.isEmpty())
        return false;
    if (ph == 'M')
        return readDescription(argsValue.toObject(), nameValue.toString(), pid, tid);

    Record r;
    r.ph = ph;
    const std::optional<qint64> ts = number(o, QLatin1StringView("ts"), index, true, 1000.0);
    if (!ts)
        return false;
    r.ns = *ts;
    if (ph == 'X') {
        const std::optional<qint64> dur = number(o, QLatin1StringView("dur"), index, true, 1000.0);
        if (!dur)
            return false;
        if (*dur < 0) {
            m_error = QStringLiteral("event %1: 'dur' is negative").arg(index);
            return false;
        }
        if (r.ns > std::numeric_limits<qint64>::max() - *dur) {
            m_error = QStringLiteral("event %1: 'ts' + 'dur' is out of range").arg(index);
            return false;
        }
        r.extra = *dur;
    }
    qint64 id = 0;
    bool hasId = false;
    if (!readId(o, index, &id, &hasId))
        return false;
    // Lane: remembered by (pid, tid) for thread-scoped phases; async phases get their own lanes later.
    r.lane = laneFor(pid, tid, LaneKind::Thread);
    if (r.lane == NoLane)
        return false;
    const QString name = nameValue.toString();
    const QString cat = catValue.toString();
    r.name = TraceNames::intern(name);
    ++m_events;
    const QJsonObject args = argsValue.toObject();
    switch (ph) {
    case 'X':
        if (cat == QLatin1StringView("coroutine.run"))
            return true; // our mirror of a coroutine's running segment: rebuilt from the coroutine lane
        r.key = std::uint32_t(args.value(QLatin1StringView("arg")).toInteger());
        break;
    case 'B':
    case 'E':
        break;
    case 'i':
    case 'I':
    case 'R':
        r.key = std::uint32_t(args.value(QLatin1StringView("arg")).toInteger());
        break;
    case 'C':
        readCounterValues(args, name, r);
        break;
    case 'b':
    case 'e':
    case 'n':
        if (!hasId) {
            m_error = QStringLiteral("event %1: async event without 'id'").arg(index);
            return false;
        }
        if (cat == QLatin1StringView("alert")) {
            r.category = Category::Alert;
            r.key = std::uint32_t(id);
        } else if (cat == QLatin1StringView("coroutine.span")) {
            r.category = Category::CoroutineSpan;
            r.key = asyncKey(pid, QStringLiteral("coroutine"), id);
        } else {
            r.category = cat == QLatin1StringView("coroutine") ? Category::Coroutine : Category::Other;
            r.key = asyncKey(pid, cat, id);
        }
        break;
    case 's':
    case 't':
    case 'f':
        if (!hasId) {
            m_error = QStringLiteral("event %1: flow event without 'id'").arg(index);
            return false;
        }
        r.key = flowKey(cat, name, id);
        break;
    default:
        ++m_skipped; // a phase we do not model
        return true;
    }
    m_records.push(r);
    return true;
}

bool Importer::readId(const QJsonObject &o, qint64 index, qint64 *id, bool *hasId)
{
    const QJsonValue idValue = o.value(QLatin1StringView("id"));
    if (idValue.isUndefined())
        return true;
    if (idValue.isDouble()) {
        // Converting a double outside qint64's range is undefined: such an id is refused.
        const double d = idValue.toDouble();
        if (!(std::fabs(d) < 9.0e18)) {
            m_error = QStringLiteral("event %1: 'id' is out of range").arg(index);
            return false;
        }
        *id = qint64(d);
    } else if (idValue.isString()) {
        // Chrome's convention: string ids are hexadecimal.
        bool ok = false;
        *id = idValue.toString().toLongLong(&ok, 16);
        if (!ok)
            *id = qint64(qHash(idValue.toString()));
    } else {
        m_error = QStringLiteral("event %1: 'id' must be a number or a string").arg(index);
        return false;
    }
    *hasId = true;
    return true;
}

bool Importer::readDescription(const QJsonObject &args, const QString &metaName, qint64 pid, qint64 tid)
{
    if (metaName == QLatin1StringView("thread_name") && args.value(QLatin1StringView("name")).isString()) {
        m_described[qMakePair(pid, tid)].name = TraceNames::intern(args.value(QLatin1StringView("name")).toString());
    } else if (metaName == QLatin1StringView("taskscope_lane")) {
        LaneInfo &info = m_described[qMakePair(pid, tid)];
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
    return true;
}

void Importer::readCounterValues(const QJsonObject &args, const QString &name, Record &record)
{
    // One series per numeric key; a single key keeps the event's name (our own exports).
    record.extra = qint64(m_counterValues.size());
    const bool single = args.size() <= 1;
    for (auto it = args.begin(); it != args.end(); ++it) {
        if (it.key() == QLatin1StringView("__pid") || !it.value().isDouble())
            continue;
        const NameId series = single ? record.name : TraceNames::intern(QString(name + QLatin1Char(' ') + it.key()));
        m_counterValues.push_back(CounterValue {series, it.value().toDouble()});
        ++record.key;
    }
}

bool Importer::applyDescriptions()
{
    for (auto it = m_described.cbegin(); it != m_described.cend(); ++it) {
        LaneId lane = m_threadLanes.value(it.key(), NoLane);
        if (lane == NoLane) {
            lane = laneFor(it.key().first, it.key().second, it->kind);
            if (lane == NoLane)
                return false;
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
            m_asyncLanes[asyncKey(it.key().first, QStringLiteral("coroutine"), it.key().second)] = lane;
    }
    return true;
}

void Importer::sortRecords()
{
    // Most traces (ours among them) arrive in order already.
    if (!std::is_sorted(m_records.begin(), m_records.end(), arrivesBefore))
        std::stable_sort(m_records.begin(), m_records.end(), arrivesBefore);
}

bool Importer::replay()
{
    for (qint64 i = 0; i < m_records.size(); ++i) {
        const Record r = m_records.at(i);
        m_records.releaseAfter(i);
        switch (r.ph) {
        case 'X':
            m_store.addSpan(r.lane, r.ns, r.ns + r.extra, r.name, SpanKind::Span, 0, r.key);
            break;
        case 'B':
            m_store.beginSpan(r.lane, r.ns, r.name);
            break;
        case 'E':
            m_store.endSpan(r.lane, r.ns, 0);
            break;
        case 'i':
        case 'I':
        case 'R':
            m_store.addInstant(r.lane, r.ns, r.name, r.key);
            break;
        case 'C':
            for (quint32 k = 0; k < r.key; ++k) {
                const CounterValue &v = m_counterValues[std::size_t(r.extra) + k];
                m_store.addCounter(r.lane, v.series, r.ns, v.value);
            }
            break;
        case 'b':
        case 'e':
        case 'n':
            if (!replayAsync(r))
                return false;
            break;
        default: // s, t, f
            replayFlow(r);
            break;
        }
    }
    return true;
}

bool Importer::replayAsync(const Record &r)
{
    if (r.category == Category::Alert) {
        // A 'b' opens the band; the matching 'e' (same id) sets its end.
        m_store.setAlert(r.lane, r.key, r.name, r.ns, r.ph == 'b' ? StoredSpan::OpenEnd : r.ns);
        return true;
    }
    const bool coroutine = r.category == Category::Coroutine || r.category == Category::CoroutineSpan;
    const LaneId lane = asyncLane(r.key, coroutine ? LaneKind::Coroutine : LaneKind::Stream, r.name);
    if (lane == NoLane)
        return false;
    if (r.category == Category::CoroutineSpan) {
        // Our coroutine lane spans: kept on the coroutine lane itself.
        if (r.ph == 'b')
            m_store.beginSpan(lane, r.ns, r.name);
        else if (r.ph == 'e')
            m_store.endSpan(lane, r.ns, r.name);
        return true;
    }
    if (r.ph == 'n')
        m_store.addInstant(lane, r.ns, r.name);
    else if (r.category == Category::Coroutine)
        replayCoroutine(r, lane);
    else if (r.ph == 'b')
        m_store.beginSpan(lane, r.ns, r.name);
    else
        m_store.endSpan(lane, r.ns, r.name);
    return true;
}

void Importer::replayCoroutine(const Record &r, LaneId lane)
{
    // Depth 1 is the task itself; depth 2 are its running / suspended / ready segments.
    int &depth = m_asyncDepth[lane];
    if (r.ph != 'b') {
        if (depth == 1)
            m_store.setCoroutineState(lane, NoLane, r.ns, CoroutineState::Finished, 0);
        depth = std::max(0, depth - 1);
        return;
    }
    if (++depth < 2)
        return;
    const QString label = TraceNames::name(r.name);
    const qsizetype colon = label.indexOf(QLatin1StringView(": "));
    const QString state = colon < 0 ? label : label.left(colon);
    const NameId what = colon < 0 ? 0 : TraceNames::intern(label.mid(colon + 2));
    const CoroutineState s = state == QLatin1StringView("running") ? CoroutineState::Running
        : state == QLatin1StringView("ready")                      ? CoroutineState::Ready
                                                                   : CoroutineState::Suspended;
    m_store.setCoroutineState(lane, s == CoroutineState::Running ? r.lane : NoLane, r.ns, s, what);
}

void Importer::replayFlow(const Record &r)
{
    if (r.ph == 's') {
        m_flowStarts.insert(r.key, qMakePair(r.ns, r.lane));
    } else if (r.ph == 'f') {
        if (const auto it = m_flowStarts.constFind(r.key); it != m_flowStarts.cend()) {
            m_store.addFlow(StoredFlow {it->first, r.ns, it->second, r.lane, r.name, 0, m_flowIds[r.key]});
            m_flowStarts.erase(it);
        }
    }
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
    JsonEventStream events(device, limits.maxBytes, limits.maxDepth);
    Importer importer(store, limits);
    return importer.run(events);
}

ChromeTraceReader::Result ChromeTraceReader::read(const QByteArray &json, TraceStore &store, const Limits &limits)
{
    QBuffer buffer;
    buffer.setData(json);
    buffer.open(QIODevice::ReadOnly);
    return read(&buffer, store, limits);
}

} // namespace Taskscope::Trace
