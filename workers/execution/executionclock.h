#pragma once

#include "model/trace/traceclock.h"

#include <QtGlobal>

#include <chrono>

namespace Taskscope::Execution {

/// The clock of every deadline a workload coroutine waits for, as a std::chrono clock: CLOCK_MONOTONIC
/// nanoseconds since the trace origin (the epoch of the trace's timestamps). Deadlines and timeouts
/// cross the execution API as its time_point and std::chrono durations; hot paths that measure
/// (pacing, statistics) keep raw nanoseconds and convert where they call that API (fromNs).
class ExecutionClock final
{
public:
    using rep = qint64;
    using period = std::nano;
    using duration = std::chrono::nanoseconds;
    using time_point = std::chrono::time_point<ExecutionClock, duration>;
    static constexpr bool is_steady = true;

    ExecutionClock() = delete;

    static time_point now() noexcept
    {
        return fromNs(qint64(Trace::TraceClock::steadyNs() - Trace::TraceClock::originSteadyNs()));
    }
    static constexpr time_point fromNs(qint64 ns) noexcept { return time_point(duration(ns)); }
    static constexpr qint64 toNs(time_point t) noexcept { return t.time_since_epoch().count(); }
};

} // namespace Taskscope::Execution
