#include "workers/loopback/http/httprequestparser.h"

#include <QUrl>

namespace Taskscope::Loopback {

namespace {

// A chunk-size line (size and extensions) longer than this is refused, whether or not its LF has come.
constexpr qsizetype maxChunkLine = 1024;

bool isToken(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 32 || u >= 127)
            return false;
        if (QByteArrayView("()<>@,;:\\\"/[]?={}").contains(c))
            return false;
    }
    return true;
}

bool hasControlCharacters(QByteArrayView text)
{
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 32 && u != '\t') || u == 127)
            return true;
    }
    return false;
}

} // namespace

HttpRequestParser::HttpRequestParser()
    : HttpRequestParser(Limits {})
{
}

HttpRequestParser::HttpRequestParser(const Limits &limits)
    : m_limits(limits)
{
}

HttpRequestParser::State HttpRequestParser::fail(int status, const QString &message)
{
    m_errorStatus = status;
    m_errorMessage = message;
    return State::Error;
}

HttpRequestParser::State HttpRequestParser::feed(QByteArray &buffer)
{
    if (m_errorStatus != 0)
        return State::Error;
    if (m_phase == Phase::Done)
        return State::Complete;
    if (m_phase == Phase::Headers) {
        // RFC 9112 2.2: ignore empty lines before the request line.
        qsizetype skip = 0;
        while (skip < buffer.size() && (buffer.at(skip) == '\r' || buffer.at(skip) == '\n'))
            ++skip;
        if (skip > 0)
            buffer.remove(0, skip);
        // A request starts with a method token: anything else (TLS, binary) is refused at once, not
        // after the header timeout.
        for (qsizetype i = 0; i < std::min<qsizetype>(buffer.size(), 32); ++i) {
            const char c = buffer.at(i);
            if (c == ' ')
                break;
            if (!isToken(QByteArrayView(&c, 1)))
                return fail(400, QStringLiteral("not an HTTP request"));
        }
        qsizetype end = buffer.indexOf("\r\n\r\n");
        qsizetype terminator = 4;
        const qsizetype bareEnd = buffer.indexOf("\n\n");
        if (bareEnd >= 0 && (end < 0 || bareEnd < end)) {
            end = bareEnd;
            terminator = 2;
        }
        if (end < 0) {
            if (buffer.size() > m_limits.maxHeaderBytes)
                return fail(431,
                            QStringLiteral("request header block larger than %1 bytes").arg(m_limits.maxHeaderBytes));
            return State::NeedMoreData;
        }
        if (end > m_limits.maxHeaderBytes)
            return fail(431, QStringLiteral("request header block larger than %1 bytes").arg(m_limits.maxHeaderBytes));
        const QByteArray block = buffer.left(end);
        buffer.remove(0, end + terminator);
        const State state = parseHeaderBlock(block);
        if (state == State::Error)
            return state;
    }
    return continueBody(buffer);
}

HttpRequestParser::State HttpRequestParser::parseHeaderBlock(const QByteArray &block)
{
    QList<QByteArray> lines = block.split('\n');
    for (QByteArray &line : lines) {
        if (line.endsWith('\r'))
            line.chop(1);
    }
    const QByteArray requestLine = lines.takeFirst();
    const QList<QByteArray> parts = requestLine.split(' ');
    if (parts.size() != 3 || !isToken(parts[0]) || parts[1].isEmpty())
        return fail(400, QStringLiteral("malformed request line"));
    const QByteArray &version = parts[2];
    if (!version.startsWith("HTTP/"))
        return fail(400, QStringLiteral("malformed request line (no HTTP version)"));
    if (version == "HTTP/1.1")
        m_request.versionMinor = 1;
    else if (version == "HTTP/1.0")
        m_request.versionMinor = 0;
    else
        return fail(505,
                    QStringLiteral("HTTP version %1 not supported (use HTTP/1.1)").arg(QString::fromLatin1(version)));
    m_request.method = parts[0];
    m_request.target = parts[1];
    if (hasControlCharacters(m_request.target))
        return fail(400, QStringLiteral("control characters in the request target"));
    const QUrl url = m_request.target.startsWith('/')
        ? QUrl(QStringLiteral("http://localhost") + QString::fromLatin1(m_request.target), QUrl::StrictMode)
        : QUrl(QString::fromLatin1(m_request.target), QUrl::StrictMode);
    if (!url.isValid() || url.path().isEmpty() || !url.path().startsWith(QLatin1Char('/')))
        return fail(400, QStringLiteral("malformed request target"));
    m_request.path = url.path(QUrl::FullyDecoded);
    m_request.query = QUrlQuery(url);

    if (lines.size() > m_limits.maxHeaders)
        return fail(431, QStringLiteral("more than %1 request headers").arg(m_limits.maxHeaders));
    for (const QByteArray &line : std::as_const(lines)) {
        if (line.isEmpty())
            continue;
        if (line.startsWith(' ') || line.startsWith('\t'))
            return fail(400, QStringLiteral("obsolete header line folding is not accepted"));
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(QByteArrayView(line).first(colon)))
            return fail(400, QStringLiteral("malformed header line"));
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (hasControlCharacters(value))
            return fail(400, QStringLiteral("control characters in a header value"));
        m_request.headers.append({line.left(colon).toLower(), value});
    }
    if (m_request.versionMinor == 1 && !m_request.hasHeader("host"))
        return fail(400, QStringLiteral("HTTP/1.1 request without a Host header"));

    const bool hasLength = m_request.hasHeader("content-length");
    const bool hasTransferEncoding = m_request.hasHeader("transfer-encoding");
    if (hasLength && hasTransferEncoding)
        return fail(400, QStringLiteral("both Content-Length and Transfer-Encoding"));
    if (hasTransferEncoding) {
        if (m_request.header("transfer-encoding").trimmed().toLower() != "chunked")
            return fail(501, QStringLiteral("only the chunked transfer coding is supported"));
        m_phase = Phase::ChunkSize;
        return State::NeedMoreData;
    }
    if (hasLength) {
        QByteArray lengthText;
        for (const auto &[key, value] : std::as_const(m_request.headers)) {
            if (key != "content-length")
                continue;
            if (!lengthText.isEmpty() && lengthText != value)
                return fail(400, QStringLiteral("conflicting Content-Length headers"));
            lengthText = value;
        }
        bool ok = false;
        const qint64 length = lengthText.toLongLong(&ok);
        bool digitsOnly = !lengthText.isEmpty();
        for (char c : std::as_const(lengthText))
            digitsOnly = digitsOnly && c >= '0' && c <= '9';
        if (!ok || !digitsOnly || length < 0)
            return fail(400, QStringLiteral("malformed Content-Length"));
        if (length > m_limits.maxBodyBytes)
            return fail(413, QStringLiteral("request body larger than %1 bytes").arg(m_limits.maxBodyBytes));
        m_remaining = length;
        m_phase = m_remaining > 0 ? Phase::FixedBody : Phase::Done;
        return State::NeedMoreData;
    }
    m_phase = Phase::Done;
    return State::NeedMoreData;
}

