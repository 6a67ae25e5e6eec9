#pragma once

#include "workers/execution/workerthread.h"

#include <QMutex>
#include <QString>

#include <functional>
#include <memory>
#include <vector>

namespace Taskscope::Execution {

/// A bounded set of WorkerThreads for the Thread model's fan-out (request bursts, children spawned
/// with ExecutionContext::spawn): at most maxThreads threads, each with its own event loop, Pacer and
/// QNetworkAccessManager, started lazily. post() runs a function on the least busy thread (by
/// active tasks, then round robin). Thread-safe. Unlike QThreadPool, whose threads run one job to
/// completion, these threads run many coroutines each, interleaved on their loops.
class WorkerThreadPool final
{
public:
    explicit WorkerThreadPool(int maxThreads, const QString &name = QStringLiteral("pool"));
    /// Waits (bounded) for the tasks on every thread, then quits them.
    ~WorkerThreadPool();
    Q_DISABLE_COPY_MOVE(WorkerThreadPool)

    /// Starts a task on a pool thread: the thread's taskStarted() is counted now, and fn (run on
    /// that thread) must call thread.taskFinished() when the task ends -- for a coroutine, when the
    /// coroutine ends, which is what lets the pool's destructor wait for it.
    void postTask(std::function<void(WorkerThread &)> fn);
    /// Runs a plain function on a pool thread (finished when it returns).
    void post(std::function<void()> fn);

    int maxThreads() const { return m_maxThreads; }
    int threadCount() const;

private:
    WorkerThread &pick();

    int m_maxThreads;
    QString m_name;
    mutable QMutex m_mutex;
    std::vector<std::unique_ptr<WorkerThread>> m_threads;
    std::size_t m_next = 0;
};

} // namespace Taskscope::Execution
