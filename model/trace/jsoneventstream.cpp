#include "model/trace/jsoneventstream.h"

#include <QIODevice>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

namespace Taskscope::Trace {

namespace {

constexpr qint64 chunkBytes = 1 << 20;

bool isWhitespace(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

bool endsPrimitive(char c)
{
    return c == ',' || c == ']' || c == '}' || c == ':' || isWhitespace(c);
}

} // namespace

JsonEventStream::JsonEventStream(QIODevice *device, qint64 maxBytes, int maxDepth)
    : m_device(device)
    , m_maxBytes(maxBytes)
    , m_maxDepth(maxDepth)
{
}

JsonEventStream::Item JsonEventStream::fail(const QString &message)
{
    if (m_error.isEmpty())
        m_error = message;
    m_state = State::Done;
    return Item::Error;
}

JsonEventStream::Item JsonEventStream::invalid(const QString &what, qsizetype rel)
{
    return fail(QStringLiteral("not valid JSON: %1 at byte %2").arg(what).arg(offset(rel)));
}

bool JsonEventStream::fill()
{
    if (m_atEnd || !m_error.isEmpty())
        return false;
    // What was consumed goes; what is being read stays (relative positions are kept).
    if (m_pos > 0) {
        m_buffer.remove(0, m_pos);
        m_base += m_pos;
        m_pos = 0;
    }
    const QByteArray more = m_device ? m_device->read(chunkBytes) : QByteArray();
    if (more.isEmpty()) {
        m_atEnd = true;
        return false;
    }
    m_read += more.size();
    if (m_read > m_maxBytes) {
        m_error = QStringLiteral("the trace is more than the limit of %1 MiB").arg(m_maxBytes >> 20);
        m_atEnd = true;
        return false;
    }
    m_buffer += more;
    return true;
}

bool JsonEventStream::peek(qsizetype rel, char *c)
{
    while (m_pos + rel >= m_buffer.size()) {
        if (!fill())
            return false;
    }
    *c = m_buffer.at(m_pos + rel);
    return true;
}

void JsonEventStream::skipWhitespace()
{
    char c = 0;
    while (peek(0, &c) && isWhitespace(c))
        ++m_pos;
}

bool JsonEventStream::scanValue(int depth, qsizetype *length)
{
    char first = 0;
    if (!peek(0, &first)) {
        invalid(QStringLiteral("the file ends where a value should be"));
        return false;
    }
    qsizetype rel = 0;
    if (first != '{' && first != '[' && first != '"') {
        // A number, true, false or null: up to the next delimiter (Qt's parser checks it).
        char c = 0;
        while (peek(rel, &c) && !endsPrimitive(c))
            ++rel;
        if (!m_error.isEmpty())
            return false;
        *length = rel;
        return rel > 0;
    }
    int nest = 0;
    bool inString = false;
    bool escaped = false;
    while (true) {
        const char *data = m_buffer.constData() + m_pos;
        const qsizetype size = m_buffer.size() - m_pos;
        for (; rel < size; ++rel) {
            const char c = data[rel];
            if (inString) {
                if (escaped)
                    escaped = false;
                else if (c == '\\')
                    escaped = true;
                else if (c == '"') {
                    inString = false;
                    if (nest == 0) { // the value was this string
                        *length = rel + 1;
                        return true;
                    }
                }
                continue;
            }
            if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                if (depth + ++nest > m_maxDepth) {
                    fail(QStringLiteral("JSON nesting deeper than %1 levels at byte %2")
                             .arg(m_maxDepth)
                             .arg(offset(rel)));
                    return false;
                }
            } else if (c == '}' || c == ']') {
                if (--nest == 0) {
                    *length = rel + 1;
                    return true;
                }
            }
        }
        if (!fill()) {
            invalid(inString ? QStringLiteral("a string is not terminated")
                             : QStringLiteral("the file ends inside a value"),
                    rel);
            return false;
        }
    }
}

JsonEventStream::Item JsonEventStream::readElement(QJsonObject *event)
{
    qsizetype length = 0;
    if (!scanValue(m_elementDepth, &length))
        return fail(m_error);
    const qint64 index = m_index++;
    const QByteArray bytes = QByteArray::fromRawData(m_buffer.constData() + m_pos, length);
    const char first = bytes.at(0);
    if (first == '{') {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
        if (parseError.error != QJsonParseError::NoError)
            return invalid(parseError.errorString(), parseError.offset);
        *event = document.object();
    } else if (bytes == "null") {
        *event = QJsonObject();
    } else {
        return fail(QStringLiteral("event %1 is not an object").arg(index));
    }
    m_pos += length;
    m_state = State::AfterElement;
    return Item::Event;
}

bool JsonEventStream::readMember()
{
    // "key": value, at the top level of an object; the events array is entered, anything else skipped.
    qsizetype keyLength = 0;
    if (!scanValue(1, &keyLength)) {
        fail(m_error);
        return false;
    }
    const bool isEvents = QByteArray::fromRawData(m_buffer.constData() + m_pos, keyLength) == "\"traceEvents\"";
    m_pos += keyLength;
    skipWhitespace();
    char c = 0;
    if (!peek(0, &c) || c != ':') {
        invalid(QStringLiteral("':' expected after a key"));
        return false;
    }
    ++m_pos;
    skipWhitespace();
    if (isEvents) {
        if (!peek(0, &c) || c != '[') {
            fail(QStringLiteral("the object has no 'traceEvents' array"));
            return false;
        }
        if (m_sawEvents) {
            fail(QStringLiteral("the object has more than one 'traceEvents' array"));
            return false;
        }
        m_sawEvents = true;
        ++m_pos;
        m_elementDepth = 2;
        m_state = State::FirstElement;
        return true;
    }
    qsizetype length = 0;
    if (!scanValue(1, &length)) {
        fail(m_error);
        return false;
    }
    // Qt's parser checks the skipped value (wrapped, so that numbers and strings parse too).
    QJsonParseError parseError;
    QJsonDocument::fromJson('[' + m_buffer.mid(m_pos, length) + ']', &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        invalid(parseError.errorString(), std::max(0, parseError.offset - 1));
        return false;
    }
    m_pos += length;
    m_state = State::AfterMember;
    return true;
}

JsonEventStream::Item JsonEventStream::next(QJsonObject *event)
{
    char c = 0;
    while (true) {
        if (!m_error.isEmpty())
            return fail(m_error);
        switch (m_state) {
        case State::Done:
            return Item::End;
        case State::Start:
            skipWhitespace();
            if (!peek(0, &c)) {
                return m_error.isEmpty() ? invalid(QStringLiteral("the file is empty")) : fail(m_error);
            }
            if (c == '[') {
                ++m_pos;
                m_state = State::FirstElement;
            } else if (c == '{') {
                ++m_pos;
                m_objectForm = true;
                m_state = State::Members;
            } else {
                return invalid(QStringLiteral("a trace must be a JSON array or an object with 'traceEvents'"));
            }
            break;
        case State::FirstElement:
        case State::NextElement:
            skipWhitespace();
            if (!peek(0, &c))
                return invalid(QStringLiteral("the file ends inside the events array"));
            if (c == ']' && m_state == State::FirstElement) {
                ++m_pos;
                m_state = m_objectForm ? State::AfterMember : State::Trailing;
                break;
            }
            return readElement(event);
        case State::AfterElement:
            skipWhitespace();
            if (!peek(0, &c))
                return invalid(QStringLiteral("the file ends inside the events array"));
            ++m_pos;
            if (c == ',')
                m_state = State::NextElement;
            else if (c == ']')
                m_state = m_objectForm ? State::AfterMember : State::Trailing;
            else
                return invalid(QStringLiteral("',' or ']' expected after an event"), -1);
            break;
        case State::Members:
        case State::AfterMember:
            skipWhitespace();
            if (!peek(0, &c))
                return invalid(QStringLiteral("the file ends inside the top-level object"));
            if (c == '}') {
                ++m_pos;
                if (!m_sawEvents)
                    return fail(QStringLiteral("the object has no 'traceEvents' array"));
                m_state = State::Trailing;
                break;
            }
            if (m_state == State::AfterMember) {
                if (c != ',')
                    return invalid(QStringLiteral("',' or '}' expected after a member"));
                ++m_pos;
                skipWhitespace();
                if (!peek(0, &c))
                    return invalid(QStringLiteral("the file ends inside the top-level object"));
            }
            if (c != '"')
                return invalid(QStringLiteral("a key expected"));
            if (!readMember())
                return Item::Error;
            break;
        case State::Trailing:
            skipWhitespace();
            if (peek(0, &c))
                return invalid(QStringLiteral("more after the end of the trace"));
            if (!m_error.isEmpty())
                return fail(m_error);
            m_state = State::Done;
            return Item::End;
        }
    }
}

} // namespace Taskscope::Trace
