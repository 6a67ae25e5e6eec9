#pragma once

#include "model/trace/tracetypes.h"

#include <QtGlobal>

#include <coroutine>
#include <cstdint>
#include <limits>

namespace Taskscope::Execution {

class EventSource;
class ExecutionContext;

/// How an await ended.
enum class WaitOutcome : std::uint8_t {
    Pending, ///< still waiting (never seen by the coroutine)
    Event, ///< the awaited source signalled (a message, a state change, a finished job)
    Deadline, ///< the deadline passed first
    Cancelled, ///< the stream was stopped
};

/// One suspended await of a coroutine, embedded in the awaiter object that lives in the coroutine
/// frame while it is suspended (so its address is stable and no allocation is needed).
///
/// A wait is registered with up to three wakers on its own thread: its EventSource (single waiter
/// slot), the thread's Pacer (deadline) and its ExecutionContext (cancellation). The first wake()
/// wins: it records the outcome, detaches the wait from every waker, records the Ready state on the
/// coroutine lane and either resumes the coroutine at once (the pacer does, from its own timer
/// handler) or queues it on the thread's ready queue (signals and cancellation do, so a coroutine
/// never runs inside a foreign signal emission). Not thread-safe: everything happens on one thread.
class PendingWait
{
public:
    static constexpr qint64 NoDeadline = std::numeric_limits<qint64>::max();

    /// Wakes the wait once (later calls do nothing). readyTicks: when the awaited event happened
    /// (TraceClock ticks). resumeNow: resume inside this call instead of through the ready queue.
    void wake(WaitOutcome outcome, std::uint64_t readyTicks, bool resumeNow) noexcept;
    /// Resumes the suspended coroutine (records Running first). Used by the ready queue.
    void resume() noexcept;

    bool isPending() const noexcept { return m_outcome == WaitOutcome::Pending && m_handle; }
    qint64 deadlineNs() const noexcept { return m_deadlineNs; }

protected:
    PendingWait(ExecutionContext *context, EventSource *source, qint64 deadlineNs, Trace::NameId what,
                bool cancellable) noexcept
        : m_context(context)
        , m_source(source)
        , m_deadlineNs(deadlineNs)
        , m_what(what)
        , m_cancellable(cancellable)
    {
    }
    ~PendingWait() = default;
    /// GCC 12 moves awaiters into the coroutine frame; a wait is only ever moved before it suspends.
    PendingWait(PendingWait &&other) noexcept
        : m_context(other.m_context)
        , m_source(other.m_source)
        , m_deadlineNs(other.m_deadlineNs)
        , m_what(other.m_what)
        , m_cancellable(other.m_cancellable)
        , m_outcome(other.m_outcome)
    {
        Q_ASSERT(!other.m_handle && other.m_heapIndex < 0 && !other.m_linked);
    }
    PendingWait(const PendingWait &) = delete;
    PendingWait &operator=(const PendingWait &) = delete;
    PendingWait &operator=(PendingWait &&) = delete;

    ExecutionContext *m_context;
    EventSource *m_source;
    qint64 m_deadlineNs;
    Trace::NameId m_what;
    bool m_cancellable; ///< false: stop() does not end this wait (joining children)
    std::coroutine_handle<> m_handle;
    WaitOutcome m_outcome = WaitOutcome::Pending;

private:
    friend class Pacer;
    friend class ExecutionContext;
    int m_heapIndex = -1; ///< position in the Pacer's heap, -1 when not there
    std::uint64_t m_sequence = 0; ///< Pacer: FIFO order among equal deadlines
    PendingWait *m_prev = nullptr; ///< the context's list of pending waits (for cancellation)
    PendingWait *m_next = nullptr;
    bool m_linked = false;
};

} // namespace Taskscope::Execution
