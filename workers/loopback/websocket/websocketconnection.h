#pragma once
// One upgraded WebSocket (RFC 6455, server side) on a network loop: frames, fragmentation, UTF-8
// checks, ping/pong, the close handshake, the connection-level faults (message delay, drops after
// time, bytes or messages, close codes, malformed JSON, slow reads) and bounded output. Whole messages
// go to the WebSocketSession it owns (Deepgram listen or speak).
#include "workers/loopback/faultspec.h"
#include "workers/loopback/memorycharge.h"
#include "workers/loopback/networkloop.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <deque>
#include <memory>

class QTcpSocket;

namespace Taskscope::Loopback {

class ServiceContext;
class WebSocketSession;
struct HttpResponse;
struct StreamRecord;

class WebSocketConnection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebSocketConnection)

public:
    // Takes over `socket` (already past the HTTP request); `pendingInput` is what was read after the head.
    WebSocketConnection(QTcpSocket *socket, QByteArray pendingInput, const FaultSpec &faults, ServiceContext *context,
                        NetworkLoop *loop, const QString &path, QObject *parent = nullptr);
    ~WebSocketConnection() override;

    void setSession(std::unique_ptr<WebSocketSession> session);
    WebSocketSession *session() const { return m_session.get(); }
    void setStreamRecord(std::shared_ptr<StreamRecord> record);
    // Takes over the room the HTTP connection reserved for this connection's read buffers.
    void adoptMemoryReservation(MemoryCharge &reservation);
    // Writes the 101 reply, then opens the session (the latency fault was applied before the upgrade).
    void start(const HttpResponse &handshakeReply);

    bool isOpen() const { return m_state == State::Open; }
    const FaultSpec &faults() const { return m_faults; }
    NetworkLoop *loop() const { return m_loop; }
    QString peer() const { return m_peer; }
    qint64 pendingWriteBytes() const;

    void sendText(const QByteArray &utf8);
    void sendBinary(const QByteArray &data);
    // Starts the close handshake (queued after messages already sent).
    void close(int code, const QString &reason = QString());
    // Drops the TCP connection at once (reset), as a network failure would.
    void abort(const QString &why);

signals:
    void writeBufferDrained();

private:
    enum class State { Handshaking, Open, Closing, Closed };
    struct Outgoing
    {
        qint64 dueMs;
        QByteArray frame;
        qint64 payloadBytes;
        bool isMessage;
        bool isClose;
    };

    void open();
    void onReadyRead();
    void consumeInput();
    void handleFrame(quint8 opcode, bool fin, QByteArray &payload);
    void deliverMessage(quint8 opcode, const QByteArray &payload);
    void protocolError(int code, const QString &reason);
    void enqueue(QByteArray frame, qint64 payloadBytes, bool isMessage, bool isClose);
    void flushOutgoing();
    void writeFrame(const Outgoing &out);
    void dropNow(const QString &why);
    void finish(int code, const QString &reason);
    void slowReadTick();
    void readSocket(qint64 maxBytes);
    void accountMemory();
    bool cutOffIfBacklogged();

    QPointer<QTcpSocket> m_socket;
    QByteArray m_input;
    FaultSpec m_faults;
    ServiceContext *m_context;
    NetworkLoop *m_loop;
    QString m_path;
    QString m_peer;
    std::unique_ptr<WebSocketSession> m_session;
    std::shared_ptr<StreamRecord> m_record;
    State m_state = State::Handshaking;
    QByteArray m_handshakeReply;
    quint8 m_fragmentOpcode = 0;
    QByteArray m_fragments;
    std::deque<Outgoing> m_outgoing;
    qint64 m_outgoingBytes = 0;
    QTimer m_outgoingTimer;
    QTimer m_faultTimer;
    QTimer m_closeTimer;
    QTimer m_slowReadTimer;
    qint64 m_rxPayload = 0;
    qint64 m_txPayload = 0;
    qint64 m_txMessages = 0;
    qint64 m_textMessagesSent = 0;
    qint64 m_openedMs = 0;
    bool m_dropPending = false;
    bool m_finished = false;
    int m_sentCloseCode = 0;
    QString m_sentCloseReason;
    MemoryCharge m_charge;
};

} // namespace Taskscope::Loopback
