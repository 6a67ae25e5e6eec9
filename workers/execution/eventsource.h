#pragma once

#include "workers/execution/pendingwait.h"

#include <atomic>

namespace Taskscope::Execution {

/// Something a coroutine can wait on through ExecutionContext::waitEvent(): a transport, a pool job,
/// a child task. Works like an auto-reset event: notify() wakes the registered waiter, or, when no
/// coroutine is waiting, latches so the next wait returns at once. Waiters loop on their own
/// condition ("while (!open) co_await ctx.waitEvent(ws, ...)"), so a stale latch costs one spurious
/// wake and never a lost one.
///
/// Async sources call notify() from their signal handlers (Ready is recorded there, the resume is
/// queued). Sources used by the Blocking model override blockUntil() to really block the thread
/// (waitForReadyRead and friends) until they have something, the deadline passes or the stream is
/// cancelled. Single-threaded: a source belongs to its coroutine's thread.
class EventSource
{
public:
    EventSource() = default;
    /// Wakes a coroutine still waiting on this source, so destroying a source never strands one.
    virtual ~EventSource();
    Q_DISABLE_COPY_MOVE(EventSource)

    /// Something happened: wake the waiter (queued resume) or latch.
    void notify() noexcept;
    /// Takes the latch. True if something happened since the last wait.
    bool consumeSignal() noexcept
    {
        const bool was = m_signalled;
        m_signalled = false;
        return was;
    }
    bool hasWaiter() const noexcept { return m_waiter != nullptr; }

    /// Blocking models: blocks the calling thread until the source has something (then it returns
    /// Event), until deadlineNs (ExecutionContext::nowNs() domain; Deadline) or until `cancelled`
    /// becomes true (Cancelled; checked at least every 50 ms). The default only sleeps, for sources
    /// that cannot make progress while their thread is blocked.
    virtual WaitOutcome blockUntil(qint64 deadlineNs, const std::atomic<bool> &cancelled);

private:
    friend class PendingWait;
    friend class EventWait;
    PendingWait *m_waiter = nullptr;
    bool m_signalled = false;
};

} // namespace Taskscope::Execution
