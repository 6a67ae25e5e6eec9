#include "workers/transport/blockingwebsocket.h"

#include "workers/execution/executioncontext.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

using Taskscope::Execution::ExecutionContext;
using Taskscope::Execution::PendingWait;
using Taskscope::Execution::WaitOutcome;

namespace Taskscope::Transport {

BlockingWebSocket::BlockingWebSocket(ExecutionContext *context)
    : WebSocketTransport(context)
{
}

BlockingWebSocket::~BlockingWebSocket() = default;

const std::atomic<bool> &BlockingWebSocket::cancelFlag() const
{
    return m_context->cancelToken()->flag();
}

void BlockingWebSocket::startOpen(const QNetworkRequest &request, qint64 deadlineNs)
{
    m_codec = WebSocketFrameCodec(MaxMessageBytes);
    m_fragments.clear();
    m_fragmentOpcode = 0;
    m_closeSent = false;
    const QUrl url = request.url();
    const QString scheme = url.scheme().toLower();
    if (scheme != QLatin1String("ws") && scheme != QLatin1String("wss")) {
        setError(QStringLiteral("unsupported WebSocket URL scheme \"%1\"").arg(url.scheme()));
        return;
    }
    if (!m_socket.connectTo(url, deadlineNs, cancelFlag())) {
        setError(m_socket.errorString());
        return;
    }
    if (handshake(request, deadlineNs))
        setOpen();
}

bool BlockingWebSocket::handshake(const QNetworkRequest &request, qint64 deadlineNs)
{
    const QUrl url = request.url();
    QByteArray keyBytes(16, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(keyBytes.data()), 4);
    const QByteArray key = keyBytes.toBase64();
    QByteArray target = url.path(QUrl::FullyEncoded).toLatin1();
    if (target.isEmpty())
        target = "/";
    if (url.hasQuery())
        target += '?' + url.query(QUrl::FullyEncoded).toLatin1();
    const bool tls = url.scheme().compare(QLatin1String("wss"), Qt::CaseInsensitive) == 0;
    QByteArray host = url.host(QUrl::FullyEncoded).toLatin1();
    if (url.port() != -1 && url.port() != (tls ? 443 : 80))
        host += ':' + QByteArray::number(url.port());
    QByteArray head = "GET " + target + " HTTP/1.1\r\nHost: " + host
        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
        + "\r\nSec-WebSocket-Version: 13\r\n";
    const QList<QByteArray> names = request.rawHeaderList();
    for (const QByteArray &name : names)
        head += name + ": " + request.rawHeader(name) + "\r\n";
    head += "\r\n";
    if (!m_socket.writeAll(head, deadlineNs, cancelFlag())) {
        setError(m_socket.errorString());
        m_socket.abort();
        return false;
    }

    QByteArray response;
    qsizetype end = -1;
    while ((end = response.indexOf("\r\n\r\n")) < 0) {
        if (response.size() > 64 * 1024) {
            setError(QStringLiteral("WebSocket handshake response headers exceed 64 KiB"));
            m_socket.abort();
            return false;
        }
        const BlockingSocket::ReadResult r = m_socket.waitReadable(deadlineNs, cancelFlag());
        if (r == BlockingSocket::ReadResult::Data) {
            response += m_socket.readAll();
            continue;
        }
        m_socket.abort();
        if (r == BlockingSocket::ReadResult::Cancelled)
            setError(QStringLiteral("cancelled while connecting"));
        else if (r == BlockingSocket::ReadResult::Timeout)
            setError(QStringLiteral("WebSocket handshake timed out"));
        else
            setError(QStringLiteral("connection closed during the WebSocket handshake"));
        return false;
    }
    const QList<QByteArray> lines = response.left(end).split('\n');
    const QList<QByteArray> statusLine = lines.value(0).trimmed().split(' ');
    bool ok = false;
    const int status = statusLine.value(1).toInt(&ok);
    if (!lines.value(0).startsWith("HTTP/1.") || !ok) {
        setError(QStringLiteral("malformed WebSocket handshake response: %1")
                     .arg(QString::fromLatin1(lines.value(0).trimmed().left(80))));
        m_socket.abort();
        return false;
    }
    if (status != 101) {
        const QByteArray reason = lines.value(0).trimmed().split(' ').mid(2).join(' ');
        setError(QStringLiteral("WebSocket upgrade refused: HTTP %1 %2").arg(status).arg(QString::fromLatin1(reason)),
                 status);
        m_socket.abort();
        return false;
    }
    QByteArray accept;
    bool upgrade = false;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "sec-websocket-accept")
            accept = value;
        else if (name == "upgrade")
            upgrade = value.toLower() == "websocket";
    }
    const QByteArray expected = QCryptographicHash::hash(QByteArray(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"),
                                                         QCryptographicHash::Sha1)
                                    .toBase64();
    if (!upgrade || accept != expected) {
        setError(QStringLiteral("invalid WebSocket handshake response (Upgrade or Sec-WebSocket-Accept wrong)"));
        m_socket.abort();
        return false;
    }
    m_codec.feed(QByteArrayView(response).sliced(end + 4));
    return true;
}

bool BlockingWebSocket::writeFrame(quint8 opcode, QByteArrayView payload)
{
    const QByteArray frame = WebSocketFrameCodec::encode(opcode, payload, true, QRandomGenerator::global()->generate());
    if (m_socket.writeAll(frame, ExecutionContext::nowNs() + std::chrono::nanoseconds(WriteTimeout).count(),
                          cancelFlag()))
        return true;
    if (!m_context->isCancelled()) {
        m_socket.abort();
        setError(m_socket.errorString());
        setClosed(AbnormalClosure, m_socket.errorString());
    }
    return false;
}

