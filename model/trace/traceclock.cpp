#include "model/trace/traceclock.h"

#include <atomic>
#include <cmath>
#include <ctime>

#if TASKSCOPE_HAS_TSC
#include <cpuid.h>

namespace Taskscope::Trace {

#endif

namespace {

std::uint64_t readSteadyNs() noexcept
{
    timespec ts {};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::uint64_t(ts.tv_sec) * 1'000'000'000ull + std::uint64_t(ts.tv_nsec);
}

bool cpuHasInvariantTsc() noexcept
{
#if TASKSCOPE_HAS_TSC
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid(0x80000000u, &eax, &ebx, &ecx, &edx) || eax < 0x80000007u)
        return false;
    __get_cpuid(0x80000007u, &eax, &ebx, &ecx, &edx);
    return (edx & (1u << 8)) != 0;
#else
    return false;
#endif
}

// Calibration state. The ratio is published as one atomic double so readers never see a torn pair;
// the origin never changes after start-up.
struct Calibration
{
    std::uint64_t originTicks = 0;
    std::uint64_t originSteady = 0;
    std::atomic<double> nsPerTick {1.0};
    std::atomic<std::uint64_t> lastSteady {0};
};

Calibration &calibration() noexcept
{
    static Calibration *c = [] {
        auto *cal = new Calibration;
        cal->originSteady = readSteadyNs();
#if TASKSCOPE_HAS_TSC
        if (cpuHasInvariantTsc()) {
            // A first estimate over ~2 ms; recalibrate() refines it over the process lifetime.
            const std::uint64_t t0 = __rdtsc();
            const std::uint64_t s0 = readSteadyNs();
            std::uint64_t s1 = s0;
            std::uint64_t t1 = t0;
            while (s1 - s0 < 2'000'000ull) {
                s1 = readSteadyNs();
                t1 = __rdtsc();
            }
            cal->originTicks = t0 - std::uint64_t(double(s0 - cal->originSteady) * double(t1 - t0) / double(s1 - s0));
            cal->nsPerTick.store(double(s1 - s0) / double(t1 - t0));
            cal->lastSteady.store(s1);
            return cal;
        }
#endif
        cal->originTicks = cal->originSteady;
        cal->nsPerTick.store(1.0);
        return cal;
    }();
    return *c;
}

} // namespace

#if TASKSCOPE_HAS_TSC
bool TraceClock::s_useTsc = [] {
    calibration();
    return cpuHasInvariantTsc();
}();
#else
bool TraceClock::s_useTsc = false;
#endif

std::uint64_t TraceClock::steadyNs() noexcept
{
    return readSteadyNs();
}

std::uint64_t TraceClock::originSteadyNs() noexcept
{
    return calibration().originSteady;
}

qint64 TraceClock::toNs(std::uint64_t ticks) noexcept
{
    const Calibration &cal = calibration();
    const double delta = double(std::int64_t(ticks - cal.originTicks));
    return qint64(std::llround(delta * cal.nsPerTick.load(std::memory_order_relaxed)));
}

qint64 TraceClock::durationNs(std::uint64_t ticks) noexcept
{
    return qint64(std::llround(double(ticks) * calibration().nsPerTick.load(std::memory_order_relaxed)));
}

double TraceClock::ticksPerNs() noexcept
{
    return 1.0 / calibration().nsPerTick.load(std::memory_order_relaxed);
}

void TraceClock::recalibrate() noexcept
{
    if (!s_useTsc)
        return;
    Calibration &cal = calibration();
    const std::uint64_t steady = readSteadyNs();
    const std::uint64_t tsc = __rdtsc();
    // Only refine over a longer baseline than last time: the ratio's error shrinks with the baseline.
    const std::uint64_t last = cal.lastSteady.load(std::memory_order_relaxed);
    if (steady < last + 500'000'000ull)
        return;
    const double baselineNs = double(steady - cal.originSteady);
    const double baselineTicks = double(tsc - cal.originTicks);
    if (baselineTicks <= 0)
        return;
    cal.nsPerTick.store(baselineNs / baselineTicks, std::memory_order_relaxed);
    cal.lastSteady.store(steady, std::memory_order_relaxed);
}

} // namespace Taskscope::Trace
