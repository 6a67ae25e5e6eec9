#include "workers/probe/dispatchclock.h"

#include "workers/probe/dispatchrecorder.h"

#include <pthread.h>
#include <time.h>

namespace Taskscope::Probe {

std::atomic<std::uint64_t> DispatchClock::s_published {0};

DispatchClock::~DispatchClock()
{
    stop();
}

void DispatchClock::setDispatchRate(double perSecond)
{
    // Hysteresis: a rate hovering at the threshold does not start and stop the ticker every batch.
    const bool fast = m_fast.load(std::memory_order_relaxed) ? perSecond > FastDispatchRate / 2
                                                             : perSecond > FastDispatchRate;
    if (fast == m_fast.load(std::memory_order_relaxed))
        return;
    m_fast.store(fast);
    if (fast && !m_thread.joinable()) {
        m_thread = std::thread([this] { run(); });
        return;
    }
    m_fast.notify_one();
}

void DispatchClock::stop()
{
    m_stop.store(true);
    m_fast.store(true); // wakes a ticker that waits for the next flood
    m_fast.notify_one();
    if (m_thread.joinable())
        m_thread.join();
    m_fast.store(false);
    m_stop.store(false); // a later flood may start it again
    s_published.store(0);
}

void DispatchClock::run()
{
    DispatchRecorder::excludeCurrentThread();
    pthread_setname_np(pthread_self(), "taskscope-clock");
    timespec next {};
    clock_gettime(CLOCK_MONOTONIC, &next);
    while (!m_stop.load()) {
        if (!m_fast.load()) {
            s_published.store(0); // readers go back to the clock before the ticker sleeps
            m_fast.wait(false);
            clock_gettime(CLOCK_MONOTONIC, &next);
            continue;
        }
        s_published.store(Trace::TraceClock::ticks(), std::memory_order_relaxed);
        next.tv_nsec += long(std::chrono::nanoseconds(TickPeriod).count());
        if (next.tv_nsec >= 1'000'000'000) {
            next.tv_nsec -= 1'000'000'000;
            ++next.tv_sec;
        }
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, nullptr);
    }
    s_published.store(0);
}

} // namespace Taskscope::Probe
