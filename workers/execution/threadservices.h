#pragma once

#include "workers/execution/pacer.h"

#include <QObject>

#include <vector>

namespace Taskscope::Execution {

class PendingWait;

/// What every thread that runs workload coroutines shares: its Pacer, its ready queue (coroutines
/// woken by a signal or a cancellation, resumed in one posted event per batch, like asyncio's ready
/// list). Transports hang their per-thread objects (the long-lived QNetworkAccessManager) on it as
/// children, so they go when the thread's services do.
///
/// Created on first use in a thread and destroyed when that thread finishes (the UI thread's when
/// the application object goes away). Everything here is single-threaded.
class ThreadServices final : public QObject
{
    Q_OBJECT
public:
    /// The calling thread's services (created on first use). The thread needs an event loop.
    static ThreadServices *current();
    /// The calling thread's services if they exist, else null.
    static ThreadServices *existing();

    Pacer &pacer() { return m_pacer; }

    /// Queues a woken wait; the thread's loop resumes it in the next batch.
    void post(PendingWait *wait);
    /// Coroutines resumed through the ready queue so far, and batches (posted events) used.
    quint64 postedResumes() const { return m_postedResumes; }
    quint64 batches() const { return m_batches; }

    ~ThreadServices() override;
    Q_DISABLE_COPY_MOVE(ThreadServices)

protected:
    bool event(QEvent *event) override;

private:
    ThreadServices();
    static void destroyCurrent();

    Pacer m_pacer;
    std::vector<PendingWait *> m_ready;
    std::vector<PendingWait *> m_draining;
    bool m_eventPosted = false;
    quint64 m_postedResumes = 0;
    quint64 m_batches = 0;
};

} // namespace Taskscope::Execution
