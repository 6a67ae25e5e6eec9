#include "model/protocol/sseparser.h"

#include <cstring>
#include <limits>

namespace Taskscope::Protocol {

namespace {

constexpr char Bom[3] = {'\xEF', '\xBB', '\xBF'};

// Returns the offset of the first c at or after from, or size when there is none. Short lines are
// common in worst-case streams, so the first bytes are checked inline before paying for a memchr call.
inline qsizetype findByte(const char *base, qsizetype from, qsizetype size, char c)
{
    const qsizetype inlineEnd = qMin(size, from + 8);
    for (; from < inlineEnd; ++from) {
        if (base[from] == c)
            return from;
    }
    if (from == size)
        return size;
    const void *hit = std::memchr(base + from, c, size_t(size - from));
    return hit ? qsizetype(static_cast<const char *>(hit) - base) : size;
}

QByteArray validUtf8(QByteArray bytes)
{
    if (QByteArrayView(bytes).isValidUtf8())
        return bytes;
    // WHATWG decodes with replacement characters; round-tripping through QString does exactly that.
    return QString::fromUtf8(bytes).toUtf8();
}

bool equals(QByteArrayView field, const char (&name)[5])
{
    return std::memcmp(field.data(), name, 4) == 0;
}
bool equals(QByteArrayView field, const char (&name)[6])
{
    return std::memcmp(field.data(), name, 5) == 0;
}
bool equals(QByteArrayView field, const char (&name)[3])
{
    return std::memcmp(field.data(), name, 2) == 0;
}

} // namespace

SseParser::SseParser(qsizetype maxEventBytes)
    : m_maxEventBytes(maxEventBytes > 0 ? maxEventBytes : DefaultMaxEventBytes)
{
}

qsizetype SseParser::feed(QByteArrayView chunk, QList<SseParser::Event> &events)
{
    if (chunk.isEmpty())
        return 0;
    m_bytesFed += chunk.size();
    const qsizetype before = events.size();

    if (m_bomState == BomState::AtStreamStart) {
        // One U+FEFF is stripped at the start of the stream only; it may arrive split across chunks.
        QByteArray joined;
        QByteArrayView view = chunk;
        if (!m_bomPrefix.isEmpty()) {
            joined = m_bomPrefix;
            joined.append(chunk);
            view = joined;
            m_bomPrefix.clear();
        }
        const qsizetype n = qMin<qsizetype>(3, view.size());
        if (std::memcmp(view.data(), Bom, size_t(n)) == 0) {
            if (n < 3) {
                m_bomPrefix = view.toByteArray();
                return 0;
            }
            view = view.sliced(3);
        }
        m_bomState = BomState::Done;
        parseBytes(view.data(), view.data() + view.size(), events);
        return events.size() - before;
    }

    parseBytes(chunk.data(), chunk.data() + chunk.size(), events);
    return events.size() - before;
}

void SseParser::parseBytes(const char *begin, const char *end, QList<SseParser::Event> &events)
{
    const qsizetype size = end - begin;
    qsizetype pos = 0;
    if (m_lastChunkEndedInCr) {
        m_lastChunkEndedInCr = false;
        if (pos < size && begin[pos] == '\n')
            ++pos; // the LF of a CRLF split across chunks: the CR already ended the line
    }

    // The next LF and CR are searched lazily and cached, so a stream that only uses one of them scans
    // for the other once per chunk, not once per line.
    qsizetype nextLf = -1;
    qsizetype nextCr = -1;
    while (pos < size) {
        if (nextLf < pos)
            nextLf = findByte(begin, pos, size, '\n');
        if (nextCr < pos)
            nextCr = findByte(begin, pos, size, '\r');
        const qsizetype eol = qMin(nextLf, nextCr);

        if (eol == size) { // no terminator in the rest of this chunk
            if (m_skippingLongLine)
                break;
            if (m_partialLine.size() + (size - pos) > m_maxEventBytes) {
                const char first = m_partialLine.isEmpty() ? begin[pos] : m_partialLine.front();
                if (first != ':')
                    markOversized(m_partialLine.size() + (size - pos), "line");
                m_partialLine = QByteArray();
                m_skippingLongLine = true;
                break;
            }
            m_partialLine.append(begin + pos, size - pos);
            break;
        }

        if (m_skippingLongLine) {
            m_skippingLongLine = false; // the oversized line ends here and is dropped
        } else if (!m_partialLine.isEmpty()) {
            if (m_partialLine.size() + (eol - pos) > m_maxEventBytes) {
                if (m_partialLine.front() != ':')
                    markOversized(m_partialLine.size() + (eol - pos), "line");
                m_partialLine = QByteArray();
            } else {
                m_partialLine.append(begin + pos, eol - pos);
                processLine(m_partialLine.constData(), m_partialLine.constData() + m_partialLine.size(), events);
                if (m_partialLine.capacity() > 64 * 1024)
                    m_partialLine = QByteArray();
                else
                    m_partialLine.resize(0); // keeps the allocation for the next straddling line
            }
        } else {
            processLine(begin + pos, begin + eol, events);
        }

        if (begin[eol] == '\r') {
            if (eol + 1 == size) {
                m_lastChunkEndedInCr = true;
                pos = size;
            } else {
                pos = eol + (begin[eol + 1] == '\n' ? 2 : 1);
            }
        } else {
            pos = eol + 1;
        }
    }
}

void SseParser::processLine(const char *begin, const char *end, QList<SseParser::Event> &events)
{
    if (begin == end) {
        dispatch(events);
        return;
    }
    if (*begin == ':')
        return; // comment
    const auto *colon = static_cast<const char *>(std::memchr(begin, ':', size_t(end - begin)));
    if (!colon) {
        processField(QByteArrayView(begin, end), QByteArrayView());
        return;
    }
    const char *value = colon + 1;
    if (value < end && *value == ' ')
        ++value;
    processField(QByteArrayView(begin, colon), QByteArrayView(value, end));
}

void SseParser::processField(QByteArrayView field, QByteArrayView value)
{
    switch (field.size()) {
    case 4:
        if (equals(field, "data")) {
            if (m_eventOversized)
                return;
            const qsizetype newSize = m_data.size() + (m_hasData ? 1 : 0) + value.size();
            if (newSize + m_eventType.size() > m_maxEventBytes) {
                markOversized(newSize + m_eventType.size(), "data");
                return;
            }
            if (m_hasData)
                m_data.append('\n');
            m_data.append(value);
            m_hasData = true;
        }
        return;
    case 5:
        if (equals(field, "event")) {
            if (m_eventOversized)
                return;
            if (m_data.size() + value.size() > m_maxEventBytes) {
                markOversized(m_data.size() + value.size(), "type");
                return;
            }
            m_eventType = value.toByteArray();
        } else if (equals(field, "retry")) {
            if (value.isEmpty())
                return;
            qint64 ms = 0;
            for (const char c : value) {
                if (c < '0' || c > '9')
                    return; // only all-ASCII-digit values count
                // Saturate instead of overflowing on absurdly long digit strings.
                ms = ms > (std::numeric_limits<qint64>::max() - 9) / 10 ? std::numeric_limits<qint64>::max()
                                                                        : ms * 10 + (c - '0');
            }
            m_retryMs = ms;
        }
        return;
    case 2:
        if (equals(field, "id") && !value.contains('\0'))
            m_idBuffer = value.toByteArray();
        return;
    default:
        return; // unknown fields are ignored
    }
}

void SseParser::dispatch(QList<SseParser::Event> &events)
{
    if (m_lastEventId != m_idBuffer)
        m_lastEventId = validUtf8(m_idBuffer);
    m_idBuffer = m_lastEventId;
    if (m_eventOversized || !m_hasData) {
        clearEventBuffers();
        return;
    }
    Event event;
    event.type = m_eventType.isEmpty() ? QByteArrayLiteral("message") : validUtf8(std::move(m_eventType));
    event.data = validUtf8(std::move(m_data));
    event.id = m_lastEventId;
    event.retryMs = m_retryMs;
    events.append(std::move(event));
    ++m_dispatchedEvents;
    clearEventBuffers();
}

void SseParser::markOversized(qsizetype bytes, const char *what)
{
    if (!m_eventOversized) {
        ++m_droppedEvents;
        m_lastError = QStringLiteral("SSE event dropped: its %1 reached %2 bytes, over the %3-byte limit")
                          .arg(QLatin1StringView(what))
                          .arg(bytes)
                          .arg(m_maxEventBytes);
    }
    m_eventOversized = true;
    m_data = QByteArray();
    m_hasData = false;
}

void SseParser::clearEventBuffers()
{
    m_data = QByteArray();
    m_eventType = QByteArray();
    m_hasData = false;
    m_eventOversized = false;
}

bool SseParser::finish()
{
    const bool discarded = m_hasData || m_eventOversized || !m_eventType.isEmpty() || !m_partialLine.isEmpty()
        || m_skippingLongLine || !m_bomPrefix.isEmpty() || m_idBuffer != m_lastEventId;
    clearEventBuffers();
    m_partialLine = QByteArray();
    m_bomPrefix = QByteArray();
    m_idBuffer = m_lastEventId;
    m_skippingLongLine = false;
    m_lastChunkEndedInCr = false;
    m_bomState = BomState::AtStreamStart;
    return discarded;
}

void SseParser::reset()
{
    finish();
    m_lastEventId = QByteArray();
    m_idBuffer = QByteArray();
    m_lastError.clear();
    m_retryMs = -1;
    m_dispatchedEvents = 0;
    m_droppedEvents = 0;
    m_bytesFed = 0;
}

QList<SseParser::Event> SseParser::parseAll(QByteArrayView stream, qsizetype maxEventBytes)
{
    SseParser parser(maxEventBytes);
    QList<SseParser::Event> events;
    parser.feed(stream, events);
    parser.finish();
    return events;
}

} // namespace Taskscope::Protocol
