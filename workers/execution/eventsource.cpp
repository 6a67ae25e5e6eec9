#include "workers/execution/eventsource.h"

#include "model/trace/traceclock.h"
#include "workers/execution/executioncontext.h"

using Taskscope::Trace::TraceClock;

namespace Taskscope::Execution {

EventSource::~EventSource()
{
    if (m_waiter)
        m_waiter->wake(WaitOutcome::Event, TraceClock::ticks(), false);
}

void EventSource::notify() noexcept
{
    if (m_waiter)
        m_waiter->wake(WaitOutcome::Event, TraceClock::ticks(), false);
    else
        m_signalled = true;
}

WaitOutcome EventSource::blockUntil(qint64 deadlineNs, const std::atomic<bool> &cancelled)
{
    if (ExecutionContext::blockingSleepUntil(deadlineNs, cancelled))
        return WaitOutcome::Deadline;
    return WaitOutcome::Cancelled;
}

} // namespace Taskscope::Execution
