#pragma once

#include <QMutex>
#include <QString>
#include <QWaitCondition>

#include <functional>

class QObject;
class QThread;

namespace Taskscope::Execution {

/// One QThread with its own event loop and a worker QObject living in it (the house rule: the
/// owner quits and waits in its destructor). Work is posted as functions that run on the thread;
/// workload coroutines started there run on the thread's loop, with the thread's Pacer and
/// transports (ThreadServices).
///
/// Coroutines started on the thread are counted (taskStarted/taskFinished, thread-safe); the
/// destructor first waits (bounded) until they have all finished, so no frame is stranded on a
/// thread that quit. Cancel them before destroying the thread.
class WorkerThread final
{
public:
    /// Stack size of worker threads: enough for Qt's network stack, small for thousands of threads.
    static constexpr uint StackBytes = 512 * 1024;

    explicit WorkerThread(const QString &name);
    ~WorkerThread();
    Q_DISABLE_COPY_MOVE(WorkerThread)

    /// Runs fn on the thread (queued). Thread-safe.
    void post(std::function<void()> fn);
    QThread *thread() const { return m_thread; }
    QObject *worker() const { return m_worker; }

    void taskStarted();
    void taskFinished();
    int activeTasks() const;
    /// Waits until no task is active. False on timeout.
    bool waitForIdle(int timeoutMs);

private:
    QThread *m_thread;
    QObject *m_worker;
    mutable QMutex m_mutex;
    QWaitCondition m_idle;
    int m_active = 0;
};

} // namespace Taskscope::Execution
