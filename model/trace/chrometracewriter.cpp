#include "model/trace/chrometracewriter.h"

#include "model/protocol/jsonescape.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracestore.h"

#include <QBuffer>
#include <QIODevice>
#include <QJsonDocument>

#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace JsonEscape = Taskscope::Protocol::JsonEscape;

namespace Taskscope::Trace {

namespace {

// A small streaming JSON emitter: one growing std::string flushed to the device every megabyte.
class Out
{
public:
    explicit Out(QIODevice *device)
        : m_device(device)
    {
        m_buffer.reserve(FlushBytes + 4096);
    }

    void raw(std::string_view text) { m_buffer.append(text); }
    void raw(char c) { m_buffer.push_back(c); }

    void integer(qint64 value)
    {
        char digits[24];
        const auto result = std::to_chars(digits, digits + sizeof digits, value);
        m_buffer.append(digits, result.ptr);
    }

    void number(double value)
    {
        if (!std::isfinite(value)) {
            raw("0");
            return;
        }
        char digits[32];
        const auto result = std::to_chars(digits, digits + sizeof digits, value);
        m_buffer.append(digits, result.ptr);
    }

    /// Nanoseconds as microseconds with exactly three decimals.
    void micros(qint64 ns)
    {
        if (ns < 0) {
            raw('-');
            ns = -ns;
        }
        integer(ns / 1000);
        const int frac = int(ns % 1000);
        char tail[4] = {'.', char('0' + frac / 100), char('0' + frac / 10 % 10), char('0' + frac % 10)};
        m_buffer.append(tail, 4);
    }

    void string(std::string_view escaped) // already escaped, without quotes
    {
        raw('"');
        raw(escaped);
        raw('"');
    }

    bool flushIfFull() { return m_buffer.size() < FlushBytes || flush(); }

    bool flush()
    {
        const char *data = m_buffer.data();
        qint64 left = qint64(m_buffer.size());
        while (left > 0) {
            const qint64 written = m_device->write(data, left);
            if (written <= 0)
                return false;
            data += written;
            left -= written;
        }
        m_buffer.clear();
        return true;
    }

private:
    static constexpr std::size_t FlushBytes = 1 << 20;
    QIODevice *m_device;
    std::string m_buffer;
};

std::string escapeJson(const QString &text)
{
    std::string out;
    Taskscope::Protocol::JsonEscape::append(out, text.toUtf8());
    return out;
}

// Escaped names, looked up once per name id.
class NameCache
{
public:
    const std::string &operator()(NameId id)
    {
        if (id >= m_names.size())
            m_names.resize(std::size_t(id) + 1);
        std::string &slot = m_names[id];
        if (slot.empty() && id != 0) {
            slot = escapeJson(TraceNames::name(id));
            if (slot.empty())
                slot = "(unnamed)";
        }
        return slot;
    }

private:
    std::vector<std::string> m_names;
};

const char *laneKindName(LaneKind kind)
{
    switch (kind) {
    case LaneKind::Thread:
        return "thread";
    case LaneKind::Coroutine:
        return "coroutine";
    case LaneKind::Stream:
        return "stream";
    case LaneKind::Process:
        return "process";
    }
    return "stream";
}

const char *segmentLabel(SpanKind kind)
{
    switch (kind) {
    case SpanKind::CoroutineRunning:
        return "running";
    case SpanKind::CoroutineReady:
        return "ready";
    default:
        return "suspended";
    }
}

/// One write() of a store: the event list's separators, the common head of every event, and one
/// method per kind of record.
class TraceEmitter
{
public:
    TraceEmitter(const TraceStore &store, QIODevice *device, const ChromeTraceOptions &options)
        : m_store(store)
        , m_out(device)
        , m_pid(std::to_string(options.pid))
        , m_lastNs(store.lastNs())
    {
    }

    Out &out() { return m_out; }
    void processAndLanes(const QString &processName);
    void coroutineLane(const LaneInfo &lane);
    void threadLane(const LaneInfo &lane);
    void counters(const LaneInfo &lane);
    void flows();
    void alertBands();
    void metadata(const QJsonObject &extra);

private:
    void next()
    {
        if (!m_first)
            m_out.raw(",\n");
        m_first = false;
    }
    void head(const char *ph, NameId name, const char *cat, qint64 ns, LaneId tid)
    {
        next();
        m_out.raw("{\"ph\":\"");
        m_out.raw(ph);
        m_out.raw("\",\"name\":");
        m_out.string(m_names(name));
        m_out.raw(",\"cat\":\"");
        m_out.raw(cat);
        m_out.raw("\",\"ts\":");
        m_out.micros(ns);
        m_out.raw(",\"pid\":");
        m_out.raw(m_pid);
        m_out.raw(",\"tid\":");
        m_out.integer(tid);
    }

    /// The start of an `M` (metadata) event up to its open args object.
    void metadataHead(const char *name, LaneId tid)
    {
        next();
        m_out.raw("{\"ph\":\"M\",\"name\":\"");
        m_out.raw(name);
        m_out.raw("\",\"pid\":");
        m_out.raw(m_pid);
        m_out.raw(",\"tid\":");
        m_out.integer(tid);
        m_out.raw(",\"ts\":0,\"args\":{");
    }

