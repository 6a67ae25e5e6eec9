#pragma once

#include "workers/execution/timerqueue.h"

#include <QAbstractEventDispatcher>

#include <atomic>
#include <cstdint>
#include <deque>
#include <vector>

class QSocketNotifier;

namespace Taskscope::Execution {

/// A Linux event dispatcher built on epoll: a wake-up costs O(ready sockets), where Qt's UNIX
/// dispatcher hands every socket notifier to ppoll() on every pass (O(all sockets)), which is most
/// of a thread's kernel time once it holds hundreds of streams.
///
/// - Socket notifiers: one level-triggered epoll registration per fd (read, write and exception
///   notifiers of the fd share it). A notifier enabled or disabled while others on its fd remain
///   only marks the fd; the epoll_ctl is made once, before the next wait, so a write notifier
///   toggled inside one pass costs nothing. Removing the last notifier of an fd is immediate (the
///   fd may be closed and its number reused right after). Files epoll refuses (regular files) are
///   always ready, as poll() reports them.
/// - Timers: a TimerQueue; the wait's timeout is the nearest deadline with nanosecond resolution
///   (epoll_pwait2; epoll_wait rounding up to the millisecond where the kernel lacks it).
/// - wakeUp() (any thread): an eventfd, written once until the loop has seen it.
/// - interrupt(): the current processEvents() returns without waiting.
/// - Posted events: sent at the start of every pass; QCoreApplication::postEvent() calls wakeUp(),
///   so a wait never sleeps on a posted event.
/// - Nested loops: processEvents() is re-entrant; readiness reported to an outer pass that a
///   nested pass has since re-reported is not delivered twice.
/// Install with QThread::setEventDispatcher() before the thread starts, or
/// QCoreApplication::setEventDispatcher() before the application object exists.
class EpollEventDispatcher final : public QAbstractEventDispatcher
{
    Q_OBJECT
public:
    explicit EpollEventDispatcher(QObject *parent = nullptr);
    ~EpollEventDispatcher() override;
    Q_DISABLE_COPY_MOVE(EpollEventDispatcher)

    /// False when epoll or eventfd could not be created (the dispatcher then only runs timers and
    /// posted events); callers fall back to Qt's dispatcher.
    bool isValid() const { return m_epollFd >= 0 && m_wakeFd >= 0; }

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;
    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;
    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;
    void wakeUp() override;
    void interrupt() override;

    /// Counters for tests and benchmarks (this thread only).
    quint64 waits() const { return m_waits; }
    quint64 controlCalls() const { return m_controlCalls; }
    int watchedFds() const { return int(m_fds.size()); }

private:
    struct FdEntry
    {
        QSocketNotifier *notifiers[3] = {nullptr, nullptr, nullptr}; // Read, Write, Exception
        std::uint32_t registeredEvents = 0; // what the kernel has
        std::uint32_t serial = 0; // changes when the fd is registered anew
        std::uint64_t reportedPass = 0; // the last wait that reported the fd ready
        int fd = -1;
        bool dirty = false;
        bool alwaysReady = false; // epoll refused it (a regular file)
    };
    struct Ready
    {
        int fd;
        std::uint32_t serial;
        std::uint32_t events;
        std::uint64_t pass;
    };

    static std::uint32_t wantedEvents(const FdEntry &entry);
    void applyChanges();
    bool control(int fd, FdEntry &entry, std::uint32_t events);
    void removeFd(int fd);
    FdEntry *find(int fd);
    FdEntry &add(int fd);
    void wait(qint64 timeoutNs, bool includeNotifiers, std::vector<Ready> *ready);
    int activate(const std::vector<Ready> &ready);
    void drainWakeFd();

    int m_epollFd = -1;
    int m_wakeFd = -1;
    std::atomic<bool> m_wakePending {false};
    std::atomic<bool> m_interrupt {false};
    TimerQueue m_timers;
    // The watched fds, dense. A thread with a few fds (a worker: its socket and its pacer) finds
    // one by a short scan; past SmallFds an index by fd number (fd numbers are process-wide, so an
    // index per worker thread would cost every thread a slot per fd of the process).
    static constexpr std::size_t SmallFds = 16;
    std::vector<FdEntry> m_fds;
    std::vector<std::int32_t> m_fdIndex; // fd -> position in m_fds, -1 if none; empty while small
    // One ready list per nesting depth, kept between passes (no allocation per pass); a deque so
    // an outer pass's list stays put while a nested one is added.
    std::deque<std::vector<Ready>> m_readyLists;
    std::size_t m_depth = 0;
    std::vector<int> m_dirtyFds;
    std::vector<int> m_alwaysReadyFds;
    std::uint32_t m_nextSerial = 0;
    std::uint64_t m_pass = 0;
    quint64 m_waits = 0;
    quint64 m_controlCalls = 0;
    bool m_hasPwait2 = true;
};

} // namespace Taskscope::Execution
