#pragma once

#include "model/trace/tracerecorder.h"
#include "model/workloadspec.h"
#include "workers/execution/canceltoken.h"
#include "workers/execution/eventsource.h"
#include "workers/execution/eventwait.h"
#include "workers/execution/executionclock.h"
#include "workers/execution/pendingwait.h"

#include <QFuture>
#include <QFutureWatcher>
#include <QString>
#include <QtConcurrent/QtConcurrentRun>
#include <qcoro/qcorotask.h>

#include <atomic>
#include <functional>
#include <memory>
#include <type_traits>

class QObject;
class QThreadPool;

namespace Taskscope::Execution {

class ExecutionContext;
class ThreadServices;
class WorkerThread;
class WorkerThreadPool;

/// Parent-side record of a child coroutine started with ExecutionContext::spawn().
struct ChildTask
{
    struct State
    {
        std::atomic<bool> done {false};
        QString error; ///< written by the child before `done`, read by the parent after
    };
    std::shared_ptr<State> state;
    bool isDone() const { return !state || state->done.load(std::memory_order_acquire); }
};

/// Per-coroutine access to its execution model: the small interface a workload is written against
/// once, whose primitives differ per model.
///
/// | primitive | thread | coroutine | offload | blocking |
/// | --- | --- | --- | --- | --- |
/// | sleepUntil / waitEvent deadline | worker thread's Pacer | UI thread's Pacer | UI thread's Pacer | clock_nanosleep
/// on the UI thread | | waitEvent(source) | queued resume | queued resume | queued resume | source->blockUntil():
/// really blocks | | blockingPart(what, fn) | inline on the worker | inline on the UI thread | QtConcurrent::run on the
/// pool | inline on the UI thread | | createWebSocket / createHttpCall (transport/) | QWebSocket / QNAM (this thread's)
/// | same | same | BlockingWebSocket / BlockingHttpCall | | spawn(child) | a WorkerThreadPool thread | this thread |
/// this thread | runs to completion at once |
///
/// Every await records the coroutine's states on its own lane: Suspended (naming what it awaits),
/// Ready when the awaited thing happened (for deadlines: the deadline), Running when resumed. The
/// Ready -> Running gap is the event-loop latency of that thread.
///
/// Rules for workload code (QCoro 0.8, GCC 12):
/// - await only through this context (its transports, waits and blocking parts), never a raw QCoro
///   awaitable, so states are recorded and stop() can wake every await;
/// - after every co_await check `ctx.isCancelled()` (or the WaitOutcome) and leave promptly;
/// - one context belongs to one coroutine (a source has a single waiter slot); use spawn() for
///   concurrency inside a stream, and joinChildren() before returning;
/// - take coroutine parameters by value, no capturing lambda in a co_await full-expression.
///
/// A context is created and destroyed on the thread that runs its coroutine; only cancel() and
/// isCancelled() may be called from other threads.
class ExecutionContext final
{
public:
    struct Config
    {
        Model::ExecutionModel model = Model::ExecutionModel::Coroutine;
        std::shared_ptr<CancelToken> cancel; ///< shared with children; created if null
        QThreadPool *cpuPool = nullptr; ///< offload: blocking parts (null: the global pool)
        WorkerThreadPool *threadPool = nullptr; ///< thread model: where spawn() runs children (null: this thread)
        Trace::LaneId streamLane = Trace::NoLane; ///< the stream this coroutine serves
        QString coroutineName; ///< its lane's name, e.g. "live #3 · coroutine"
        QString group; ///< lane group: the workload kind, e.g. "live-transcription"
    };

    explicit ExecutionContext(Config config);
    /// Ends the coroutine lane. Destroy on the context's thread, after joinChildren().
    ~ExecutionContext();
    Q_DISABLE_COPY_MOVE(ExecutionContext)

    Model::ExecutionModel model() const { return m_model; }
    /// True when awaits really block the thread (the Blocking model).
    bool blocksThread() const { return m_model == Model::ExecutionModel::Blocking; }
    bool isCancelled() const noexcept { return m_cancel->isCancelled(); }
    /// Thread-safe: wakes every pending await of this stream (and its children) with Cancelled.
    void cancel() { m_cancel->cancel(); }
    const std::shared_ptr<CancelToken> &cancelToken() const { return m_cancel; }

    Trace::LaneId streamLane() const { return m_streamLane; }
    Trace::LaneId coroutineLane() const { return m_coroutineLane; }
    const QString &group() const { return m_group; }

    /// CLOCK_MONOTONIC nanoseconds since the trace origin: ExecutionClock::now() as a raw count, for
    /// code that measures.
    static qint64 nowNs() noexcept;
    /// Sleeps the calling thread until deadlineNs, checking `cancelled` at least every 50 ms.
    /// Returns false if cancelled first.
    static bool blockingSleepUntil(qint64 deadlineNs, const std::atomic<bool> &cancelled);

