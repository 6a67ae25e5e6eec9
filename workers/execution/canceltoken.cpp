#include "workers/execution/canceltoken.h"

#include <QMetaObject>
#include <QObject>

#include <algorithm>

namespace Taskscope::Execution {

void CancelToken::cancel()
{
    m_cancelled.store(true, std::memory_order_release);
    QMutexLocker locker(&m_mutex);
    for (const Attached &a : m_attached) {
        // Queued even on the anchor's own thread: stop() may be called from inside a coroutine of
        // this stream, which must not be resumed re-entrantly.
        QObject *anchor = a.anchor;
        WakeFunction wake = a.wake;
        QMetaObject::invokeMethod(
            anchor, [anchor, wake] { wake(anchor); }, Qt::QueuedConnection);
    }
}

void CancelToken::attach(QObject *anchor, WakeFunction wake)
{
    QMutexLocker locker(&m_mutex);
    m_attached.push_back({anchor, wake});
    if (m_cancelled.load(std::memory_order_acquire))
        QMetaObject::invokeMethod(
            anchor, [anchor, wake] { wake(anchor); }, Qt::QueuedConnection);
}

void CancelToken::detach(QObject *anchor)
{
    QMutexLocker locker(&m_mutex);
    m_attached.erase(std::remove_if(m_attached.begin(), m_attached.end(),
                                    [anchor](const Attached &a) { return a.anchor == anchor; }),
                     m_attached.end());
}

} // namespace Taskscope::Execution
