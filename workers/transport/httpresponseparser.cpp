#include "workers/transport/httpresponseparser.h"

namespace Taskscope::Transport {

QByteArray HttpResponseParser::header(QByteArrayView name) const
{
    QByteArray value;
    for (const auto &[n, v] : m_headers) {
        if (n.compare(name, Qt::CaseInsensitive) == 0) {
            if (!value.isEmpty())
                value += ", ";
            value += v;
        }
    }
    return value;
}

void HttpResponseParser::fail(const QString &error)
{
    m_state = State::Error;
    m_error = error;
}

bool HttpResponseParser::takeLine(QByteArray *line, qsizetype max)
{
    const qsizetype lf = m_buffer.indexOf('\n');
    if (lf < 0) {
        if (m_buffer.size() > max)
            fail(QStringLiteral("HTTP line longer than %1 bytes").arg(max));
        return false;
    }
    if (lf > max) {
        fail(QStringLiteral("HTTP line longer than %1 bytes").arg(max));
        return false;
    }
    *line = m_buffer.left(lf);
    if (line->endsWith('\r'))
        line->chop(1);
    m_buffer.remove(0, lf + 1);
    return true;
}

void HttpResponseParser::headersDone()
{
    const bool noBody = m_head || (m_status >= 100 && m_status < 200) || m_status == 204 || m_status == 304;
    if (noBody) {
        m_state = State::Done;
        return;
    }
    if (header("transfer-encoding").toLower().contains("chunked")) {
        m_state = State::ChunkSize;
        return;
    }
    const QByteArray length = header("content-length");
    if (!length.isEmpty()) {
        bool ok = false;
        const qint64 n = length.trimmed().toLongLong(&ok);
        if (!ok || n < 0) {
            fail(QStringLiteral("invalid Content-Length \"%1\"").arg(QString::fromLatin1(length.left(40))));
            return;
        }
        m_remaining = n;
        m_state = n == 0 ? State::Done : State::Body;
        return;
    }
    m_remaining = -1; // close-delimited
    m_state = State::Body;
}

void HttpResponseParser::feed(QByteArrayView bytes)
{
    if (m_state == State::Done || m_state == State::Error)
        return;
    m_buffer.append(bytes.data(), bytes.size());
    while (step()) { }
}

bool HttpResponseParser::step()
{
    switch (m_state) {
    case State::StatusLine:
        return readStatusLine();
    case State::Headers:
        return readHeaderLine();
    case State::Body:
        return readBody();
    case State::ChunkSize:
        return readChunkSize();
    case State::ChunkData:
        return readChunkData();
    case State::ChunkDataEnd:
        return readChunkDataEnd();
    case State::Trailers:
        return readTrailerLine();
    case State::Done:
    case State::Error:
        return false;
    }
    return false;
}

bool HttpResponseParser::readStatusLine()
{
    QByteArray line;
    if (!takeLine(&line, MaxHeaderBytes))
        return false;
    m_headerBytes += line.size();
    const QList<QByteArray> parts = line.split(' ');
    bool ok = false;
    const int status = parts.value(1).toInt(&ok);
    if (!line.startsWith("HTTP/1.") || !ok || status < 100 || status > 999) {
        fail(QStringLiteral("malformed HTTP status line \"%1\"").arg(QString::fromLatin1(line.left(80))));
        return false;
    }
    m_status = status;
    m_reason = parts.mid(2).join(' ');
    m_state = State::Headers;
    return true;
}

bool HttpResponseParser::readHeaderLine()
{
    QByteArray line;
    if (!takeLine(&line, MaxHeaderBytes - m_headerBytes))
        return false;
    m_headerBytes += line.size() + 2;
    if (line.isEmpty()) {
        if (m_status >= 100 && m_status < 200 && m_status != 101) {
            // Interim response (100 Continue): the real one follows.
            m_headers.clear();
            m_state = State::StatusLine;
            return true;
        }
        headersDone();
        return true;
    }
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0) {
        fail(QStringLiteral("malformed HTTP header line \"%1\"").arg(QString::fromLatin1(line.left(80))));
        return false;
    }
    m_headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
    return true;
}

bool HttpResponseParser::readBody()
{
    if (m_buffer.isEmpty())
        return false;
    qsizetype n = m_buffer.size();
    if (m_remaining >= 0)
        n = qsizetype(std::min<qint64>(n, m_remaining));
    m_body.append(m_buffer.constData(), n);
    m_bodyTotal += n;
    m_buffer.remove(0, n);
    if (m_remaining >= 0) {
        m_remaining -= n;
        if (m_remaining == 0)
            m_state = State::Done;
    }
    if (m_state == State::Body)
        return false;
    return true;
}

bool HttpResponseParser::readChunkSize()
{
    QByteArray line;
    if (!takeLine(&line, 1024))
        return false;
    const qsizetype semicolon = line.indexOf(';');
    const QByteArray digits = (semicolon >= 0 ? line.left(semicolon) : line).trimmed();
    bool ok = false;
    const qint64 size = digits.toLongLong(&ok, 16);
    if (!ok || size < 0 || digits.size() > 15) {
        fail(QStringLiteral("malformed chunk size \"%1\"").arg(QString::fromLatin1(line.left(40))));
        return false;
    }
    m_remaining = size;
    m_state = size == 0 ? State::Trailers : State::ChunkData;
    return true;
}

bool HttpResponseParser::readChunkData()
{
    if (m_buffer.isEmpty())
        return false;
    const qsizetype n = qsizetype(std::min<qint64>(m_buffer.size(), m_remaining));
    m_body.append(m_buffer.constData(), n);
    m_bodyTotal += n;
    m_buffer.remove(0, n);
    m_remaining -= n;
    if (m_remaining > 0)
        return false;
    m_state = State::ChunkDataEnd;
    return true;
}

bool HttpResponseParser::readChunkDataEnd()
{
    // Exactly CRLF (or a bare LF) must follow the chunk data.
    if (m_buffer.isEmpty())
        return false;
    if (m_buffer.startsWith('\n')) {
        m_buffer.remove(0, 1);
    } else if (m_buffer.startsWith("\r\n")) {
        m_buffer.remove(0, 2);
    } else if (m_buffer.size() == 1 && m_buffer[0] == '\r') {
        return false;
    } else {
        fail(QStringLiteral("chunk data not followed by CRLF"));
        return false;
    }
    m_state = State::ChunkSize;
    return true;
}

bool HttpResponseParser::readTrailerLine()
{
    QByteArray line;
    if (!takeLine(&line, MaxHeaderBytes))
        return false;
    if (line.isEmpty())
        m_state = State::Done;
    return true;
}

void HttpResponseParser::finish()
{
    if (m_state == State::Body && m_remaining < 0) {
        m_state = State::Done;
        return;
    }
    if (m_state == State::Done || m_state == State::Error)
        return;
    if (m_state == State::StatusLine && m_status == 0 && m_buffer.isEmpty()) {
        fail(QStringLiteral("the server closed the connection without a response"));
        return;
    }
    if (m_state == State::Body)
        fail(QStringLiteral("connection closed after %1 body bytes, %2 missing").arg(m_bodyTotal).arg(m_remaining));
    else
        fail(QStringLiteral("connection closed in the middle of the response"));
}

} // namespace Taskscope::Transport
