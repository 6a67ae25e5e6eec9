#pragma once

#include "workers/execution/socketnotifierset.h"

#include <QAbstractEventDispatcher>
#include <QPointer>

#include <memory>

class QSocketNotifier;

namespace Taskscope::Execution {

/// Socket readiness in O(ready sockets) on a thread whose dispatcher must stay the platform's (the
/// GUI thread: xcb and offscreen deliver window-system events only from their own dispatchers).
/// It stands in front of that dispatcher (the inner one) and forwards everything to it (event
/// processing, timers, wakeUp, interrupt, start-up and closing down; the inner's awake and
/// aboutToBlock are re-emitted) except socket notifiers: those go to one epoll set whose fd is a
/// single read notifier in the inner dispatcher. When that fires, a zero-timeout epoll_wait picks
/// the ready fds (at most SocketNotifierSet::MaxEventsPerWait: the set is level-triggered, so the
/// rest keep the fd readable for the platform's next pass, and window events are not held up) and their notifiers get
/// QEvent::SockAct.
///
/// Notifiers registered in the inner dispatcher before this one was installed stay there;
/// unregistering routes by ownership. Fds epoll refuses (regular files) also go to the inner one.
/// Construct it on the inner dispatcher's thread; the inner one must outlive it. MainThreadNesting
/// installs it on the main thread.
class NestedEpollDispatcher final : public QAbstractEventDispatcher
{
    Q_OBJECT
public:
    explicit NestedEpollDispatcher(QAbstractEventDispatcher *inner, QObject *parent = nullptr);
    ~NestedEpollDispatcher() override;
    Q_DISABLE_COPY_MOVE(NestedEpollDispatcher)

    /// False when the epoll set could not be created (notifiers then all go to the inner one).
    bool isValid() const { return m_sockets.isValid() && m_epollNotifier; }
    QAbstractEventDispatcher *inner() const { return m_inner; }

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
    void startingUp() override;
    void closingDown() override;

    /// Counters for tests and reports (this thread only).
    int nestedFds() const { return m_sockets.watchedFds(); }
    quint64 activations() const { return m_activations; }
    quint64 delivered() const { return m_delivered; }

private:
    void onEpollReady();
    void detachFromInner();

    QPointer<QAbstractEventDispatcher> m_inner; // this thread
    // wakeUp() and interrupt() come from any thread (the xcb reader thread, posts): a plain pointer;
    // the inner dispatcher outlives this one (it becomes this one's child when installed).
    QAbstractEventDispatcher *const m_innerForWake;
    SocketNotifierSet m_sockets;
    std::unique_ptr<QSocketNotifier> m_epollNotifier;
    quint64 m_activations = 0;
    quint64 m_delivered = 0;
};

} // namespace Taskscope::Execution
