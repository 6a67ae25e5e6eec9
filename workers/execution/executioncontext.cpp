#include "workers/execution/executioncontext.h"

#include "model/trace/laneregistry.h"
#include "model/trace/traceclock.h"
#include "model/trace/tracenames.h"
#include "workers/execution/threadservices.h"
#include "workers/execution/workerthread.h"
#include "workers/execution/workerthreadpool.h"

#include <QCoreApplication>
#include <QMetaObject>
#include <QObject>
#include <QThread>

#include <cerrno>
#include <ctime>

using Taskscope::Model::ExecutionModel;
using Taskscope::Trace::CoroutineState;
using Taskscope::Trace::LaneId;
using Taskscope::Trace::LaneKind;
using Taskscope::Trace::LaneRegistry;
using Taskscope::Trace::NameId;
using Taskscope::Trace::TraceClock;
using Taskscope::Trace::TraceNames;
using Taskscope::Trace::TraceRecorder;

namespace Taskscope::Execution {

namespace {

std::atomic<int> s_liveContexts {0};

NameId liveCoroutinesName()
{
    static const NameId id = TraceNames::intern("live coroutines");
    return id;
}

// Lets a queued call reach a context on its own thread, and be dropped once the context is gone.
class ContextAnchor final : public QObject
{
public:
    explicit ContextAnchor(ExecutionContext *context)
        : context(context)
    {
    }
    ExecutionContext *context;
};

} // namespace

NameId ExecutionContext::s_sleepName = TraceNames::intern("sleep");
NameId ExecutionContext::s_poolJobName = TraceNames::intern("pool job");

// ---- PendingWait -------------------------------------------------------------------------------

void PendingWait::wake(WaitOutcome outcome, std::uint64_t readyTicks, bool resumeNow) noexcept
{
    if (m_outcome != WaitOutcome::Pending || !m_handle)
        return;
    m_outcome = outcome;
    if (m_source && m_source->m_waiter == this)
        m_source->m_waiter = nullptr;
    if (m_heapIndex >= 0)
        m_context->services()->pacer().remove(this);
    m_context->unlink(this);
    TraceRecorder::coroutineStateAt(m_context->coroutineLane(), CoroutineState::Ready, m_what, readyTicks);
    if (resumeNow)
        resume();
    else
        m_context->services()->post(this);
}

void PendingWait::resume() noexcept
{
    TraceRecorder::coroutineState(m_context->coroutineLane(), CoroutineState::Running);
    // The frame holding *this may be gone once resume() returns.
    const std::coroutine_handle<> handle = m_handle;
    handle.resume();
}

// ---- ExecutionContext --------------------------------------------------------------------------

ExecutionContext::ExecutionContext(Config config)
    : m_model(config.model)
    , m_cancel(config.cancel ? std::move(config.cancel) : CancelToken::create())
    , m_cpuPool(config.cpuPool)
    , m_threadPool(config.threadPool)
    , m_streamLane(config.streamLane)
    , m_group(std::move(config.group))
    , m_services(ThreadServices::current())
    , m_anchor(new ContextAnchor(this))
{
    // The thread's lane first, then its coroutine's: a thread exists before what it runs (and the
    // store sees lane ids in that order).
    TraceRecorder::threadLane();
    m_coroutineLane = LaneRegistry::create(
        LaneKind::Coroutine, config.coroutineName.isEmpty() ? QStringLiteral("coroutine") : config.coroutineName,
        m_group, m_streamLane);
    TraceRecorder::coroutineState(m_coroutineLane, CoroutineState::Running);
    m_cancel->attach(m_anchor, &ExecutionContext::wakeAnchor);
    const int live = s_liveContexts.fetch_add(1, std::memory_order_relaxed) + 1;
    TraceRecorder::counter(processLane(), liveCoroutinesName(), live);
}

ExecutionContext::~ExecutionContext()
{
    Q_ASSERT_X(!m_pending, "ExecutionContext", "destroyed with a coroutine still suspended on it");
    Q_ASSERT_X(m_liveChildren == 0, "ExecutionContext", "destroyed before joinChildren()");
    m_cancel->detach(m_anchor);
    delete m_anchor;
    TraceRecorder::coroutineState(m_coroutineLane, CoroutineState::Finished);
    LaneRegistry::end(m_coroutineLane);
    const int live = s_liveContexts.fetch_sub(1, std::memory_order_relaxed) - 1;
    TraceRecorder::counter(processLane(), liveCoroutinesName(), live);
}

int ExecutionContext::liveContexts()
{
    return s_liveContexts.load(std::memory_order_relaxed);
}

LaneId ExecutionContext::processLane()
{
    static const LaneId lane = LaneRegistry::create(LaneKind::Process, QStringLiteral("workloads"));
    return lane;
}

qint64 ExecutionContext::nowNs() noexcept
{
    return ExecutionClock::toNs(ExecutionClock::now());
}

bool ExecutionContext::blockingSleepUntil(qint64 deadlineNs, const std::atomic<bool> &cancelled)
{
    constexpr qint64 SliceNs = 50'000'000;
    for (;;) {
        if (cancelled.load(std::memory_order_acquire))
            return false;
        const qint64 remaining = deadlineNs == PendingWait::NoDeadline ? SliceNs : deadlineNs - nowNs();
        if (remaining <= 0)
            return true;
        const qint64 slice = std::min(remaining, SliceNs);
        timespec ts {};
        ts.tv_sec = time_t(slice / 1'000'000'000);
        ts.tv_nsec = long(slice % 1'000'000'000);
        while (::nanosleep(&ts, &ts) < 0 && errno == EINTR) { }
    }
}

void ExecutionContext::link(PendingWait *wait) noexcept
{
    wait->m_prev = nullptr;
    wait->m_next = m_pending;
    if (m_pending)
        m_pending->m_prev = wait;
    m_pending = wait;
    wait->m_linked = true;
}

void ExecutionContext::unlink(PendingWait *wait) noexcept
{
    if (!wait->m_linked)
        return;
    if (wait->m_prev)
        wait->m_prev->m_next = wait->m_next;
    else
        m_pending = wait->m_next;
    if (wait->m_next)
        wait->m_next->m_prev = wait->m_prev;
    wait->m_prev = wait->m_next = nullptr;
    wait->m_linked = false;
}

void ExecutionContext::wakeAnchor(QObject *anchor)
{
    static_cast<ContextAnchor *>(anchor)->context->wakeAllForCancel();
}

void ExecutionContext::wakeAllForCancel()
{
    const std::uint64_t now = TraceClock::ticks();
    while (m_pending)
        m_pending->wake(WaitOutcome::Cancelled, now, false); // unlinks itself
}

// ---- children ----------------------------------------------------------------------------------

ExecutionContext::Config ExecutionContext::childConfig(const QString &name) const
{
    Config config;
    config.model = m_model;
    config.cancel = m_cancel;
    config.cpuPool = m_cpuPool;
    config.threadPool = m_threadPool;
    config.streamLane = m_streamLane;
    config.coroutineName = name;
    config.group = m_group;
    return config;
}

ChildTask ExecutionContext::spawn(const QString &name, ChildFunction fn)
{
    ChildTask child {std::make_shared<ChildTask::State>()};
    ++m_liveChildren;
    Config config = childConfig(name);
    if (m_model == ExecutionModel::Thread && m_threadPool) {
        std::shared_ptr<ChildTask::State> state = child.state;
        QObject *parentAnchor = m_anchor;
        m_threadPool->postTask([config, fn = std::move(fn), state, parentAnchor](WorkerThread &thread) mutable {
            runChild(std::move(config), std::move(fn), std::move(state), parentAnchor, &thread);
        });
    } else {
        // Eager: runs until its first suspension (in Blocking: to completion).
        runChild(std::move(config), std::move(fn), child.state, m_anchor, nullptr);
    }
    return child;
}

QCoro::Task<void> ExecutionContext::runChild(Config config, ChildFunction fn, std::shared_ptr<ChildTask::State> state,
                                             QObject *parentAnchor, WorkerThread *thread)
{
    QString error;
    {
        ExecutionContext context(std::move(config));
        try {
            co_await fn(context);
        } catch (const std::exception &e) {
            error = QString::fromUtf8(e.what());
        } catch (...) {
            error = QStringLiteral("unknown exception");
        }
        try {
            co_await context.joinChildren();
        } catch (...) {
        }
    }
    finishChild(parentAnchor, state, error);
    if (thread)
        thread->taskFinished();
}

void ExecutionContext::finishChild(QObject *parentAnchor, const std::shared_ptr<ChildTask::State> &state,
                                   const QString &error)
{
    state->error = error;
    state->done.store(true, std::memory_order_release);
    // The parent waits for every child before its context (and anchor) goes away, so the anchor is
    // alive here. Queued even on the same thread: the parent must not resume inside the child.
    QMetaObject::invokeMethod(
        parentAnchor,
        [parentAnchor] {
            ExecutionContext *parent = static_cast<ContextAnchor *>(parentAnchor)->context;
            --parent->m_liveChildren;
            parent->m_childrenSource.notify();
        },
        Qt::QueuedConnection);
}

QCoro::Task<void> ExecutionContext::join(ChildTask child)
{
    static const NameId what = TraceNames::intern("join child");
    while (!child.isDone())
        co_await waitUncancellable(m_childrenSource, what);
    // The completion call is queued after `done`; wait for it too so liveChildren() is exact.
    while (m_childrenSource.consumeSignal()) { }
}

QCoro::Task<void> ExecutionContext::joinChildren()
{
    static const NameId what = TraceNames::intern("join children");
    if (blocksThread()) {
        // Blocking children ran to completion inside spawn(); only their queued notes remain.
        QCoreApplication::sendPostedEvents(m_anchor);
        if (m_liveChildren > 0)
            qWarning("ExecutionContext: %d blocking children did not complete synchronously", m_liveChildren);
        co_return;
    }
    while (m_liveChildren > 0)
        co_await waitUncancellable(m_childrenSource, what);
}

} // namespace Taskscope::Execution