HttpRequestParser::State HttpRequestParser::continueBody(QByteArray &buffer)
{
    while (true) {
        switch (m_phase) {
        case Phase::Headers:
            return State::NeedMoreData;
        case Phase::Done:
            return State::Complete;
        case Phase::FixedBody: {
            const qsizetype take = qsizetype(std::min<qint64>(m_remaining, buffer.size()));
            m_request.body.append(buffer.constData(), take);
            buffer.remove(0, take);
            m_remaining -= take;
            if (m_remaining > 0)
                return State::NeedMoreData;
            m_phase = Phase::Done;
            break;
        }
        case Phase::ChunkSize: {
            const qsizetype eol = buffer.indexOf('\n');
            if (eol > maxChunkLine || (eol < 0 && buffer.size() > maxChunkLine))
                return fail(400, QStringLiteral("chunk size line too long"));
            if (eol < 0)
                return State::NeedMoreData;
            QByteArray line = buffer.left(eol);
            buffer.remove(0, eol + 1);
            if (line.endsWith('\r'))
                line.chop(1);
            const qsizetype semicolon = line.indexOf(';');
            if (semicolon >= 0)
                line.truncate(semicolon);
            line = line.trimmed();
            bool ok = false;
            const qint64 size = line.toLongLong(&ok, 16);
            if (!ok || size < 0 || line.size() > 15)
                return fail(400, QStringLiteral("malformed chunk size"));
            if (m_request.body.size() + size > m_limits.maxBodyBytes)
                return fail(413, QStringLiteral("request body larger than %1 bytes").arg(m_limits.maxBodyBytes));
            m_remaining = size;
            m_phase = size == 0 ? Phase::Trailers : Phase::ChunkData;
            break;
        }
        case Phase::ChunkData: {
            const qsizetype take = qsizetype(std::min<qint64>(m_remaining, buffer.size()));
            m_request.body.append(buffer.constData(), take);
            buffer.remove(0, take);
            m_remaining -= take;
            if (m_remaining > 0)
                return State::NeedMoreData;
            m_phase = Phase::ChunkDataEnd;
            break;
        }
        case Phase::ChunkDataEnd: {
            if (buffer.size() < 1)
                return State::NeedMoreData;
            if (buffer.startsWith("\r\n")) {
                buffer.remove(0, 2);
            } else if (buffer.startsWith('\n')) {
                buffer.remove(0, 1);
            } else if (buffer == "\r") {
                return State::NeedMoreData;
            } else {
                return fail(400, QStringLiteral("chunk data not followed by CRLF"));
            }
            m_phase = Phase::ChunkSize;
            break;
        }
        case Phase::Trailers: {
            // Trailer fields are read and ignored, up to the blank line.
            const qsizetype eol = buffer.indexOf('\n');
            if (m_trailerBytes + (eol < 0 ? buffer.size() : eol + 1) > m_limits.maxHeaderBytes)
                return fail(431, QStringLiteral("trailer section too large"));
            if (eol < 0)
                return State::NeedMoreData;
            m_trailerBytes += eol + 1;
            const bool blank = eol == 0 || (eol == 1 && buffer.at(0) == '\r');
            buffer.remove(0, eol + 1);
            if (blank)
                m_phase = Phase::Done;
            break;
        }
        }
    }
}

void HttpRequestParser::reserveBody()
{
    if (m_phase == Phase::FixedBody)
        m_request.body.reserve(qsizetype(m_request.body.size() + m_remaining));
}

HttpRequest HttpRequestParser::takeRequest()
{
    HttpRequest request = std::move(m_request);
    m_request = HttpRequest {};
    m_phase = Phase::Headers;
    m_remaining = 0;
    m_trailerBytes = 0;
    m_errorStatus = 0;
    m_errorMessage.clear();
    return request;
}

} // namespace Taskscope::Loopback
