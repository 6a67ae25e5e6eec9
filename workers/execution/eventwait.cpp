#include "workers/execution/eventwait.h"

#include "model/trace/tracerecorder.h"
#include "workers/execution/eventsource.h"
#include "workers/execution/executioncontext.h"
#include "workers/execution/threadservices.h"

using Taskscope::Trace::CoroutineState;
using Taskscope::Trace::TraceRecorder;
using Taskscope::Trace::TraceScope;

namespace Taskscope::Execution {

// ---- EventWait ---------------------------------------------------------------------------------

bool EventWait::await_ready() noexcept
{
    if (m_cancellable && m_context->isCancelled()) {
        m_outcome = WaitOutcome::Cancelled;
        return true;
    }
    if (m_source && m_source->consumeSignal()) {
        m_outcome = WaitOutcome::Event;
        return true;
    }
    if (m_deadlineNs != NoDeadline && m_deadlineNs <= ExecutionContext::nowNs()) {
        m_outcome = WaitOutcome::Deadline;
        return true;
    }
    if (m_context->blocksThread()) {
        // The anti-pattern, for real: the thread (the UI thread) stops here until the wait is over.
        TraceScope scope(m_what);
        const std::atomic<bool> &cancelled = m_context->cancelToken()->flag();
        if (m_source) {
            m_outcome = m_source->blockUntil(m_deadlineNs, cancelled);
            if (m_outcome == WaitOutcome::Event)
                m_source->consumeSignal();
        } else {
            m_outcome = ExecutionContext::blockingSleepUntil(m_deadlineNs, cancelled) ? WaitOutcome::Deadline
                                                                                      : WaitOutcome::Cancelled;
        }
        return true;
    }
    return false;
}

void EventWait::await_suspend(std::coroutine_handle<> handle) noexcept
{
    m_handle = handle;
    TraceRecorder::coroutineState(m_context->coroutineLane(), CoroutineState::Suspended, m_what);
    if (m_source) {
        Q_ASSERT_X(!m_source->m_waiter, "EventWait", "an event source has one waiter: one coroutine per context");
        m_source->m_waiter = this;
    }
    if (m_deadlineNs != NoDeadline)
        m_context->services()->pacer().add(this);
    if (m_cancellable)
        m_context->link(this);
}

} // namespace Taskscope::Execution
