#pragma once

#include "workers/execution/eventsource.h"

#include <QByteArray>
#include <QNetworkRequest>
#include <QString>
#include <qcoro/qcorotask.h>

#include <chrono>
#include <deque>
#include <optional>

namespace Taskscope::Execution {
class ExecutionContext;
} // namespace Taskscope::Execution

namespace Taskscope::Transport {

/// A WebSocket client as a workload sees it, the same in every execution model. Made by
/// createWebSocket() (transportfactory.h): an AsyncWebSocket (QWebSocket on the context's thread) or,
/// in the Blocking model, a BlockingWebSocket whose waits really block the thread.
///
/// Incoming messages are queued (bounded: MaxQueuedMessages, then the oldest are dropped and
/// counted) and the transport notifies its waiter (it is an EventSource) on every message and state
/// change. The usual loop:
///
///     auto ws = createWebSocket(ctx);
///     if (!co_await ws->open(request, 10s)) fail(ws->errorString());
///     while (ws->state() != WebSocketTransport::State::Closed) {
///         while (auto m = ws->takeMessage()) handle(*m);
///         if (co_await ctx.waitEvent(*ws, nextChunkDeadline, names.wsMessage) == WaitOutcome::Cancelled) break;
///         ...
///     }
///
/// Sends are flushed at once (a chunk leaves when it is sent, not on the next loop iteration).
class WebSocketTransport : public Execution::EventSource
{
public:
    enum class State { Idle, Connecting, Open, Closing, Closed };
    enum class MessageKind { Text, Binary };
    struct Message
    {
        MessageKind kind = MessageKind::Text;
        QByteArray data; ///< UTF-8 for text messages
        std::uint64_t arrivalTicks = 0; ///< TraceClock ticks when it arrived
        qint64 arrivalNs = 0; ///< ExecutionContext::nowNs() when it arrived
    };

    static constexpr int MaxQueuedMessages = 4096;
    /// Close codes (RFC 6455 §7.4.1).
    static constexpr int NormalClosure = 1000;
    static constexpr int AbnormalClosure = 1006; ///< no close frame: the connection dropped

    explicit WebSocketTransport(Execution::ExecutionContext *context);
    ~WebSocketTransport() override;
    Q_DISABLE_COPY_MOVE(WebSocketTransport)

    /// Opens the connection (URL and headers, e.g. Authorization, from `request`). True when the
    /// handshake completed (the peer may have closed since: check state()); false on refusal,
    /// error, timeout or cancellation (errorString(), handshakeStatus()).
    QCoro::Task<bool> open(QNetworkRequest request, std::chrono::nanoseconds timeout);
    /// Sends one message and flushes it. False when not open.
    bool sendText(const QString &text);
    bool sendBinary(const QByteArray &data);
    std::optional<Message> takeMessage();
    bool hasMessages() const { return !m_incoming.empty(); }
    /// Starts the closing handshake and waits (bounded) until the peer closes; aborts otherwise.
    /// Messages that arrive meanwhile stay queued.
    QCoro::Task<void> close(int code, QString reason, std::chrono::nanoseconds timeout);
    /// Drops the connection at once (no close frame).
    virtual void abort() = 0;

    State state() const { return m_state; }
    bool isOpen() const { return m_state == State::Open; }
    /// After Closed: the peer's close code (AbnormalClosure if the connection dropped) and reason.
    int closeCode() const { return m_closeCode; }
    QString closeReason() const { return m_closeReason; }
    /// Why open() failed or the connection broke ("" if it did not).
    QString errorString() const { return m_error; }
    /// HTTP status of a refused handshake (e.g. 401), else 0.
    int handshakeStatus() const { return m_handshakeStatus; }
    /// Bytes queued in the socket, not yet handed to the kernel.
    virtual qint64 bytesToWrite() const = 0;
    /// Payload bytes sent and received (messages, not frames).
    qint64 bytesSent() const { return m_bytesSent; }
    qint64 bytesReceived() const { return m_bytesReceived; }
    quint64 droppedMessages() const { return m_dropped; }

protected:
    /// Starts connecting. Async: returns at once and reports through setOpen()/setClosed()/setError();
    /// blocking: connects and handshakes before returning (bounded by deadlineNs and cancellation).
    virtual void startOpen(const QNetworkRequest &request, qint64 deadlineNs) = 0;
    virtual bool writeMessage(MessageKind kind, const QByteArray &payload) = 0;
    virtual void startClose(int code, const QString &reason) = 0;

    void enqueue(MessageKind kind, QByteArray data);
    void setOpen();
    void setClosed(int code, const QString &reason);
    void setError(const QString &error, int handshakeStatus = 0);
    void setClosing() { m_state = State::Closing; }

    Execution::ExecutionContext *m_context;

private:
    State m_state = State::Idle;
    bool m_opened = false;
    std::deque<Message> m_incoming;
    int m_closeCode = 0;
    QString m_closeReason;
    QString m_error;
    int m_handshakeStatus = 0;
    qint64 m_bytesSent = 0;
    qint64 m_bytesReceived = 0;
    quint64 m_dropped = 0;
};

} // namespace Taskscope::Transport
