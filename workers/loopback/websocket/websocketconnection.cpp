#include "workers/loopback/websocket/websocketconnection.h"

#include "workers/loopback/http/httpresponse.h"
#include "workers/loopback/loopbacklog.h"
#include "workers/loopback/servicecontext.h"
#include "workers/loopback/servicestats.h"
#include "workers/loopback/websocket/websocketframeparser.h"
#include "workers/loopback/websocket/websocketsession.h"

#include <QTcpSocket>
#include <QtEndian>

namespace Taskscope::Loopback {

namespace {

constexpr qint64 drainedWatermark = 64 * 1024;
constexpr int closeHandshakeTimeoutMs = 3000;

bool isValidReceivedCloseCode(int code)
{
    if (code < 1000 || code >= 5000)
        return false;
    if (code == 1004 || code == 1005 || code == 1006 || code == 1015)
        return false;
    return code <= 1014 || code >= 3000;
}

QByteArray truncatedForFault(const QByteArray &utf8)
{
    qsizetype cut = std::max<qsizetype>(1, utf8.size() / 2);
    while (cut > 0 && (uchar(utf8.at(cut)) & 0xC0) == 0x80)
        --cut;
    return utf8.left(cut);
}

} // namespace

WebSocketConnection::WebSocketConnection(QTcpSocket *socket, QByteArray pendingInput, const FaultSpec &faults,
                                         ServiceContext *context, NetworkLoop *loop, const QString &path,
                                         QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_input(std::move(pendingInput))
    , m_faults(faults)
    , m_context(context)
    , m_loop(loop)
    , m_path(path)
    , m_charge(&context->memory())
{
    socket->setParent(this);
    m_peer = socket->peerAddress().toString() + QLatin1Char(':') + QString::number(socket->peerPort());
    m_context->stats().webSocketsOpened.fetch_add(1, std::memory_order_relaxed);
    m_context->stats().webSocketsOpen.fetch_add(1, std::memory_order_relaxed);
    m_outgoingTimer.setSingleShot(true);
    m_outgoingTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_outgoingTimer, &QTimer::timeout, this, &WebSocketConnection::flushOutgoing);
    m_faultTimer.setSingleShot(true);
    connect(&m_faultTimer, &QTimer::timeout, this, [this] { dropNow(QStringLiteral("drop-after-ms")); });
    m_closeTimer.setSingleShot(true);
    connect(&m_closeTimer, &QTimer::timeout, this, [this] {
        // The peer never answered our close frame.
        if (m_socket)
            m_socket->abort();
        finish(m_sentCloseCode, m_sentCloseReason);
    });
    connect(&m_slowReadTimer, &QTimer::timeout, this, &WebSocketConnection::slowReadTick);
    connect(socket, &QTcpSocket::readyRead, this, &WebSocketConnection::onReadyRead);
    connect(socket, &QTcpSocket::bytesWritten, this, [this] {
        accountMemory();
        if (m_socket && m_socket->bytesToWrite() < drainedWatermark)
            emit writeBufferDrained();
    });
    connect(socket, &QTcpSocket::disconnected, this, [this] {
        finish(m_sentCloseCode ? m_sentCloseCode : 1006,
               m_sentCloseCode ? m_sentCloseReason : QStringLiteral("connection closed without a close frame"));
        deleteLater();
    });
    if (m_faults.slowReadBytesPerSecond > 0) {
        socket->setReadBufferSize(std::max<qint64>(512, m_faults.slowReadBytesPerSecond / 10));
        m_slowReadTimer.start(100);
    }
}

WebSocketConnection::~WebSocketConnection()
{
    finish(m_sentCloseCode ? m_sentCloseCode : 1001, QStringLiteral("server shutting down"));
    m_context->stats().webSocketsOpen.fetch_sub(1, std::memory_order_relaxed);
    // The session may still reference this connection while being destroyed.
    m_session.reset();
    if (m_socket) {
        m_socket->disconnect(this);
        delete m_socket;
    }
}

void WebSocketConnection::setSession(std::unique_ptr<WebSocketSession> session)
{
    m_session = std::move(session);
}

void WebSocketConnection::setStreamRecord(std::shared_ptr<StreamRecord> record)
{
    m_record = std::move(record);
}

void WebSocketConnection::adoptMemoryReservation(MemoryCharge &reservation)
{
    reservation.handOver(m_charge);
}

qint64 WebSocketConnection::pendingWriteBytes() const
{
    return (m_socket ? m_socket->bytesToWrite() : 0) + m_outgoingBytes;
}

void WebSocketConnection::accountMemory()
{
    qint64 bytes = m_input.size() + m_fragments.capacity() + m_outgoingBytes;
    if (m_socket)
        bytes += m_socket->bytesToWrite() + m_socket->bytesAvailable();
    m_charge.set(bytes);
}

void WebSocketConnection::start(const HttpResponse &handshakeReply)
{
    m_handshakeReply = handshakeReply.serializeHead(true);
    open();
}

void WebSocketConnection::open()
{
    if (!m_socket || m_state != State::Handshaking)
        return;
    m_socket->write(m_handshakeReply);
    m_context->stats().bytesSent.fetch_add(m_handshakeReply.size(), std::memory_order_relaxed);
    m_handshakeReply.clear();
    m_state = State::Open;
    m_openedMs = NetworkLoop::nowMs();
    if (m_faults.dropAfterMs >= 0)
        m_faultTimer.start(NetworkLoop::timerMs(m_faults.dropAfterMs));
    if (m_session)
        m_session->onOpen();
    if (m_state != State::Open)
        return;
    if (m_faults.closeCode != 0 && !m_faults.hasDropTrigger()) {
        dropNow(QStringLiteral("close"));
        return;
    }
    if (!m_input.isEmpty())
        consumeInput();
    // What arrived while the handshake was pending waited in the socket's bounded read buffer.
    if (m_state == State::Open && !m_slowReadTimer.isActive())
        onReadyRead();
}

void WebSocketConnection::onReadyRead()
{
    // Before the handshake reply, input stays in the socket (its read buffer is bounded, so a client
    // that sends ahead sees TCP backpressure instead of growing our memory).
    if (!m_socket || m_slowReadTimer.isActive() || m_state == State::Handshaking)
        return;
    readSocket(-1);
}

void WebSocketConnection::slowReadTick()
{
    if (m_state == State::Handshaking)
        return;
    readSocket(std::max<qint64>(1, m_faults.slowReadBytesPerSecond / 10));
}

void WebSocketConnection::readSocket(qint64 maxBytes)
{
    if (!m_socket)
        return;
    const QByteArray data = maxBytes < 0 ? m_socket->readAll() : m_socket->read(maxBytes);
    if (data.isEmpty())
        return;
    m_context->stats().bytesReceived.fetch_add(data.size(), std::memory_order_relaxed);
    if (m_state == State::Closed)
        return;
    m_input += data;
    QPointer<WebSocketConnection> self(this);
    consumeInput();
    if (self)
        accountMemory();
}

void WebSocketConnection::consumeInput()
{
    WebSocketFrameParser parser(m_context->config().maxWebSocketMessageBytes);
    qsizetype offset = 0;
    WebSocketFrameParser::Frame frame;
    QPointer<WebSocketConnection> self(this);
    while (self && (m_state == State::Open || m_state == State::Closing)) {
        const auto result = parser.next(m_input, offset, frame);
        if (result == WebSocketFrameParser::Result::NeedMoreData)
            break;
        if (result == WebSocketFrameParser::Result::Error) {
            protocolError(parser.errorCloseCode(), parser.errorMessage());
            return;
        }
        handleFrame(frame.opcode, frame.fin, frame.payload);
    }
    if (!self)
        return;
    if (m_state == State::Closed)
        m_input.clear();
    else
        m_input.remove(0, offset);
}

void WebSocketConnection::handleFrame(quint8 opcode, bool fin, QByteArray &payload)
{
    using P = WebSocketFrameParser;
    if (opcode == P::Ping) {
        if (m_socket && m_state == State::Open) {
            const QByteArray pong = P::encode(P::Pong, payload);
            m_socket->write(pong);
            m_context->stats().bytesSent.fetch_add(pong.size(), std::memory_order_relaxed);
            cutOffIfBacklogged(); // pings from a client that never reads its pongs
        }
        return;
    }
    if (opcode == P::Pong)
        return;
    if (opcode == P::Close) {
        int code = 1005;
        QString reason;
        if (payload.size() == 1) {
            protocolError(1002, QStringLiteral("close frame with a 1-byte payload"));
            return;
        }
        if (payload.size() >= 2) {
            code = qFromBigEndian<quint16>(payload.constData());
            if (!isValidReceivedCloseCode(code)) {
                protocolError(1002, QStringLiteral("invalid close code %1").arg(code));
                return;
            }
            const QByteArray reasonBytes = payload.mid(2);
            if (!P::isValidUtf8(reasonBytes)) {
                protocolError(1007, QStringLiteral("close reason is not UTF-8"));
                return;
            }
            reason = QString::fromUtf8(reasonBytes);
        }
        if (m_state == State::Open) {
            // Echo the peer's close, then end the TCP connection (the server closes first, RFC 6455 7.1.1).
            const QByteArray reply = P::encode(P::Close, payload.size() >= 2 ? payload.left(2) : QByteArray());
            if (m_socket) {
                m_socket->write(reply);
                m_context->stats().bytesSent.fetch_add(reply.size(), std::memory_order_relaxed);
            }
            m_outgoing.clear();
            m_outgoingBytes = 0;
            finish(code, reason);
        } else {
            finish(m_sentCloseCode, m_sentCloseReason);
        }
        if (m_socket)
            m_socket->disconnectFromHost();
        return;
    }
    if (m_state != State::Open)
        return; // data after our close frame is discarded
    if (opcode == P::Continuation) {
        if (m_fragmentOpcode == 0) {
            protocolError(1002, QStringLiteral("continuation frame without a message to continue"));
            return;
        }
        if (m_fragments.size() + payload.size() > m_context->config().maxWebSocketMessageBytes) {
            protocolError(
                1009, QStringLiteral("message larger than %1 bytes").arg(m_context->config().maxWebSocketMessageBytes));
            return;
        }
        m_fragments += payload;
        if (fin) {
            const quint8 messageOpcode = m_fragmentOpcode;
            m_fragmentOpcode = 0;
            const QByteArray message = std::exchange(m_fragments, QByteArray());
            deliverMessage(messageOpcode, message);
        }
        return;
    }
    if (m_fragmentOpcode != 0) {
        protocolError(1002, QStringLiteral("new message inside a fragmented message"));
        return;
    }
    if (!fin) {
        m_fragmentOpcode = opcode;
        m_fragments = std::move(payload);
        return;
    }
    deliverMessage(opcode, payload);
}

void WebSocketConnection::deliverMessage(quint8 opcode, const QByteArray &payload)
{
    if (opcode == WebSocketFrameParser::Text && !WebSocketFrameParser::isValidUtf8(payload)) {
        protocolError(1007, QStringLiteral("text message is not valid UTF-8"));
        return;
    }
    if (m_context->memory().isExhausted()) {
        // New work while the service's budget is spent: "try again later".
        m_context->stats().memoryRefused.fetch_add(1, std::memory_order_relaxed);
        protocolError(1013, QStringLiteral("server memory budget spent; try again later"));
        return;
    }
    m_rxPayload += payload.size();
    if (m_record) {
        if (opcode == WebSocketFrameParser::Binary) {
            m_record->payloadBytesReceived.fetch_add(payload.size(), std::memory_order_relaxed);
            m_record->binaryMessagesReceived.fetch_add(1, std::memory_order_relaxed);
        } else {
            m_record->textMessagesReceived.fetch_add(1, std::memory_order_relaxed);
        }
    }
    QPointer<WebSocketConnection> self(this);
    if (m_session) {
        if (opcode == WebSocketFrameParser::Text)
            m_session->onText(payload);
        else
            m_session->onBinary(payload);
    }
    if (self && m_state == State::Open && m_faults.dropAfterRxBytes >= 0 && m_rxPayload >= m_faults.dropAfterRxBytes)
        dropNow(QStringLiteral("drop-after-rx-bytes"));
}

void WebSocketConnection::protocolError(int code, const QString &reason)
{
    if (m_state == State::Open) {
        m_outgoing.clear();
        m_outgoingBytes = 0;
        const QByteArray frame = WebSocketFrameParser::encode(
            WebSocketFrameParser::Close, WebSocketFrameParser::closePayload(quint16(code), reason));
        if (m_socket) {
            m_socket->write(frame);
            m_context->stats().bytesSent.fetch_add(frame.size(), std::memory_order_relaxed);
        }
        m_sentCloseCode = code;
        m_sentCloseReason = reason;
    }
    finish(code, reason);
    if (m_socket)
        m_socket->disconnectFromHost();
}

void WebSocketConnection::sendText(const QByteArray &utf8)
{
    if (m_state != State::Open)
        return;
    ++m_textMessagesSent;
    QByteArray text = utf8;
    if (m_faults.malformedJsonMessage > 0 && m_textMessagesSent == m_faults.malformedJsonMessage) {
        m_context->stats().faultsApplied.fetch_add(1, std::memory_order_relaxed);
        text = truncatedForFault(utf8);
    }
    enqueue(WebSocketFrameParser::encode(WebSocketFrameParser::Text, text), text.size(), true, false);
}

void WebSocketConnection::sendBinary(const QByteArray &data)
{
    if (m_state != State::Open)
        return;
    enqueue(WebSocketFrameParser::encode(WebSocketFrameParser::Binary, data), data.size(), true, false);
}

void WebSocketConnection::close(int code, const QString &reason)
{
    if (m_state != State::Open)
        return;
    m_sentCloseCode = code;
    m_sentCloseReason = reason;
    m_state = State::Closing;
    enqueue(WebSocketFrameParser::encode(WebSocketFrameParser::Close,
                                         WebSocketFrameParser::closePayload(quint16(code), reason)),
            0, false, true);
}

void WebSocketConnection::abort(const QString &why)
{
    if (m_socket)
        m_socket->abort();
    finish(1006, why);
}

void WebSocketConnection::enqueue(QByteArray frame, qint64 payloadBytes, bool isMessage, bool isClose)
{
    const qint64 delay = isMessage || isClose ? m_faults.messageDelayMs : 0;
    if (delay <= 0 && m_outgoing.empty()) {
        writeFrame(Outgoing {0, std::move(frame), payloadBytes, isMessage, isClose});
        return;
    }
    m_outgoingBytes += frame.size();
    m_outgoing.push_back(Outgoing {NetworkLoop::nowMs() + delay, std::move(frame), payloadBytes, isMessage, isClose});
    // Held messages count towards the unsent-bytes cap like written ones.
    if (cutOffIfBacklogged())
        return;
    accountMemory();
    if (!m_outgoingTimer.isActive())
        m_outgoingTimer.start(NetworkLoop::timerMs(m_outgoing.front().dueMs - NetworkLoop::nowMs()));
}

bool WebSocketConnection::cutOffIfBacklogged()
{
    if (pendingWriteBytes() <= m_context->config().maxPendingWriteBytes)
        return false;
    m_context->stats().slowClientsCutOff.fetch_add(1, std::memory_order_relaxed);
    m_outgoing.clear();
    m_outgoingBytes = 0;
    abort(QStringLiteral("client does not read: more than %1 bytes unsent")
              .arg(m_context->config().maxPendingWriteBytes));
    return true;
}

void WebSocketConnection::flushOutgoing()
{
    QPointer<WebSocketConnection> self(this);
    while (self && !m_outgoing.empty() && m_outgoing.front().dueMs <= NetworkLoop::nowMs()) {
        Outgoing out = std::move(m_outgoing.front());
        m_outgoing.pop_front();
        m_outgoingBytes -= out.frame.size();
        writeFrame(out);
    }
    if (self && !m_outgoing.empty())
        m_outgoingTimer.start(NetworkLoop::timerMs(m_outgoing.front().dueMs - NetworkLoop::nowMs()));
}

void WebSocketConnection::writeFrame(const Outgoing &out)
{
    if (!m_socket || m_state == State::Closed)
        return;
    m_socket->write(out.frame);
    m_context->stats().bytesSent.fetch_add(out.frame.size(), std::memory_order_relaxed);
    if (out.isClose)
        m_closeTimer.start(closeHandshakeTimeoutMs);
    if (out.isMessage) {
        m_txPayload += out.payloadBytes;
        ++m_txMessages;
        if (m_record) {
            m_record->messagesSent.fetch_add(1, std::memory_order_relaxed);
            m_record->payloadBytesSent.fetch_add(out.payloadBytes, std::memory_order_relaxed);
        }
    }
    if (cutOffIfBacklogged())
        return;
    accountMemory();
    if (out.isMessage && m_state == State::Open
        && ((m_faults.dropAfterTxBytes >= 0 && m_txPayload >= m_faults.dropAfterTxBytes)
            || (m_faults.dropAfterMessages >= 0 && m_txMessages >= m_faults.dropAfterMessages)))
        dropNow(m_faults.dropAfterMessages >= 0 ? QStringLiteral("drop-after-messages")
                                                : QStringLiteral("drop-after-tx-bytes"));
}

void WebSocketConnection::dropNow(const QString &why)
{
    if (m_state != State::Open || m_dropPending)
        return;
    m_dropPending = true;
    m_context->stats().faultsApplied.fetch_add(1, std::memory_order_relaxed);
    if (m_faults.closeCode != 0) {
        close(m_faults.closeCode, m_faults.closeReason);
        return;
    }
    // A drop: what was written still goes out, then the TCP connection ends without a close frame.
    m_state = State::Closed;
    m_outgoing.clear();
    m_outgoingBytes = 0;
    if (m_socket) {
        m_socket->flush();
        m_socket->disconnectFromHost();
    }
    finish(1006, QStringLiteral("dropped by fault %1").arg(why));
}

void WebSocketConnection::finish(int code, const QString &reason)
{
    if (m_finished)
        return;
    m_finished = true;
    m_state = State::Closed;
    m_outgoingTimer.stop();
    m_faultTimer.stop();
    m_closeTimer.stop();
    m_slowReadTimer.stop();
    if (m_context->config().logConnections) {
        qCInfo(lcLoopback).noquote() << QStringLiteral("%1 ws %2 %3s rx=%4 tx=%5 close=%6 %7")
                                            .arg(m_peer, m_path)
                                            .arg(m_openedMs ? (NetworkLoop::nowMs() - m_openedMs) / 1000.0 : 0.0, 0,
                                                 'f', 1)
                                            .arg(m_rxPayload)
                                            .arg(m_txPayload)
                                            .arg(code)
                                            .arg(reason);
    }
    if (m_session)
        m_session->onClosed(code, reason);
}

} // namespace Taskscope::Loopback
