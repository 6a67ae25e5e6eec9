#include "workers/execution/epolleventdispatcher.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace Taskscope::Execution {

EpollEventDispatcher::EpollEventDispatcher(QObject *parent)
    : QAbstractEventDispatcher(parent)
    , m_sockets(SocketNotifierSet::RefusedFds::AlwaysReady)
{
    m_wakeFd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (m_wakeFd < 0) {
        qWarning("EpollEventDispatcher: cannot create an eventfd: %s", std::strerror(errno));
        return;
    }
    if (m_sockets.isValid())
        m_sockets.watchWakeFd(m_wakeFd, &m_wakePending);
}

EpollEventDispatcher::~EpollEventDispatcher()
{
    if (m_wakeFd >= 0)
        ::close(m_wakeFd);
}

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    m_interrupt.store(false, std::memory_order_relaxed);
    emit awake();
    QCoreApplication::sendPostedEvents();

    const bool includeTimers = !flags.testFlag(QEventLoop::X11ExcludeTimers);
    const bool includeNotifiers = !flags.testFlag(QEventLoop::ExcludeSocketNotifiers);
    const bool mayWait = flags.testFlag(QEventLoop::WaitForMoreEvents) && !m_interrupt.load(std::memory_order_relaxed);
    if (mayWait)
        emit aboutToBlock();
    if (m_interrupt.load(std::memory_order_relaxed))
        return false;

    qint64 timeoutNs = 0;
    if (mayWait) {
        timeoutNs = -1;
        const qint64 next = includeTimers ? m_timers.nextDeadlineNs() : -1;
        if (next >= 0)
            timeoutNs = std::max<qint64>(0, next - TimerQueue::nowNs());
        if (includeNotifiers && m_sockets.hasAlwaysReady())
            timeoutNs = 0;
    }

    int handled = 0;
    if (includeNotifiers && m_sockets.isValid()) {
        handled += m_sockets.waitAndActivate(timeoutNs, SocketNotifierSet::Batch::AllReady);
    } else {
        // Sockets excluded (or no epoll): wait on the wake-up alone, with the same timeout.
        timespec ts {};
        if (timeoutNs >= 0) {
            ts.tv_sec = timeoutNs / 1'000'000'000;
            ts.tv_nsec = timeoutNs % 1'000'000'000;
        }
        pollfd pfd {m_wakeFd, POLLIN, 0};
        if (ppoll(&pfd, m_wakeFd >= 0 ? 1 : 0, timeoutNs >= 0 ? &ts : nullptr, nullptr) > 0)
            drainWakeFd();
    }
    if (includeTimers)
        handled += m_timers.fireDue(TimerQueue::nowNs());
    return handled > 0;
}

void EpollEventDispatcher::drainWakeFd()
{
    eventfd_t value = 0;
    eventfd_read(m_wakeFd, &value);
    m_wakePending.store(false, std::memory_order_release);
}

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    m_sockets.registerNotifier(notifier);
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    m_sockets.unregisterNotifier(notifier);
}

void EpollEventDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object)
{
    if (timerId < 1 || interval < 0 || !object) {
        qWarning("EpollEventDispatcher::registerTimer: invalid arguments");
        return;
    }
    m_timers.add(timerId, interval, timerType, object, TimerQueue::nowNs());
}

bool EpollEventDispatcher::unregisterTimer(int timerId)
{
    return m_timers.remove(timerId);
}

bool EpollEventDispatcher::unregisterTimers(QObject *object)
{
    return m_timers.removeAll(object);
}

QList<QAbstractEventDispatcher::TimerInfo> EpollEventDispatcher::registeredTimers(QObject *object) const
{
    return m_timers.timersOf(object);
}

int EpollEventDispatcher::remainingTime(int timerId)
{
    return m_timers.remainingMs(timerId, TimerQueue::nowNs());
}

void EpollEventDispatcher::wakeUp()
{
    // One write until the loop has drained it: a burst of posts from other threads costs one
    // syscall, as in Qt's own dispatcher.
    if (!m_wakePending.exchange(true, std::memory_order_acq_rel) && m_wakeFd >= 0)
        eventfd_write(m_wakeFd, 1);
}

void EpollEventDispatcher::interrupt()
{
    m_interrupt.store(true, std::memory_order_relaxed);
    wakeUp();
}

} // namespace Taskscope::Execution