    /// Waits until `source` signals, the deadline passes (ExecutionClock::time_point::max(): no
    /// deadline) or the stream is cancelled. `what` names the wait on the timeline ("ws message",
    /// "pacer 20 ms").
    EventWait waitEvent(EventSource &source, ExecutionClock::time_point deadline, Trace::NameId what) noexcept
    {
        return EventWait(this, &source, ExecutionClock::toNs(deadline), what);
    }
    /// Paced sleep: resumes at the deadline (or earlier with Cancelled).
    EventWait sleepUntil(ExecutionClock::time_point deadline, Trace::NameId what = 0) noexcept
    {
        return EventWait(this, nullptr, ExecutionClock::toNs(deadline), what ? what : s_sleepName);
    }
    EventWait sleepFor(std::chrono::nanoseconds duration, Trace::NameId what = 0) noexcept
    {
        return sleepUntil(ExecutionClock::now() + duration, what);
    }

    /// Runs blocking or CPU-bound work (WAV decode, big parse, hashing) the way the model does:
    /// on the CPU pool in Offload (the coroutine waits for the job, "pool job"), inline elsewhere.
    /// `what` names the work on the thread that runs it (the watchdog's culprit). fn must own what
    /// it uses (captures by value): when the stream is cancelled during an offloaded job the
    /// coroutine stops waiting and returns a default value; the job finishes in the background
    /// and its result is dropped. Exceptions from fn propagate to the awaiting coroutine.
    template<typename Fn>
    QCoro::Task<std::invoke_result_t<Fn &>> blockingPart(Trace::NameId what, Fn fn);

    /// Runs fn(childContext) as a child coroutine with its own lane (parent: this stream), sharing
    /// this context's cancellation; see the table above for where it runs. fn must own its data.
    using ChildFunction = std::function<QCoro::Task<void>(ExecutionContext &)>;
    ChildTask spawn(const QString &name, ChildFunction fn);
    /// Waits for one child (not cancellable: a cancelled child ends promptly on its own).
    QCoro::Task<void> join(ChildTask child);
    /// Waits for every child of this context. Call before the coroutine returns.
    QCoro::Task<void> joinChildren();
    int liveChildren() const { return m_liveChildren; }

    /// This thread's services (pacer, ready queue, network manager).
    ThreadServices *services() const { return m_services; }

    /// Live coroutine contexts in the process, and the Process lane carrying workload counters.
    static int liveContexts();
    static Trace::LaneId processLane();

private:
    friend class PendingWait;
    friend class EventWait;
    /// A wait that stop() does not end (children see the same token and end on their own).
    EventWait waitUncancellable(EventSource &source, Trace::NameId what) noexcept
    {
        return EventWait(this, &source, PendingWait::NoDeadline, what, false);
    }
    void link(PendingWait *wait) noexcept;
    void unlink(PendingWait *wait) noexcept;
    void wakeAllForCancel();
    static void wakeAnchor(QObject *anchor);
    static QCoro::Task<void> runChild(Config config, ChildFunction fn, std::shared_ptr<ChildTask::State> state,
                                      QObject *parentAnchor, WorkerThread *thread);
    static void finishChild(QObject *parentAnchor, const std::shared_ptr<ChildTask::State> &state,
                            const QString &error);
    Config childConfig(const QString &name) const;

    template<typename R>
    class FutureSource final : public EventSource
    {
    public:
        explicit FutureSource(QFuture<R> future)
        {
            QObject::connect(&m_watcher, &QFutureWatcherBase::finished, &m_watcher, [this] { notify(); });
            m_watcher.setFuture(future);
        }
        ~FutureSource() override { m_watcher.disconnect(); }
        Q_DISABLE_COPY_MOVE(FutureSource)
        bool isFinished() const { return m_watcher.isFinished(); }

    private:
        QFutureWatcher<R> m_watcher;
    };

    static Trace::NameId s_sleepName;
    static Trace::NameId s_poolJobName;

    Model::ExecutionModel m_model;
    std::shared_ptr<CancelToken> m_cancel;
    QThreadPool *m_cpuPool;
    WorkerThreadPool *m_threadPool;
    Trace::LaneId m_streamLane;
    Trace::LaneId m_coroutineLane;
    QString m_group;
    ThreadServices *m_services;
    QObject *m_anchor;
    PendingWait *m_pending = nullptr; ///< intrusive list of pending waits (for cancellation)
    int m_liveChildren = 0;
    EventSource m_childrenSource;
};

template<typename Fn>
QCoro::Task<std::invoke_result_t<Fn &>> ExecutionContext::blockingPart(Trace::NameId what, Fn fn)
{
    using R = std::invoke_result_t<Fn &>;
    if (m_model == Model::ExecutionModel::Offload) {
        auto job = [fn = std::move(fn), what]() mutable -> R {
            Trace::TraceScope scope(what);
            return fn();
        };
        QFuture<R> future = m_cpuPool ? QtConcurrent::run(m_cpuPool, std::move(job))
                                      : QtConcurrent::run(std::move(job));
        FutureSource<R> source(future);
        while (!source.isFinished() && !isCancelled()) {
            const WaitOutcome outcome = co_await waitEvent(source, ExecutionClock::time_point::max(), s_poolJobName);
            if (outcome == WaitOutcome::Cancelled)
                break;
        }
        if constexpr (std::is_void_v<R>) {
            if (future.isFinished())
                future.waitForFinished(); // rethrows the job's exception
            co_return;
        } else {
            if (!future.isFinished())
                co_return R {};
            co_return future.result();
        }
    } else {
        Trace::TraceScope scope(what);
        if constexpr (std::is_void_v<R>) {
            fn();
            co_return;
        } else {
            co_return fn();
        }
    }
}

} // namespace Taskscope::Execution
