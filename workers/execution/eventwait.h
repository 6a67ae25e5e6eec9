#pragma once

#include "workers/execution/pendingwait.h"

#include <coroutine>

namespace Taskscope::Execution {

class EventSource;
class ExecutionContext;

/// The awaiter behind every wait of a workload coroutine (ExecutionContext::waitEvent/sleepUntil).
/// co_await yields how the wait ended. Never stored: use it directly in a co_await expression.
class [[nodiscard]] EventWait final : public PendingWait
{
public:
    EventWait(ExecutionContext *context, EventSource *source, qint64 deadlineNs, Trace::NameId what,
              bool cancellable = true) noexcept
        : PendingWait(context, source, deadlineNs, what, cancellable)
    {
    }
    ~EventWait() = default;
    EventWait(EventWait &&other) noexcept = default;
    EventWait(const EventWait &) = delete;
    EventWait &operator=(const EventWait &) = delete;
    EventWait &operator=(EventWait &&) = delete;

    bool await_ready() noexcept;
    void await_suspend(std::coroutine_handle<> handle) noexcept;
    WaitOutcome await_resume() const noexcept { return m_outcome; }
};

} // namespace Taskscope::Execution
