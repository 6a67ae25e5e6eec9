#pragma once

#include "model/trace/traceclock.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

namespace Taskscope::Probe {

/// The time a dispatch span is stamped with: the trace clock, or during a flood a copy of it that
/// a ticker thread publishes every millisecond.
///
/// On the kvm machines this runs on a time-stamp-counter read costs 20-35 ns, more than everything
/// else the dispatch bracket does; two per dispatch put a flood of trivial queued calls 50-70 ns
/// over. A published tick costs one load. The ticker costs the target a wake-up per millisecond,
/// which only pays off when dispatches are many, so it runs only while the probe's own thread
/// counts more than FastDispatchRate dispatches a second; otherwise nothing is published and every
/// stamp is a real clock read. While it runs, a span's start and end are exact to one tick (a span
/// shorter than that may read as 0 or 1 ms); hang tiers are 100 ms and more.
class DispatchClock final
{
public:
    static constexpr std::chrono::microseconds TickPeriod {1000};
    static constexpr double FastDispatchRate = 20'000; ///< dispatches per second, all threads

    DispatchClock() = default;
    ~DispatchClock();
    DispatchClock(const DispatchClock &) = delete;
    DispatchClock &operator=(const DispatchClock &) = delete;

    /// TraceClock ticks: the published tick when there is one, else a clock read. Never earlier
    /// than `notBefore` (a thread's previous stamp, so a span never ends before it starts when the
    /// source changes between its two ends).
    static std::uint64_t now(std::uint64_t notBefore) noexcept
    {
        std::uint64_t ticks = s_published.load(std::memory_order_relaxed);
        if (ticks == 0) [[unlikely]]
            ticks = Trace::TraceClock::ticks();
        return ticks > notBefore ? ticks : notBefore;
    }

    /// The probe's thread: the dispatch rate it last counted; starts or stops publishing.
    void setDispatchRate(double perSecond);
    bool publishing() const { return m_fast.load(std::memory_order_relaxed); }
    /// Whether a tick is published right now (any DispatchClock's ticker).
    static bool tickPublished() noexcept { return s_published.load(std::memory_order_relaxed) != 0; }
    /// Stops publishing and joins the ticker.
    void stop();

private:
    void run();

    static std::atomic<std::uint64_t> s_published; // 0: not publishing
    std::atomic<bool> m_fast {false};
    std::atomic<bool> m_stop {false};
    std::thread m_thread;
};

} // namespace Taskscope::Probe
