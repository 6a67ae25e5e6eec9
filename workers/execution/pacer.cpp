#include "workers/execution/pacer.h"

#include "model/trace/traceclock.h"
#include "workers/execution/executioncontext.h"
#include "workers/execution/threadservices.h"

#include <QSocketNotifier>
#include <QTimer>

#include <cerrno>

#include <sys/timerfd.h>
#include <unistd.h>

using Taskscope::Trace::TraceClock;

namespace Taskscope::Execution {

Pacer::Pacer(QObject *parent)
    : QObject(parent)
{
    // TASKSCOPE_PACER_QTIMER=1 forces the millisecond QTimer (to compare the two).
    if (!qEnvironmentVariableIsSet("TASKSCOPE_PACER_QTIMER"))
        m_timerFd = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (m_timerFd >= 0) {
        m_notifier = new QSocketNotifier(qintptr(m_timerFd), QSocketNotifier::Read, this);
        connect(m_notifier, &QSocketNotifier::activated, this, [this] {
            std::uint64_t expirations = 0;
            while (::read(m_timerFd, &expirations, sizeof expirations) < 0 && errno == EINTR) { }
            m_armedNs = PendingWait::NoDeadline;
            fire();
        });
    } else {
        m_fallbackTimer = new QTimer(this);
        m_fallbackTimer->setSingleShot(true);
        m_fallbackTimer->setTimerType(Qt::PreciseTimer);
        connect(m_fallbackTimer, &QTimer::timeout, this, [this] {
            m_armedNs = PendingWait::NoDeadline;
            fire();
        });
    }
    m_heap.reserve(64);
}

Pacer::~Pacer()
{
    // Waits still here belong to coroutines that can no longer be resumed on this thread; detach
    // them so nothing points into a dead pacer.
    for (const Entry &entry : m_heap)
        entry.wait->m_heapIndex = -1;
    m_heap.clear();
    if (m_timerFd >= 0)
        ::close(m_timerFd);
}

void Pacer::add(PendingWait *wait)
{
    Q_ASSERT(wait->m_heapIndex < 0);
    wait->m_sequence = m_sequence++;
    m_heap.push_back({wait->m_deadlineNs, wait->m_sequence, wait});
    wait->m_heapIndex = int(m_heap.size()) - 1;
    siftUp(wait->m_heapIndex);
    if (!m_firing && m_heap.front().wait == wait)
        arm();
}

void Pacer::remove(PendingWait *wait)
{
    const int index = wait->m_heapIndex;
    if (index < 0)
        return;
    wait->m_heapIndex = -1;
    const Entry last = m_heap.back();
    m_heap.pop_back();
    if (last.wait != wait) {
        place(index, last);
        siftUp(index);
        siftDown(last.wait->m_heapIndex);
    }
    // Leaving the timer armed for a removed earliest wait costs one spurious wake-up at most;
    // re-arming on every removal would cost a syscall each time.
}

bool Pacer::fireIfDue()
{
    if (m_firing || m_heap.empty() || m_heap.front().deadlineNs > ExecutionContext::nowNs())
        return false;
    if (Trace::TraceClock::ticks() - m_lastFireEndTicks < m_lastFireEndTicks - m_lastFireStartTicks)
        return false; // the rest of the pass gets as long as the last batch took
    // The timer stays armed for the deadline handled here; its expiry finds nothing due and re-arms.
    ++m_earlyFires;
    fire();
    return true;
}

bool Pacer::fireIfDueOnThisThread()
{
    ThreadServices *services = ThreadServices::existing();
    return services && services->pacer().fireIfDue();
}

void Pacer::siftUp(int index)
{
    const Entry entry = m_heap[std::size_t(index)];
    while (index > 0) {
        const int parent = (index - 1) / 2;
        const Entry &up = m_heap[std::size_t(parent)];
        if (!less(entry, up))
            break;
        place(index, up);
        index = parent;
    }
    place(index, entry);
}

void Pacer::siftDown(int index)
{
    const int n = int(m_heap.size());
    const Entry entry = m_heap[std::size_t(index)];
    for (;;) {
        int child = 2 * index + 1;
        if (child >= n)
            break;
        if (child + 1 < n && less(m_heap[std::size_t(child + 1)], m_heap[std::size_t(child)]))
            ++child;
        if (!less(m_heap[std::size_t(child)], entry))
            break;
        place(index, m_heap[std::size_t(child)]);
        index = child;
    }
    place(index, entry);
}

void Pacer::arm()
{
    if (m_heap.empty())
        return;
    const qint64 deadline = m_heap.front().deadlineNs;
    if (deadline >= m_armedNs)
        return; // an earlier (or equal) expiry is already pending; fire() re-arms for the rest
    m_armedNs = deadline;
    if (m_timerFd >= 0) {
        const std::uint64_t absolute = TraceClock::originSteadyNs() + std::uint64_t(std::max<qint64>(deadline, 1));
        itimerspec spec {};
        spec.it_value.tv_sec = time_t(absolute / 1'000'000'000ull);
        spec.it_value.tv_nsec = long(absolute % 1'000'000'000ull);
        ::timerfd_settime(m_timerFd, TFD_TIMER_ABSTIME, &spec, nullptr);
    } else {
        const qint64 remainingNs = deadline - ExecutionContext::nowNs();
        const qint64 ms = remainingNs <= 0 ? 0 : (remainingNs + 999'999) / 1'000'000;
        m_fallbackTimer->start(int(std::min<qint64>(ms, 1 << 30)));
    }
}

void Pacer::fire()
{
    ++m_wakeups;
    m_firing = true;
    std::uint64_t nowTicks = TraceClock::ticks();
    m_lastFireStartTicks = nowTicks;
    qint64 now = ExecutionContext::nowNs();
    const double ticksPerNs = TraceClock::ticksPerNs();
    const std::uint64_t sliceEndTicks = nowTicks + std::uint64_t(double(SliceNs) * ticksPerNs);
    int sinceClockRead = 0;
    while (!m_heap.empty()) {
        PendingWait *wait = m_heap.front().wait;
        if (m_heap.front().deadlineNs > now) {
            // Resuming a long batch takes time: look at the clock again before giving up.
            if (sinceClockRead == 0)
                break;
            nowTicks = TraceClock::ticks();
            now = ExecutionContext::nowNs();
            sinceClockRead = 0;
            continue;
        }
        remove(wait);
        ++m_resumed;
        ++sinceClockRead;
        // Ready at the deadline: the time the coroutine could have run, had the loop been free.
        const qint64 lateNs = std::max<qint64>(0, now - wait->m_deadlineNs);
        const std::uint64_t readyTicks = nowTicks
            - std::min<std::uint64_t>(nowTicks, std::uint64_t(double(lateNs) * ticksPerNs));
        wait->wake(WaitOutcome::Deadline, readyTicks, true);
        if (TraceClock::ticks() > sliceEndTicks && !m_heap.empty() && m_heap.front().deadlineNs <= now) {
            // Let the loop breathe: the rest is due too, and the re-armed timer fires on the next
            // pass, after whatever else became ready meanwhile (the window's frame, socket reads).
            ++m_yields;
            break;
        }
    }
    m_firing = false;
    m_lastFireEndTicks = Trace::TraceClock::ticks();
    arm();
}

} // namespace Taskscope::Execution