bool BlockingWebSocket::writeMessage(MessageKind kind, const QByteArray &payload)
{
    return writeFrame(kind == MessageKind::Text ? WebSocketFrameCodec::Text : WebSocketFrameCodec::Binary, payload);
}

void BlockingWebSocket::startClose(int code, const QString &reason)
{
    m_closeSent = true;
    writeFrame(WebSocketFrameCodec::Close, WebSocketFrameCodec::closePayload(code, reason));
}

void BlockingWebSocket::abort()
{
    m_socket.abort();
    if (state() == State::Open || state() == State::Closing)
        setClosed(AbnormalClosure, QStringLiteral("aborted"));
}

void BlockingWebSocket::protocolError(int code, const QString &error)
{
    if (!m_closeSent) {
        m_closeSent = true;
        writeFrame(WebSocketFrameCodec::Close, WebSocketFrameCodec::closePayload(code, error));
    }
    m_socket.abort();
    setError(QStringLiteral("WebSocket protocol error: %1").arg(error));
    setClosed(code, error);
}

bool BlockingWebSocket::processFrames()
{
    bool happened = false;
    WebSocketFrameCodec::Frame frame;
    while (state() == State::Open || state() == State::Closing) {
        const WebSocketFrameCodec::Result result = m_codec.next(&frame);
        if (result == WebSocketFrameCodec::Result::NeedMore)
            break;
        if (result == WebSocketFrameCodec::Result::Error) {
            protocolError(m_codec.errorCloseCode(), m_codec.errorString());
            return true;
        }
        if (frame.masked) {
            protocolError(1002, QStringLiteral("the server sent a masked frame"));
            return true;
        }
        switch (frame.opcode) {
        case WebSocketFrameCodec::Ping:
            ++m_pingsAnswered;
            writeFrame(WebSocketFrameCodec::Pong, frame.payload);
            break;
        case WebSocketFrameCodec::Pong:
            break;
        case WebSocketFrameCodec::Close: {
            int code = 0;
            QString reason;
            if (!WebSocketFrameCodec::parseClosePayload(frame.payload, &code, &reason)) {
                protocolError(1002, QStringLiteral("malformed close frame"));
                return true;
            }
            if (!m_closeSent) {
                m_closeSent = true;
                writeFrame(WebSocketFrameCodec::Close,
                           WebSocketFrameCodec::closePayload(code == 1005 ? NormalClosure : code, QString()));
            }
            m_socket.close();
            setClosed(code, reason);
            return true;
        }
        case WebSocketFrameCodec::Text:
        case WebSocketFrameCodec::Binary:
            if (m_fragmentOpcode != 0) {
                protocolError(1002, QStringLiteral("a new message started before the fragmented one ended"));
                return true;
            }
            if (frame.fin) {
                enqueue(frame.opcode == WebSocketFrameCodec::Text ? MessageKind::Text : MessageKind::Binary,
                        std::move(frame.payload));
                happened = true;
            } else {
                m_fragmentOpcode = frame.opcode;
                m_fragments = std::move(frame.payload);
            }
            break;
        case WebSocketFrameCodec::Continuation:
            if (m_fragmentOpcode == 0) {
                protocolError(1002, QStringLiteral("continuation frame without a message to continue"));
                return true;
            }
            if (m_fragments.size() + frame.payload.size() > MaxMessageBytes) {
                protocolError(1009, QStringLiteral("message exceeds %1 bytes").arg(MaxMessageBytes));
                return true;
            }
            m_fragments += frame.payload;
            if (frame.fin) {
                enqueue(m_fragmentOpcode == WebSocketFrameCodec::Text ? MessageKind::Text : MessageKind::Binary,
                        std::exchange(m_fragments, QByteArray()));
                m_fragmentOpcode = 0;
                happened = true;
            }
            break;
        default:
            break;
        }
    }
    return happened;
}

WaitOutcome BlockingWebSocket::blockUntil(qint64 deadlineNs, const std::atomic<bool> &cancelled)
{
    for (;;) {
        // Only what is new counts: messages the caller left in the queue do not end the wait.
        if (processFrames())
            return WaitOutcome::Event;
        if (state() == State::Closed || state() == State::Idle) {
            // Nothing will ever arrive: behave like a plain sleep, so a paced loop keeps its pace.
            if (consumeSignal() || deadlineNs == PendingWait::NoDeadline)
                return WaitOutcome::Event;
            return ExecutionContext::blockingSleepUntil(deadlineNs, cancelled) ? WaitOutcome::Deadline
                                                                               : WaitOutcome::Cancelled;
        }
        switch (m_socket.waitReadable(deadlineNs, cancelled)) {
        case BlockingSocket::ReadResult::Data:
            m_codec.feed(m_socket.readAll());
            break;
        case BlockingSocket::ReadResult::Closed:
            m_codec.feed(m_socket.readAll());
            processFrames();
            if (state() != State::Closed)
                setClosed(AbnormalClosure, QStringLiteral("connection dropped without a close frame"));
            return WaitOutcome::Event;
        case BlockingSocket::ReadResult::Timeout:
            return WaitOutcome::Deadline;
        case BlockingSocket::ReadResult::Cancelled:
            return WaitOutcome::Cancelled;
        }
    }
}

} // namespace Taskscope::Transport
