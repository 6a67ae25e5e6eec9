#include "workers/transport/blockinghttpcall.h"

#include "workers/execution/executioncontext.h"

using Taskscope::Execution::ExecutionContext;
using Taskscope::Execution::WaitOutcome;

namespace Taskscope::Transport {

BlockingHttpCall::BlockingHttpCall(ExecutionContext *context)
    : HttpCall(context)
{
}

BlockingHttpCall::~BlockingHttpCall() = default;

void BlockingHttpCall::start(const Request &request)
{
    const QUrl &url = request.url;
    const QString scheme = url.scheme().toLower();
    if (scheme != QLatin1String("http") && scheme != QLatin1String("https")) {
        setFinished(QStringLiteral("unsupported URL scheme \"%1\"").arg(url.scheme()));
        return;
    }
    m_parser = HttpResponseParser(request.method.compare("HEAD", Qt::CaseInsensitive) == 0);
    const std::atomic<bool> &cancelled = m_context->cancelToken()->flag();
    const qint64 deadline = ExecutionContext::nowNs() + request.timeout.count();
    if (!m_socket.connectTo(url, deadline, cancelled)) {
        setFinished(m_socket.errorString());
        return;
    }
    QByteArray target = url.path(QUrl::FullyEncoded).toLatin1();
    if (target.isEmpty())
        target = "/";
    if (url.hasQuery())
        target += '?' + url.query(QUrl::FullyEncoded).toLatin1();
    const bool tls = scheme == QLatin1String("https");
    QByteArray host = url.host(QUrl::FullyEncoded).toLatin1();
    if (url.port() != -1 && url.port() != (tls ? 443 : 80))
        host += ':' + QByteArray::number(url.port());
    QByteArray head = request.method + ' ' + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n";
    bool hasLength = false;
    for (const auto &[name, value] : request.headers) {
        if (name.compare("Content-Length", Qt::CaseInsensitive) == 0)
            hasLength = true;
        head += name + ": " + value + "\r\n";
    }
    if (!hasLength && (!request.body.isEmpty() || request.method == "POST" || request.method == "PUT"))
        head += "Content-Length: " + QByteArray::number(request.body.size()) + "\r\n";
    head += "\r\n";
    head += request.body;
    if (!m_socket.writeAll(head, deadline, cancelled)) {
        m_socket.abort();
        setFinished(m_socket.errorString());
    }
}

void BlockingHttpCall::abort()
{
    m_socket.abort();
    setFinished(QStringLiteral("aborted"));
}

QByteArray BlockingHttpCall::readBody()
{
    QByteArray bytes = m_parser.takeBody();
    m_bodyBytes += bytes.size();
    return bytes;
}

// Feeds bytes; true if the waiter has something new (headers, body, the end).
bool BlockingHttpCall::absorb(const QByteArray &bytes)
{
    const bool hadHeaders = m_parser.headersComplete();
    const qint64 before = m_parser.bodyBytes();
    m_parser.feed(bytes);
    if (m_parser.headersComplete() && !hadHeaders) {
        QList<std::pair<QByteArray, QByteArray>> headers = m_parser.headers();
        setHeaders(m_parser.status(), std::move(headers));
    }
    if (m_parser.hasError()) {
        m_socket.abort();
        setFinished(QStringLiteral("malformed HTTP response: %1").arg(m_parser.errorString()));
        return true;
    }
    if (m_parser.isDone()) {
        m_socket.close();
        setFinished(QString());
        return true;
    }
    return (m_parser.headersComplete() && !hadHeaders) || m_parser.bodyBytes() != before;
}

WaitOutcome BlockingHttpCall::blockUntil(qint64 deadlineNs, const std::atomic<bool> &cancelled)
{
    for (;;) {
        if (isFinished())
            return WaitOutcome::Event;
        switch (m_socket.waitReadable(deadlineNs, cancelled)) {
        case BlockingSocket::ReadResult::Data:
            if (absorb(m_socket.readAll()))
                return WaitOutcome::Event;
            break;
        case BlockingSocket::ReadResult::Closed: {
            absorb(m_socket.readAll());
            if (!isFinished()) {
                m_parser.finish();
                if (m_parser.hasError())
                    setFinished(m_parser.errorString());
                else
                    setFinished(QString());
            }
            return WaitOutcome::Event;
        }
        case BlockingSocket::ReadResult::Timeout:
            return WaitOutcome::Deadline;
        case BlockingSocket::ReadResult::Cancelled:
            return WaitOutcome::Cancelled;
        }
    }
}

} // namespace Taskscope::Transport
