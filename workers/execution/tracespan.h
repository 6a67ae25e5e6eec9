#pragma once

#include "model/trace/tracerecorder.h"

namespace Taskscope::Execution {

/// A span on a lane that may stay open across co_await (unlike TraceScope, which the watchdog reads
/// as "what this thread is doing now" and must open and close on one thread without suspending).
/// Ends when destroyed or at end().
class TraceSpan final
{
public:
    TraceSpan(Trace::LaneId lane, Trace::NameId name, std::uint64_t arg = 0) noexcept
        : m_lane(lane)
        , m_name(name)
    {
        Trace::TraceRecorder::begin(lane, name, arg);
    }
    ~TraceSpan() { end(); }
    Q_DISABLE_COPY_MOVE(TraceSpan)

    void end(std::uint64_t arg = 0) noexcept
    {
        if (m_open) {
            m_open = false;
            Trace::TraceRecorder::end(m_lane, m_name, arg);
        }
    }

private:
    Trace::LaneId m_lane;
    Trace::NameId m_name;
    bool m_open = true;
};

} // namespace Taskscope::Execution
