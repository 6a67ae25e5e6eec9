#pragma once

#include "workers/execution/socketnotifierset.h"
#include "workers/execution/timerqueue.h"

#include <QAbstractEventDispatcher>

#include <atomic>

class QSocketNotifier;

namespace Taskscope::Execution {

/// A Linux event dispatcher built on epoll: a wake-up costs O(ready sockets), where Qt's UNIX
/// dispatcher hands every socket notifier to ppoll() on every pass (O(all sockets)), which is most
/// of a thread's kernel time once it holds hundreds of streams.
///
/// - Socket notifiers: a SocketNotifierSet (one level-triggered epoll registration per fd, changes
///   coalesced until the next wait). Files epoll refuses (regular files) are always ready, as
///   poll() reports them.
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
    bool isValid() const { return m_sockets.isValid() && m_wakeFd >= 0; }

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
    quint64 waits() const { return m_sockets.waits(); }
    quint64 controlCalls() const { return m_sockets.controlCalls(); }
    int watchedFds() const { return m_sockets.watchedFds(); }

private:
    void drainWakeFd();

    int m_wakeFd = -1;
    std::atomic<bool> m_wakePending {false};
    std::atomic<bool> m_interrupt {false};
    SocketNotifierSet m_sockets;
    TimerQueue m_timers;
};

} // namespace Taskscope::Execution
