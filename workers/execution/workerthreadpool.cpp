#include "workers/execution/workerthreadpool.h"

#include <QMutexLocker>

namespace Taskscope::Execution {

WorkerThreadPool::WorkerThreadPool(int maxThreads, const QString &name)
    : m_maxThreads(std::max(1, maxThreads))
    , m_name(name)
{
}

WorkerThreadPool::~WorkerThreadPool()
{
    QMutexLocker locker(&m_mutex);
    m_threads.clear();
}

int WorkerThreadPool::threadCount() const
{
    QMutexLocker locker(&m_mutex);
    return int(m_threads.size());
}

WorkerThread &WorkerThreadPool::pick()
{
    // Caller holds m_mutex.
    WorkerThread *best = nullptr;
    int bestLoad = 0;
    for (std::size_t i = 0; i < m_threads.size(); ++i) {
        WorkerThread *t = m_threads[(m_next + i) % m_threads.size()].get();
        const int load = t->activeTasks();
        if (!best || load < bestLoad) {
            best = t;
            bestLoad = load;
        }
    }
    if (!best || (bestLoad > 0 && int(m_threads.size()) < m_maxThreads)) {
        m_threads.push_back(
            std::make_unique<WorkerThread>(QStringLiteral("%1 %2").arg(m_name).arg(m_threads.size() + 1)));
        return *m_threads.back();
    }
    m_next = (m_next + 1) % m_threads.size();
    return *best;
}

void WorkerThreadPool::postTask(std::function<void(WorkerThread &)> fn)
{
    QMutexLocker locker(&m_mutex);
    WorkerThread &thread = pick();
    // Counted now, so the next pick sees the load before the function has run.
    thread.taskStarted();
    WorkerThread *t = &thread;
    thread.post([t, fn = std::move(fn)] { fn(*t); });
}

void WorkerThreadPool::post(std::function<void()> fn)
{
    postTask([fn = std::move(fn)](WorkerThread &thread) {
        fn();
        thread.taskFinished();
    });
}

} // namespace Taskscope::Execution
