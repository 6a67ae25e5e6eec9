#pragma once

#include <QtGlobal>

#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>

namespace Taskscope::Trace {

#define TASKSCOPE_HAS_TSC 1
#else
#define TASKSCOPE_HAS_TSC 0
#endif

/// The process-wide monotonic clock of every trace event.
///
/// The hot path reads raw ticks (the invariant TSC where the CPU has one: ~11 ns on kvm against
/// ~27 ns for steady_clock), and ticks are turned into nanoseconds since the process origin off the
/// hot path, with a ratio calibrated against steady_clock and refined as the process runs.
/// Without an invariant TSC, ticks are steady_clock nanoseconds. Thread-safe.
class TraceClock final
{
public:
    TraceClock() = delete;

    /// Raw ticks; only meaningful through toNs(). Monotonic per core; the TSC is synchronized across cores.
    static inline std::uint64_t ticks() noexcept
    {
#if TASKSCOPE_HAS_TSC
        if (s_useTsc) [[likely]]
            return __rdtsc();
#endif
        return steadyNs();
    }

    /// Nanoseconds since the process origin for raw ticks (negative for ticks before the origin).
    static qint64 toNs(std::uint64_t ticks) noexcept;
    /// Nanoseconds since the process origin, now.
    static qint64 nowNs() noexcept
    {
        return toNs(ticks());
    }
    /// Converts a duration in ticks to nanoseconds.
    static qint64 durationNs(std::uint64_t ticks) noexcept;
    /// steady_clock nanoseconds (CLOCK_MONOTONIC), the reference the ticks are calibrated against.
    static std::uint64_t steadyNs() noexcept;
    /// The steady_clock reading at the process origin, for code that keeps its own steady_clock stamps.
    static std::uint64_t originSteadyNs() noexcept;

    /// Refines the tick ratio against steady_clock. Cheap; the drain calls it about once a second.
    static void recalibrate() noexcept;
    static bool usesTsc() noexcept
    {
        return s_useTsc;
    }
    static double ticksPerNs() noexcept;

private:
    static bool s_useTsc;
};

} // namespace Taskscope::Trace
