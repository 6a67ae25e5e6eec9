#include "workers/execution/nestedepolldispatcher.h"

#include <QSocketNotifier>

namespace Taskscope::Execution {

NestedEpollDispatcher::NestedEpollDispatcher(QAbstractEventDispatcher *inner, QObject *parent)
    : QAbstractEventDispatcher(parent)
    , m_inner(inner)
    , m_innerForWake(inner)
    , m_sockets(SocketNotifierSet::RefusedFds::Decline)
{
    if (!m_inner)
        return;
    // Notifier toggles are coalesced until the wait; the wait is the inner dispatcher's, and it
    // only wakes for what the kernel has. So changes go in before each of its passes (below, in
    // processEvents) and again right before it blocks, after it sent posted events (whose handlers
    // may have toggled notifiers: a socket write enables its write notifier).
    connect(
        m_inner, &QAbstractEventDispatcher::aboutToBlock, this, [this] { m_sockets.applyChanges(); },
        Qt::DirectConnection);
    connect(m_inner, &QAbstractEventDispatcher::aboutToBlock, this, &QAbstractEventDispatcher::aboutToBlock,
            Qt::DirectConnection);
    connect(m_inner, &QAbstractEventDispatcher::awake, this, &QAbstractEventDispatcher::awake, Qt::DirectConnection);
    if (!m_sockets.isValid())
        return;
    // Enabled only once m_epollNotifier is set, so that registration routes it to the inner
    // dispatcher even if this one is already installed.
    m_epollNotifier = std::make_unique<QSocketNotifier>(QSocketNotifier::Read);
    m_epollNotifier->setSocket(m_sockets.epollFd());
    connect(m_epollNotifier.get(), &QSocketNotifier::activated, this, &NestedEpollDispatcher::onEpollReady);
    m_epollNotifier->setEnabled(true);
}

NestedEpollDispatcher::~NestedEpollDispatcher()
{
    detachFromInner();
    m_epollNotifier.reset();
}

void NestedEpollDispatcher::detachFromInner()
{
    // Through the thread's dispatcher (this one routes it to the inner one; none at teardown).
    if (m_epollNotifier)
        m_epollNotifier->setEnabled(false);
}

void NestedEpollDispatcher::onEpollReady()
{
    ++m_activations;
    m_delivered += quint64(m_sockets.waitAndActivate(0, SocketNotifierSet::Batch::Capped));
}

bool NestedEpollDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    m_sockets.applyChanges();
    return m_inner && m_inner->processEvents(flags);
}

void NestedEpollDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    if (notifier != m_epollNotifier.get() && m_sockets.isValid() && m_sockets.registerNotifier(notifier))
        return;
    if (m_inner)
        m_inner->registerSocketNotifier(notifier);
}

void NestedEpollDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    if (notifier != m_epollNotifier.get() && m_sockets.unregisterNotifier(notifier))
        return;
    if (m_inner)
        m_inner->unregisterSocketNotifier(notifier);
}

void NestedEpollDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object)
{
    if (m_inner)
        m_inner->registerTimer(timerId, interval, timerType, object);
}

bool NestedEpollDispatcher::unregisterTimer(int timerId)
{
    return m_inner && m_inner->unregisterTimer(timerId);
}

bool NestedEpollDispatcher::unregisterTimers(QObject *object)
{
    return m_inner && m_inner->unregisterTimers(object);
}

QList<QAbstractEventDispatcher::TimerInfo> NestedEpollDispatcher::registeredTimers(QObject *object) const
{
    return m_inner ? m_inner->registeredTimers(object) : QList<TimerInfo>();
}

int NestedEpollDispatcher::remainingTime(int timerId)
{
    return m_inner ? m_inner->remainingTime(timerId) : -1;
}

void NestedEpollDispatcher::wakeUp()
{
    if (m_innerForWake)
        m_innerForWake->wakeUp();
}

void NestedEpollDispatcher::interrupt()
{
    if (m_innerForWake)
        m_innerForWake->interrupt();
}

void NestedEpollDispatcher::startingUp()
{
    if (m_inner)
        m_inner->startingUp();
}

void NestedEpollDispatcher::closingDown()
{
    detachFromInner();
    if (m_inner)
        m_inner->closingDown();
}

} // namespace Taskscope::Execution
