#include "model/chrometracewriter.h"

#include "model/tracenames.h"
#include "model/tracestore.h"

#include <QBuffer>
#include <QIODevice>
#include <QJsonDocument>

#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

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

    bool flushIfFull()
    {
        return m_buffer.size() < FlushBytes || flush();
    }

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
    const QByteArray utf8 = text.toUtf8();
    std::string out;
    out.reserve(std::size_t(utf8.size()));
    for (const char ch : utf8) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (c < 0x20) {
                static const char hex[] = "0123456789abcdef";
                out += "\\u00";
                out.push_back(hex[c >> 4]);
                out.push_back(hex[c & 15]);
            } else {
                out.push_back(char(c));
            }
        }
    }
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

} // namespace

bool ChromeTraceWriter::write(const TraceStore &store, QIODevice *device, const Options &options, QString *error)
{
    Out out(device);
    NameCache names;
    const qint64 lastNs = store.lastNs();
    const std::string pid = std::to_string(options.pid);
    bool first = true;
    const auto next = [&] {
        if (!first)
            out.raw(",\n");
        first = false;
    };
    const auto head = [&](const char *ph, NameId name, const char *cat, qint64 ns, LaneId tid) {
        next();
        out.raw("{\"ph\":\"");
        out.raw(ph);
        out.raw("\",\"name\":");
        out.string(names(name));
        out.raw(",\"cat\":\"");
        out.raw(cat);
        out.raw("\",\"ts\":");
        out.micros(ns);
        out.raw(",\"pid\":");
        out.raw(pid);
        out.raw(",\"tid\":");
        out.integer(tid);
    };

    out.raw("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n");
    next();
    out.raw("{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":");
    out.raw(pid);
    out.raw(",\"tid\":0,\"ts\":0,\"args\":{\"name\":");
    out.string(escapeJson(options.processName));
    out.raw("}}");

    const QList<LaneInfo> &lanes = store.lanes();
    int sortIndex = 0;
    for (const LaneInfo &lane : lanes) {
        // Our own lane description, ignored by other tools, so an import restores kinds and groups.
        next();
        out.raw("{\"ph\":\"M\",\"name\":\"taskscope_lane\",\"pid\":");
        out.raw(pid);
        out.raw(",\"tid\":");
        out.integer(lane.id);
        out.raw(",\"ts\":0,\"args\":{\"name\":");
        out.string(names(lane.name));
        out.raw(",\"kind\":\"");
        out.raw(laneKindName(lane.kind));
        out.raw("\",\"group\":");
        out.string(names(lane.group));
        out.raw(",\"parent\":");
        out.integer(lane.parent);
        out.raw("}}");
        if (lane.kind == LaneKind::Coroutine)
            continue;
        next();
        out.raw("{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":");
        out.raw(pid);
        out.raw(",\"tid\":");
        out.integer(lane.id);
        out.raw(",\"ts\":0,\"args\":{\"name\":");
        out.string(names(lane.name));
        out.raw("}}");
        next();
        out.raw("{\"ph\":\"M\",\"name\":\"thread_sort_index\",\"pid\":");
        out.raw(pid);
        out.raw(",\"tid\":");
        out.integer(lane.id);
        out.raw(",\"ts\":0,\"args\":{\"sort_index\":");
        out.integer(sortIndex++);
        out.raw("}}");
    }

    for (const LaneInfo &lane : lanes) {
        if (lane.kind == LaneKind::Coroutine) {
            // The task as one async span, its state segments as children, its own spans on a sibling track.
            std::vector<const StoredSpan *> segments;
            store.forEachSpan(lane.id, std::numeric_limits<qint64>::min(), std::numeric_limits<qint64>::max(),
                              [&](int depth, const StoredSpan &span) {
                                  if (depth == 0)
                                      segments.push_back(&span);
                              });
            qint64 taskStart = segments.empty() ? lane.createdNs : segments.front()->startNs;
            qint64 taskEnd = segments.empty() ? taskStart
                                              : (segments.back()->isOpen() ? lastNs : segments.back()->endNs);
            if (lane.endedNs >= 0)
                taskEnd = std::max(taskEnd, lane.endedNs);
            const LaneId startThread = segments.empty() ? UiThreadLane : LaneId(segments.front()->link);
            head("b", lane.name, "coroutine", taskStart, startThread ? startThread : UiThreadLane);
            out.raw(",\"id\":");
            out.integer(lane.id);
            out.raw(",\"args\":{\"lane\":");
            out.integer(lane.id);
            out.raw("}}");
            for (const StoredSpan *segment : segments) {
                const qint64 end = segment->isOpen() ? lastNs : segment->endNs;
                const LaneId thread = segment->link ? LaneId(segment->link) : UiThreadLane;
                std::string label = segmentLabel(segment->kind);
                if (segment->name) {
                    label += ": ";
                    label += names(segment->name);
                }
                for (const char *ph : {"b", "e"}) {
                    next();
                    out.raw("{\"ph\":\"");
                    out.raw(ph);
                    out.raw("\",\"name\":");
                    out.string(label);
                    out.raw(",\"cat\":\"coroutine\",\"ts\":");
                    out.micros(ph[0] == 'b' ? segment->startNs : end);
                    out.raw(",\"pid\":");
                    out.raw(pid);
                    out.raw(",\"tid\":");
                    out.integer(thread);
                    out.raw(",\"id\":");
                    out.integer(lane.id);
                    out.raw("}");
                }
                if (!out.flushIfFull())
                    break;
            }
            head("e", lane.name, "coroutine", taskEnd, startThread ? startThread : UiThreadLane);
            out.raw(",\"id\":");
            out.integer(lane.id);
            out.raw("}");

            store.forEachSpan(lane.id, std::numeric_limits<qint64>::min(), std::numeric_limits<qint64>::max(),
                              [&](int depth, const StoredSpan &span) {
                                  if (depth == 0)
                                      return;
                                  const qint64 end = span.isOpen() ? lastNs : span.endNs;
                                  head("b", span.name, "coroutine.span", span.startNs, UiThreadLane);
                                  out.raw(",\"id\":");
                                  out.integer(lane.id);
                                  out.raw("}");
                                  head("e", span.name, "coroutine.span", end, UiThreadLane);
                                  out.raw(",\"id\":");
                                  out.integer(lane.id);
                                  out.raw("}");
                                  out.flushIfFull();
                              });
            store.forEachInstant(lane.id, [&](const StoredInstant &instant) {
                head("n", instant.name, "coroutine", instant.ns, UiThreadLane);
                out.raw(",\"id\":");
                out.integer(lane.id);
                out.raw("}");
                out.flushIfFull();
            });
        } else {
            store.forEachSpan(lane.id, std::numeric_limits<qint64>::min(), std::numeric_limits<qint64>::max(),
                              [&](int, const StoredSpan &span) {
                                  const bool runsCoroutine = span.kind == SpanKind::ThreadRunsCoroutine;
                                  head("X", span.name, runsCoroutine ? "coroutine.run" : "span", span.startNs, lane.id);
                                  out.raw(",\"dur\":");
                                  out.micros((span.isOpen() ? std::max(lastNs, span.startNs) : span.endNs) - span.startNs);
                                  if (runsCoroutine || span.arg || span.isOpen()) {
                                      out.raw(",\"args\":{");
                                      bool firstArg = true;
                                      const auto key = [&](const char *k) {
                                          if (!firstArg)
                                              out.raw(',');
                                          firstArg = false;
                                          out.raw(k);
                                      };
                                      if (runsCoroutine) {
                                          key("\"coroutine\":");
                                          out.integer(span.link);
                                      }
                                      if (span.arg) {
                                          key("\"arg\":");
                                          out.integer(span.arg);
                                      }
                                      if (span.isOpen())
                                          key("\"open\":true");
                                      out.raw('}');
                                  }
                                  out.raw('}');
                                  out.flushIfFull();
                              });
            store.forEachInstant(lane.id, [&](const StoredInstant &instant) {
                head("i", instant.name, "instant", instant.ns, lane.id);
                out.raw(",\"s\":\"t\"");
                if (instant.arg) {
                    out.raw(",\"args\":{\"arg\":");
                    out.integer(instant.arg);
                    out.raw('}');
                }
                out.raw('}');
                out.flushIfFull();
            });
        }
        store.forEachCounterSample(lane.id, [&](NameId name, const CounterSample &sample) {
            head("C", name, "counter", sample.ns, lane.id);
            out.raw(",\"args\":{");
            out.string(names(lane.name));
            out.raw(':');
            out.number(sample.value);
            out.raw("}}");
            out.flushIfFull();
        });
        if (!out.flushIfFull()) {
            if (error)
                *error = device->errorString();
            return false;
        }
    }

    store.forEachFlow([&](const StoredFlow &flow) {
        head("s", flow.name, "flow", flow.fromNs, flow.fromLane);
        out.raw(",\"id\":");
        out.integer(qint64(flow.id & 0x7fffffffffffffffull));
        out.raw("}");
        head("f", flow.name, "flow", flow.toNs, flow.toLane);
        out.raw(",\"bp\":\"e\",\"id\":");
        out.integer(qint64(flow.id & 0x7fffffffffffffffull));
        out.raw("}");
        out.flushIfFull();
    });

    for (const AlertBand &band : store.alertBands()) {
        const qint64 end = band.endNs == StoredSpan::OpenEnd ? lastNs : band.endNs;
        head("b", band.name, "alert", band.startNs, band.lane);
        out.raw(",\"id\":");
        out.integer(band.alertId);
        out.raw(",\"args\":{\"alert\":");
        out.integer(band.alertId);
        out.raw("}}");
        head("e", band.name, "alert", end, band.lane);
        out.raw(",\"id\":");
        out.integer(band.alertId);
        out.raw("}");
    }

    QJsonObject metadata = options.metadata;
    QJsonObject taskscope;
    taskscope.insert(QStringLiteral("droppedItems"), qint64(store.droppedItems()));
    taskscope.insert(QStringLiteral("horizonNs"), store.horizonNs());
    taskscope.insert(QStringLiteral("lastNs"), store.lastNs());
    metadata.insert(QStringLiteral("taskscope"), taskscope);
    out.raw("\n],\"metadata\":");
    out.raw(QJsonDocument(metadata).toJson(QJsonDocument::Compact).toStdString());
    out.raw("}\n");
    if (!out.flush()) {
        if (error)
            *error = device->errorString();
        return false;
    }
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