    const TraceStore &m_store;
    Out m_out;
    NameCache m_names;
    std::string m_pid;
    qint64 m_lastNs;
    bool m_first = true;
};

void TraceEmitter::processAndLanes(const QString &processName)
{
    m_out.raw("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n");
    metadataHead("process_name", 0);
    m_out.raw("\"name\":");
    m_out.string(escapeJson(processName));
    m_out.raw("}}");

    int sortIndex = 0;
    for (const LaneInfo &lane : m_store.lanes()) {
        // Our own lane description, ignored by other tools, so an import restores kinds and groups.
        metadataHead("taskscope_lane", lane.id);
        m_out.raw("\"name\":");
        m_out.string(m_names(lane.name));
        m_out.raw(",\"kind\":\"");
        m_out.raw(laneKindName(lane.kind));
        m_out.raw("\",\"group\":");
        m_out.string(m_names(lane.group));
        m_out.raw(",\"parent\":");
        m_out.integer(lane.parent);
        m_out.raw("}}");
        if (lane.kind == LaneKind::Coroutine)
            continue;
        metadataHead("thread_name", lane.id);
        m_out.raw("\"name\":");
        m_out.string(m_names(lane.name));
        m_out.raw("}}");
        metadataHead("thread_sort_index", lane.id);
        m_out.raw("\"sort_index\":");
        m_out.integer(sortIndex++);
        m_out.raw("}}");
    }
}

void TraceEmitter::coroutineLane(const LaneInfo &lane)
{
    // The task as one async span, its state segments as children, its own spans on a sibling track.
    std::vector<const StoredSpan *> segments;
    m_store.forEachSpan(lane.id, std::numeric_limits<qint64>::min(), std::numeric_limits<qint64>::max(),
                        [&](int depth, const StoredSpan &span) {
                            if (depth == 0)
                                segments.push_back(&span);
                        });
    qint64 taskStart = segments.empty() ? lane.createdNs : segments.front()->startNs;
    qint64 taskEnd = segments.empty() ? taskStart : (segments.back()->isOpen() ? m_lastNs : segments.back()->endNs);
    if (lane.endedNs >= 0)
        taskEnd = std::max(taskEnd, lane.endedNs);
    const LaneId startThread = segments.empty() ? UiThreadLane : LaneId(segments.front()->link);
    head("b", lane.name, "coroutine", taskStart, startThread ? startThread : UiThreadLane);
    m_out.raw(",\"id\":");
    m_out.integer(lane.id);
    m_out.raw(",\"args\":{\"lane\":");
    m_out.integer(lane.id);
    m_out.raw("}}");
    for (const StoredSpan *segment : segments) {
        const qint64 end = segment->isOpen() ? m_lastNs : segment->endNs;
        const LaneId thread = segment->link ? LaneId(segment->link) : UiThreadLane;
        std::string label = segmentLabel(segment->kind);
        if (segment->name) {
            label += ": ";
            label += m_names(segment->name);
        }
        for (const char *ph : {"b", "e"}) {
            next();
            m_out.raw("{\"ph\":\"");
            m_out.raw(ph);
            m_out.raw("\",\"name\":");
            m_out.string(label);
            m_out.raw(",\"cat\":\"coroutine\",\"ts\":");
            m_out.micros(ph[0] == 'b' ? segment->startNs : end);
            m_out.raw(",\"pid\":");
            m_out.raw(m_pid);
            m_out.raw(",\"tid\":");
            m_out.integer(thread);
            m_out.raw(",\"id\":");
            m_out.integer(lane.id);
            m_out.raw("}");
        }
        if (!m_out.flushIfFull())
            break;
    }
    head("e", lane.name, "coroutine", taskEnd, startThread ? startThread : UiThreadLane);
    m_out.raw(",\"id\":");
    m_out.integer(lane.id);
    m_out.raw("}");

    m_store.forEachSpan(lane.id, std::numeric_limits<qint64>::min(), std::numeric_limits<qint64>::max(),
                        [&](int depth, const StoredSpan &span) {
                            if (depth == 0)
                                return;
                            const qint64 end = span.isOpen() ? m_lastNs : span.endNs;
                            head("b", span.name, "coroutine.span", span.startNs, UiThreadLane);
                            m_out.raw(",\"id\":");
                            m_out.integer(lane.id);
                            m_out.raw("}");
                            head("e", span.name, "coroutine.span", end, UiThreadLane);
                            m_out.raw(",\"id\":");
                            m_out.integer(lane.id);
                            m_out.raw("}");
                            m_out.flushIfFull();
                        });
    m_store.forEachInstant(lane.id, [&](const StoredInstant &instant) {
        head("n", instant.name, "coroutine", instant.ns, UiThreadLane);
        m_out.raw(",\"id\":");
        m_out.integer(lane.id);
        m_out.raw("}");
        m_out.flushIfFull();
    });
}

void TraceEmitter::threadLane(const LaneInfo &lane)
{
    m_store.forEachSpan(lane.id, std::numeric_limits<qint64>::min(), std::numeric_limits<qint64>::max(),
                        [&](int, const StoredSpan &span) {
                            const bool runsCoroutine = span.kind == SpanKind::ThreadRunsCoroutine;
                            head("X", span.name, runsCoroutine ? "coroutine.run" : "span", span.startNs, lane.id);
                            m_out.raw(",\"dur\":");
                            m_out.micros((span.isOpen() ? std::max(m_lastNs, span.startNs) : span.endNs)
                                         - span.startNs);
                            if (runsCoroutine || span.arg || span.isOpen()) {
                                m_out.raw(",\"args\":{");
                                bool firstArg = true;
                                const auto key = [&](const char *k) {
                                    if (!firstArg)
                                        m_out.raw(',');
                                    firstArg = false;
                                    m_out.raw(k);
                                };
                                if (runsCoroutine) {
                                    key("\"coroutine\":");
                                    m_out.integer(span.link);
                                }
                                if (span.arg) {
                                    key("\"arg\":");
                                    m_out.integer(span.arg);
                                }
                                if (span.isOpen())
                                    key("\"open\":true");
                                m_out.raw('}');
                            }
                            m_out.raw('}');
                            m_out.flushIfFull();
                        });
    m_store.forEachInstant(lane.id, [&](const StoredInstant &instant) {
        head("i", instant.name, "instant", instant.ns, lane.id);
        m_out.raw(",\"s\":\"t\"");
        if (instant.arg) {
            m_out.raw(",\"args\":{\"arg\":");
            m_out.integer(instant.arg);
            m_out.raw('}');
        }
        m_out.raw('}');
        m_out.flushIfFull();
    });
}

void TraceEmitter::counters(const LaneInfo &lane)
{
    m_store.forEachCounterSample(lane.id, [&](NameId name, const CounterSample &sample) {
        head("C", name, "counter", sample.ns, lane.id);
        m_out.raw(",\"args\":{");
        m_out.string(m_names(lane.name));
        m_out.raw(':');
        m_out.number(sample.value);
        m_out.raw("}}");
        m_out.flushIfFull();
    });
}

void TraceEmitter::flows()
{
    m_store.forEachFlow([&](const StoredFlow &flow) {
        head("s", flow.name, "flow", flow.fromNs, flow.fromLane);
        m_out.raw(",\"id\":");
        m_out.integer(qint64(flow.id & 0x7fffffffffffffffull));
        m_out.raw("}");
        head("f", flow.name, "flow", flow.toNs, flow.toLane);
        m_out.raw(",\"bp\":\"e\",\"id\":");
        m_out.integer(qint64(flow.id & 0x7fffffffffffffffull));
        m_out.raw("}");
        m_out.flushIfFull();
    });
}

void TraceEmitter::alertBands()
{
    for (const AlertBand &band : m_store.alertBands()) {
        const qint64 end = band.endNs == StoredSpan::OpenEnd ? m_lastNs : band.endNs;
        head("b", band.name, "alert", band.startNs, band.lane);
        m_out.raw(",\"id\":");
        m_out.integer(band.alertId);
        m_out.raw(",\"args\":{\"alert\":");
        m_out.integer(band.alertId);
        m_out.raw("}}");
        head("e", band.name, "alert", end, band.lane);
        m_out.raw(",\"id\":");
        m_out.integer(band.alertId);
        m_out.raw("}");
    }
}

void TraceEmitter::metadata(const QJsonObject &extra)
{
    QJsonObject metadata = extra;
    QJsonObject taskscope;
    taskscope.insert(QStringLiteral("droppedItems"), qint64(m_store.droppedItems()));
    taskscope.insert(QStringLiteral("horizonNs"), m_store.horizonNs());
    taskscope.insert(QStringLiteral("lastNs"), m_store.lastNs());
    metadata.insert(QStringLiteral("taskscope"), taskscope);
    m_out.raw("\n],\"metadata\":");
    m_out.raw(QJsonDocument(metadata).toJson(QJsonDocument::Compact).toStdString());
    m_out.raw("}\n");
}

} // namespace

bool ChromeTraceWriter::write(const TraceStore &store, QIODevice *device, const Options &options, QString *error)
{
    TraceEmitter trace(store, device, options);
    const auto failed = [&] {
        if (error)
            *error = device->errorString();
        return false;
    };
    trace.processAndLanes(options.processName);
    for (const LaneInfo &lane : store.lanes()) {
        if (lane.kind == LaneKind::Coroutine)
            trace.coroutineLane(lane);
        else
            trace.threadLane(lane);
        trace.counters(lane);
        if (!trace.out().flushIfFull())
            return failed();
    }
    trace.flows();
    trace.alertBands();
    trace.metadata(options.metadata);
    if (!trace.out().flush())
        return failed();
    return true;
}

QByteArray ChromeTraceWriter::toJson(const TraceStore &store, const Options &options)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    write(store, &buffer, options);
    return bytes;
}

} // namespace Taskscope::Trace
