#include "workers/transport/websockettransport.h"

#include "model/trace/traceclock.h"
#include "model/trace/tracenames.h"
#include "workers/execution/executioncontext.h"

using Taskscope::Execution::ExecutionContext;
using Taskscope::Execution::WaitOutcome;
using Taskscope::Trace::NameId;
using Taskscope::Trace::TraceClock;
using Taskscope::Trace::TraceNames;

namespace Taskscope::Transport {

WebSocketTransport::WebSocketTransport(ExecutionContext *context)
    : m_context(context)
{
}

WebSocketTransport::~WebSocketTransport() = default;

QCoro::Task<bool> WebSocketTransport::open(QNetworkRequest request, std::chrono::nanoseconds timeout)
{
    static const NameId what = TraceNames::intern("ws connect");
    m_state = State::Connecting;
    m_opened = false;
    m_error.clear();
    m_handshakeStatus = 0;
    const Execution::ExecutionClock::time_point deadline = Execution::ExecutionClock::now() + timeout;
    startOpen(request, Execution::ExecutionClock::toNs(deadline));
    while (m_state == State::Connecting) {
        const WaitOutcome outcome = co_await m_context->waitEvent(*this, deadline, what);
        if (m_state != State::Connecting)
            break;
        if (outcome == WaitOutcome::Cancelled) {
            abort();
            setError(QStringLiteral("cancelled while connecting"));
            co_return false;
        }
        if (outcome == WaitOutcome::Deadline) {
            abort();
            setError(QStringLiteral("connection timed out after %1 ms")
                         .arg(std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count()));
            co_return false;
        }
    }
    // True once the handshake completed, even if the peer closed right after (the caller then sees
    // Closed with the peer's code, e.g. 1011, which is not a connect failure).
    co_return m_opened;
}

bool WebSocketTransport::sendText(const QString &text)
{
    if (m_state != State::Open)
        return false;
    const QByteArray utf8 = text.toUtf8();
    if (!writeMessage(MessageKind::Text, utf8))
        return false;
    m_bytesSent += utf8.size();
    return true;
}

bool WebSocketTransport::sendBinary(const QByteArray &data)
{
    if (m_state != State::Open || data.isEmpty()) // an empty binary frame means "close" to Deepgram
        return false;
    if (!writeMessage(MessageKind::Binary, data))
        return false;
    m_bytesSent += data.size();
    return true;
}

std::optional<WebSocketTransport::Message> WebSocketTransport::takeMessage()
{
    if (m_incoming.empty())
        return std::nullopt;
    Message m = std::move(m_incoming.front());
    m_incoming.pop_front();
    return m;
}

QCoro::Task<void> WebSocketTransport::close(int code, QString reason, std::chrono::nanoseconds timeout)
{
    static const NameId what = TraceNames::intern("ws close");
    if (m_state == State::Open) {
        setClosing();
        startClose(code, reason);
    }
    const Execution::ExecutionClock::time_point deadline = Execution::ExecutionClock::now() + timeout;
    while (m_state != State::Closed && m_state != State::Idle) {
        const WaitOutcome outcome = co_await m_context->waitEvent(*this, deadline, what);
        if (outcome == WaitOutcome::Deadline || outcome == WaitOutcome::Cancelled) {
            abort();
            break;
        }
    }
}

void WebSocketTransport::enqueue(MessageKind kind, QByteArray data)
{
    if (int(m_incoming.size()) >= MaxQueuedMessages) {
        m_incoming.pop_front();
        ++m_dropped;
    }
    m_bytesReceived += data.size();
    m_incoming.push_back(Message {kind, std::move(data), TraceClock::ticks(), ExecutionContext::nowNs()});
    notify();
}

void WebSocketTransport::setOpen()
{
    m_state = State::Open;
    m_opened = true;
    notify();
}

void WebSocketTransport::setClosed(int code, const QString &reason)
{
    if (m_state == State::Closed)
        return;
    m_state = State::Closed;
    m_closeCode = code;
    m_closeReason = reason;
    notify();
}

void WebSocketTransport::setError(const QString &error, int handshakeStatus)
{
    if (m_error.isEmpty())
        m_error = error;
    if (handshakeStatus)
        m_handshakeStatus = handshakeStatus;
    if (m_state == State::Connecting || m_state == State::Idle) {
        m_state = State::Closed;
        m_closeCode = AbnormalClosure;
    }
    notify();
}

} // namespace Taskscope::Transport
