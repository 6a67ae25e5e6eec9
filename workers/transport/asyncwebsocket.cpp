#include "workers/transport/asyncwebsocket.h"

#include <QRegularExpression>
#include <QWebSocket>

using Taskscope::Execution::ExecutionContext;

namespace Taskscope::Transport {

AsyncWebSocket::AsyncWebSocket(ExecutionContext *context)
    : WebSocketTransport(context)
    , m_socket(new QWebSocket(QString(), QWebSocketProtocol::VersionLatest))
{
    QObject::connect(m_socket, &QWebSocket::connected, m_socket, [this] { setOpen(); });
    QObject::connect(m_socket, &QWebSocket::disconnected, m_socket, [this] { onDisconnected(); });
    // QWebSocket has no signal for a received close frame and keeps closeCode() at 1000 when the
    // connection just drops; aboutToClose is emitted whenever a closing handshake takes place.
    QObject::connect(m_socket, &QWebSocket::aboutToClose, m_socket, [this] { m_closeHandshake = true; });
    QObject::connect(m_socket, &QWebSocket::textMessageReceived, m_socket,
                     [this](const QString &text) { enqueue(MessageKind::Text, text.toUtf8()); });
    QObject::connect(m_socket, &QWebSocket::binaryMessageReceived, m_socket,
                     [this](const QByteArray &data) { enqueue(MessageKind::Binary, data); });
    QObject::connect(m_socket, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error), m_socket,
                     [this](QAbstractSocket::SocketError) {
                         // Qt reports a refused upgrade only as text: "... Unhandled http status code: 401
                         // (Unauthorized)."
                         static const QRegularExpression statusPattern(QStringLiteral("status code: (\\d{3})"));
                         const QString text = m_socket->errorString();
                         const QRegularExpressionMatch match = statusPattern.match(text);
                         setError(text, match.hasMatch() ? match.captured(1).toInt() : 0);
                     });
}

AsyncWebSocket::~AsyncWebSocket()
{
    m_socket->disconnect();
    m_socket->abort();
    delete m_socket;
}

void AsyncWebSocket::startOpen(const QNetworkRequest &request, qint64)
{
    m_closeHandshake = false;
    m_socket->open(request);
}

bool AsyncWebSocket::writeMessage(MessageKind kind, const QByteArray &payload)
{
    const qint64 written = kind == MessageKind::Text ? m_socket->sendTextMessage(QString::fromUtf8(payload))
                                                     : m_socket->sendBinaryMessage(payload);
    // Hand the frame to the kernel now; otherwise it leaves on the next loop iteration.
    m_socket->flush();
    return written == payload.size();
}

void AsyncWebSocket::startClose(int code, const QString &reason)
{
    m_socket->close(QWebSocketProtocol::CloseCode(code), reason);
}

void AsyncWebSocket::abort()
{
    m_socket->abort();
    onDisconnected();
}

qint64 AsyncWebSocket::bytesToWrite() const
{
    return m_socket->bytesToWrite();
}

void AsyncWebSocket::onDisconnected()
{
    if (m_closeHandshake) {
        setClosed(int(m_socket->closeCode()), m_socket->closeReason());
        return;
    }
    setClosed(AbnormalClosure,
              errorString().isEmpty() ? QStringLiteral("connection dropped without a close frame") : errorString());
}

} // namespace Taskscope::Transport
