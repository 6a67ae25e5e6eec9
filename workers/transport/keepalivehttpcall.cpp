#include "workers/transport/keepalivehttpcall.h"

#include "workers/execution/executioncontext.h"
#include "workers/transport/keepaliveconnectionpool.h"

#include <QTcpSocket>

using Taskscope::Execution::ExecutionContext;

namespace Taskscope::Transport {

KeepAliveHttpCall::KeepAliveHttpCall(ExecutionContext *context)
    : HttpCall(context)
{
}

KeepAliveHttpCall::~KeepAliveHttpCall()
{
    detach();
}

bool KeepAliveHttpCall::supports(const QUrl &url)
{
    return url.scheme().compare(QLatin1String("http"), Qt::CaseInsensitive) == 0 && !url.host().isEmpty();
}

void KeepAliveHttpCall::start(const Request &request)
{
    if (!supports(request.url)) {
        setFinished(QStringLiteral("unsupported URL for a keep-alive call: %1").arg(request.url.toString()));
        return;
    }
    m_host = request.url.host();
    m_port = quint16(request.url.port(80));
    m_key = m_host + QLatin1Char(':') + QString::number(m_port);
    QByteArray target = request.url.path(QUrl::FullyEncoded).toLatin1();
    if (target.isEmpty())
        target = "/";
    if (request.url.hasQuery())
        target += '?' + request.url.query(QUrl::FullyEncoded).toLatin1();
    QByteArray host = request.url.host(QUrl::FullyEncoded).toLatin1();
    if (m_port != 80)
        host += ':' + QByteArray::number(m_port);
    m_head = request.method + ' ' + target + " HTTP/1.1\r\nHost: " + host + "\r\n";
    bool hasLength = false;
    for (const auto &[name, value] : request.headers) {
        hasLength |= name.compare("Content-Length", Qt::CaseInsensitive) == 0;
        m_head += name + ": " + value + "\r\n";
    }
    if (!hasLength && (!request.body.isEmpty() || request.method == "POST" || request.method == "PUT"))
        m_head += "Content-Length: " + QByteArray::number(request.body.size()) + "\r\n";
    m_head += "\r\n";
    m_head += request.body;
    m_parser = HttpResponseParser(request.method.compare("HEAD", Qt::CaseInsensitive) == 0);
    open(true);
}

void KeepAliveHttpCall::open(bool reuse)
{
    QTcpSocket *socket = reuse ? KeepAliveConnectionPool::current()->take(m_key) : nullptr;
    m_reused = socket != nullptr;
    if (!socket) {
        socket = new QTcpSocket;
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        socket->connectToHost(m_host, m_port);
    }
    m_socket = socket;
    QObject::connect(socket, &QTcpSocket::readyRead, socket, [this] { onReadyRead(); });
    QObject::connect(socket, &QTcpSocket::disconnected, socket,
                     [this] { onClosed(QStringLiteral("connection closed")); });
    QObject::connect(socket, &QTcpSocket::errorOccurred, socket,
                     [this, socket](QAbstractSocket::SocketError) { onClosed(socket->errorString()); });
    if (socket->state() == QAbstractSocket::ConnectedState) {
        socket->write(m_head);
        socket->flush();
    } else {
        QObject::connect(socket, &QTcpSocket::connected, socket, [socket, head = m_head] {
            socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            socket->write(head);
            socket->flush();
        });
    }
}

void KeepAliveHttpCall::onReadyRead()
{
    if (!m_socket || isFinished())
        return;
    const QByteArray bytes = m_socket->readAll();
    if (bytes.isEmpty())
        return;
    m_gotBytes = true;
    const bool hadHeaders = m_parser.headersComplete();
    const qint64 before = m_parser.bodyBytes();
    m_parser.feed(bytes);
    if (m_parser.hasError()) {
        finish(QStringLiteral("malformed HTTP response: %1").arg(m_parser.errorString()), false);
        return;
    }
    if (m_parser.headersComplete() && !hadHeaders)
        setHeaders(m_parser.status(), m_parser.headers());
    if (m_parser.isDone()) {
        const bool close = m_parser.header("Connection").toLower().contains("close");
        finish(QString(), !close);
        return;
    }
    if (m_parser.bodyBytes() != before)
        notify();
}

void KeepAliveHttpCall::onClosed(const QString &why)
{
    if (isFinished() || !m_socket)
        return;
    if (m_reused && !m_gotBytes && !m_retried) {
        // The server closed the idle connection as we reused it: nothing was answered, try a new one.
        m_retried = true;
        detach();
        open(false);
        return;
    }
    m_parser.finish();
    if (m_parser.isDone())
        finish(QString(), false);
    else
        finish(m_parser.hasError() ? m_parser.errorString() : why, false);
}

void KeepAliveHttpCall::finish(const QString &error, bool reusable)
{
    if (m_socket) {
        QTcpSocket *socket = m_socket;
        m_socket = nullptr;
        socket->disconnect();
        if (reusable && error.isEmpty()) {
            KeepAliveConnectionPool::current()->release(m_key, socket);
        } else {
            socket->abort();
            socket->deleteLater();
        }
    }
    setFinished(error);
}

void KeepAliveHttpCall::detach()
{
    if (!m_socket)
        return;
    QTcpSocket *socket = m_socket;
    m_socket = nullptr;
    socket->disconnect();
    socket->abort();
    socket->deleteLater();
}

void KeepAliveHttpCall::abort()
{
    if (isFinished())
        return;
    detach();
    setFinished(QStringLiteral("aborted"));
}

QByteArray KeepAliveHttpCall::readBody()
{
    QByteArray bytes = m_parser.takeBody();
    m_bodyBytes += bytes.size();
    return bytes;
}

} // namespace Taskscope::Transport
