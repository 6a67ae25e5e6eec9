#include "workers/execution/workerthread.h"

#include "workers/execution/eventloopchoice.h"

#include <QDeadlineTimer>
#include <QMetaObject>
#include <QObject>
#include <QThread>

namespace Taskscope::Execution {

WorkerThread::WorkerThread(const QString &name)
    : m_thread(new QThread)
    , m_worker(new QObject)
{
    m_thread->setObjectName(name);
    m_thread->setStackSize(StackBytes);
    // Streams run here: the process's event loop choice (epoll unless --event-loop qt).
    Taskscope::Execution::EventLoopChoice::prepare(m_thread);
    m_worker->moveToThread(m_thread);
    m_thread->start();
}

WorkerThread::~WorkerThread()
{
    if (!waitForIdle(10'000))
        qWarning("WorkerThread %s: %d tasks still running after 10 s; quitting anyway",
                 qPrintable(m_thread->objectName()), activeTasks());
    m_thread->quit();
    m_thread->wait();
    delete m_worker;
    delete m_thread;
}

void WorkerThread::post(std::function<void()> fn)
{
    QMetaObject::invokeMethod(m_worker, std::move(fn), Qt::QueuedConnection);
}

void WorkerThread::taskStarted()
{
    QMutexLocker locker(&m_mutex);
    ++m_active;
}

void WorkerThread::taskFinished()
{
    QMutexLocker locker(&m_mutex);
    if (--m_active == 0)
        m_idle.wakeAll();
}

int WorkerThread::activeTasks() const
{
    QMutexLocker locker(&m_mutex);
    return m_active;
}

bool WorkerThread::waitForIdle(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    QMutexLocker locker(&m_mutex);
    while (m_active > 0) {
        if (!m_idle.wait(&m_mutex, deadline))
            return m_active == 0;
    }
    return true;
}

} // namespace Taskscope::Execution
