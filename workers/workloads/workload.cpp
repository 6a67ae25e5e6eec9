#include "workers/workloads/workload.h"

#include "model/trace/laneregistry.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracerecorder.h"
#include "workers/execution/executioncontext.h"
#include "workers/execution/workerthread.h"
#include "workers/execution/workerthreadpool.h"
#include "workers/workloads/workloadstatistics.h"

#include <QCoreApplication>
#include <QMetaObject>
#include <QMutex>
#include <QThread>

using Taskscope::Execution::CancelToken;
using Taskscope::Execution::ExecutionContext;
using Taskscope::Execution::WorkerThread;
using Taskscope::Execution::WorkerThreadPool;
using Taskscope::Model::ExecutionModel;
using Taskscope::Model::StreamStatistics;
using Taskscope::Model::WorkloadSpec;
using Taskscope::Trace::LaneId;
using Taskscope::Trace::LaneKind;
using Taskscope::Trace::LaneRegistry;
using Taskscope::Trace::NameId;
using Taskscope::Trace::NoLane;
using Taskscope::Trace::TraceNames;
using Taskscope::Trace::TraceRecorder;

namespace Taskscope::Workloads {

/// The bridge from streams (any thread) to their Workload (UI thread). Cut when the Workload goes.
class StreamLink final
{
public:
    explicit StreamLink(Workload *workload)
        : m_workload(workload)
    {
    }

    /// Runs fn(workload) on the workload's thread: directly when already there, else queued.
    template<typename Fn>
    void post(Fn fn)
    {
        QMutexLocker locker(&m_mutex);
        Workload *workload = m_workload;
        if (!workload)
            return;
        if (QThread::currentThread() == workload->thread()) {
            // Same thread as the workload: it cannot be deleted while we run; call without the lock
            // so fn may use the link again.
            locker.unlock();
            fn(workload);
            return;
        }
        QMetaObject::invokeMethod(
            workload, [workload, fn = std::move(fn)]() mutable { fn(workload); }, Qt::QueuedConnection);
    }

    void cut()
    {
        QMutexLocker locker(&m_mutex);
        m_workload = nullptr;
    }

    /// Streams still running (read by the workload's destructor after cut()).
    std::atomic<int> live {0};

private:
    QMutex m_mutex;
    Workload *m_workload;
};

// ---- StreamReporter ----------------------------------------------------------------------------

StreamReporter::StreamReporter(std::shared_ptr<StreamLink> link, int index, LaneId lane)
    : m_link(std::move(link))
    , m_index(index)
    , m_lane(lane)
{
}

StreamReporter::~StreamReporter() = default;

void StreamReporter::transcript(const QString &text, bool isFinal, double startS, double endS)
{
    const int index = m_index;
    m_link->post([=](Workload *w) { w->onTranscript(index, text, isFinal, startS, endS); });
}

void StreamReporter::token(const QString &text)
{
    const int index = m_index;
    m_link->post([=](Workload *w) { emit w->token(index, text); });
}

void StreamReporter::audioProgress(double sentS, double totalS)
{
    const int index = m_index;
    m_link->post([=](Workload *w) { emit w->audioProgress(index, sentS, totalS); });
}

void StreamReporter::progress(double fraction)
{
    const int index = m_index;
    m_link->post([=](Workload *w) { w->onProgress(index, fraction); });
}

void StreamReporter::statistics(const Model::StreamStatistics &stats, const StreamExtras &extras)
{
    const int index = m_index;
    m_link->post([=](Workload *w) { w->onStatistics(index, stats, extras); });
}

void StreamReporter::fail(const QString &reason)
{
    if (!m_error.isEmpty())
        return;
    m_error = reason.isEmpty() ? QStringLiteral("failed") : reason;
    const int index = m_index;
    const QString error = m_error;
    m_link->post([=](Workload *w) { w->onStreamFailed(index, error); });
}

void StreamReporter::finish(bool cancelled)
{
    const int index = m_index;
    m_link->post([=](Workload *w) { w->onStreamFinished(index, cancelled); });
}

// ---- Workload ----------------------------------------------------------------------------------

Workload::Workload(const WorkloadSpec &spec, const WorkloadEnvironment &env, QObject *parent)
    : QObject(parent)
    , m_spec(spec)
    , m_env(env)
    , m_link(std::make_shared<StreamLink>(this))
{
}

Workload::~Workload()
{
    m_link->cut();
    for (Stream &s : m_streams) {
        if (s.cancel)
            s.cancel->cancel();
    }
    // Thread-model streams: each WorkerThread waits (bounded) for its coroutine, then quits.
    for (Stream &s : m_streams)
        s.thread.reset();
    m_threadPool.reset();
}

QString Workload::toString(State state)
{
    switch (state) {
    case State::Idle:
        return QStringLiteral("idle");
    case State::Running:
        return QStringLiteral("running");
    case State::Stopping:
        return QStringLiteral("stopping");
    case State::Finished:
        return QStringLiteral("finished");
    case State::Stopped:
        return QStringLiteral("stopped");
    case State::Failed:
        return QStringLiteral("failed");
    }
    return {};
}

QString Workload::laneLabel() const
{
    return WorkloadSpec::toString(m_spec.kind);
}

void Workload::aggregate(WorkloadStatistics &) const { }

void Workload::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

double Workload::progress() const
{
    if (m_streams.empty())
        return m_state == State::Idle ? 0 : 1;
    double sum = 0;
    for (const Stream &s : m_streams) {
        if (s.progress < 0)
            return -1;
        sum += s.progress;
    }
    return sum / double(m_streams.size());
}

LaneId Workload::streamLane(int stream) const
{
    return stream >= 0 && stream < streamCount() ? m_streams[std::size_t(stream)].lane : NoLane;
}

QString Workload::streamError(int stream) const
{
    return stream >= 0 && stream < streamCount() ? m_streams[std::size_t(stream)].error : QString();
}

StreamResult Workload::streamStatistics(int stream) const
{
    if (stream < 0 || stream >= streamCount())
        return {};
    const Stream &s = m_streams[std::size_t(stream)];
    StreamResult r;
    r.index = stream;
    r.model = m_spec.model;
    r.state = s.running ? StreamResult::State::Running
                        : (s.error.isEmpty() ? StreamResult::State::Finished : StreamResult::State::Failed);
    r.error = s.error;
    r.figures = s.figures;
    r.extras = s.extras;
    return r;
}

StreamStatistics Workload::streamFigures(int stream) const
{
    return stream >= 0 && stream < streamCount() ? m_streams[std::size_t(stream)].figures : StreamStatistics();
}

StreamStatistics Workload::aggregateFigures() const
{
    StreamStatistics all;
    for (const Stream &s : m_streams)
        all.merge(s.figures);
    return all;
}

WorkloadStatistics Workload::statistics() const
{
    WorkloadStatistics o;
    o.kind = m_spec.kind;
    o.model = m_spec.model;
    o.state = m_state;
    o.error = m_error;
    o.streams.reserve(m_streams.size());
    for (int i = 0; i < streamCount(); ++i)
        o.streams.push_back(streamStatistics(i));
    o.aggregate = aggregateFigures();
    aggregate(o);
    return o;
}

void Workload::start()
{
    if (m_state != State::Idle)
        return;
    m_function = makeStream();
    const int count = std::max(1, m_spec.count);
    m_streams.resize(std::size_t(count));
    const QString model = WorkloadSpec::toString(m_spec.model);
    const QString label = m_spec.label.isEmpty() ? laneLabel() : m_spec.label;
    for (int i = 0; i < count; ++i) {
        Stream &s = m_streams[std::size_t(i)];
        s.lane = LaneRegistry::create(LaneKind::Stream, QStringLiteral("%1 #%2 · %3").arg(label).arg(i + 1).arg(model),
                                      WorkloadSpec::toString(m_spec.kind));
        s.cancel = CancelToken::create();
        s.running = true;
    }
    m_liveStreams = count;
    m_link->live.store(count);
    setState(State::Running);
    // Streams begin on the next turn of the loop, so whoever called start() sees Running first
    // (and, in the Blocking model, the freeze begins outside the caller's click handler).
    QMetaObject::invokeMethod(this, &Workload::launch, Qt::QueuedConnection);
}

void Workload::launch()
{
    if (m_stopRequested) {
        // Stopped before anything ran: end every stream as cancelled.
        for (int i = 0; i < streamCount(); ++i)
            onStreamFinished(i, true);
        return;
    }
    const QString model = WorkloadSpec::toString(m_spec.model);
    const QString label = m_spec.label.isEmpty() ? laneLabel() : m_spec.label;
    WorkerThreadPool *pool = nullptr;
    if (m_spec.model == ExecutionModel::Thread) {
        m_threadPool = m_env.threadPool
            ? m_env.threadPool
            : std::make_shared<WorkerThreadPool>(m_env.threadPoolSize, QStringLiteral("%1 pool").arg(label));
        pool = m_threadPool.get();
    }
    for (int i = 0; i < streamCount(); ++i) {
        Stream &s = m_streams[std::size_t(i)];
        StreamHandle handle;
        handle.index = i;
        handle.spec = m_spec;
        handle.env = m_env;
        const QString coroutineName = QStringLiteral("%1 #%2").arg(label).arg(i + 1);
        if (m_spec.model == ExecutionModel::Thread) {
            s.thread = std::make_unique<WorkerThread>(QStringLiteral("%1 #%2 · %3").arg(label).arg(i + 1).arg(model));
            WorkerThread *thread = s.thread.get();
            thread->taskStarted();
            StreamFunction fn = m_function;
            std::shared_ptr<StreamLink> link = m_link;
            std::shared_ptr<CancelToken> cancel = s.cancel;
            const LaneId lane = s.lane;
            thread->post([fn, handle, link, cancel, lane, coroutineName, pool, thread] {
                runStream(fn, handle, link, cancel, lane, coroutineName, pool, thread);
            });
        } else {
            // Eager: runs to its first suspension (Blocking: to its end) right here.
            runStream(m_function, handle, m_link, s.cancel, s.lane, coroutineName, nullptr, nullptr);
            if (m_stopRequested && m_spec.model == ExecutionModel::Blocking) {
                // stop() arrived while a blocking stream held the thread (from another thread or a
                // nested loop): do not start the rest.
                for (int j = i + 1; j < streamCount(); ++j)
                    m_streams[std::size_t(j)].cancel->cancel();
            }
        }
    }
}

QCoro::Task<void> Workload::runStream(StreamFunction fn, StreamHandle handle, std::shared_ptr<StreamLink> link,
                                      std::shared_ptr<CancelToken> cancel, LaneId lane, QString coroutineName,
                                      WorkerThreadPool *pool, WorkerThread *thread)
{
    static const NameId streamName = TraceNames::intern("stream");
    bool cancelled = false;
    {
        StreamReporter reporter(link, handle.index, lane);
        ExecutionContext::Config config;
        config.model = handle.spec.model;
        config.cancel = cancel;
        config.cpuPool = handle.env.cpuPool;
        config.threadPool = pool;
        config.streamLane = lane;
        config.coroutineName = coroutineName;
        config.group = WorkloadSpec::toString(handle.spec.kind);
        ExecutionContext ctx(std::move(config));
        handle.ctx = &ctx;
        handle.report = &reporter;
        TraceRecorder::begin(lane, streamName);
        try {
            co_await fn(handle);
        } catch (const std::exception &e) {
            reporter.fail(QStringLiteral("unexpected error: %1").arg(QString::fromUtf8(e.what())));
        } catch (...) {
            reporter.fail(QStringLiteral("unexpected error"));
        }
        try {
            co_await ctx.joinChildren();
        } catch (...) {
        }
        cancelled = ctx.isCancelled();
        if (reporter.hasFailed()) {
            const QString reason = handle.env.redact(reporter.error());
            TraceRecorder::instant(lane, TraceNames::intern(QStringLiteral("failed: %1").arg(reason)));
        }
        TraceRecorder::end(lane, streamName);
        LaneRegistry::end(lane);
        reporter.finish(cancelled);
    }
    link->live.fetch_sub(1);
    if (thread)
        thread->taskFinished();
}

void Workload::stop()
{
    if (m_state == State::Idle) {
        setState(State::Stopped);
        emit finished();
        return;
    }
    if (m_state != State::Running)
        return;
    m_stopRequested = true;
    setState(State::Stopping);
    for (Stream &s : m_streams) {
        if (s.running)
            s.cancel->cancel();
    }
}

void Workload::cancelFromAnyThread()
{
    // m_streams is only resized by start() on the UI thread, before any stream runs.
    for (Stream &s : m_streams) {
        if (s.cancel)
            s.cancel->cancel();
    }
}

void Workload::onTranscript(int stream, const QString &text, bool isFinal, double startS, double endS)
{
    emit transcript(stream, text, isFinal, startS, endS);
}

void Workload::onProgress(int stream, double fraction)
{
    if (stream < 0 || stream >= streamCount())
        return;
    m_streams[std::size_t(stream)].progress = fraction;
    emit progressChanged(progress());
}

void Workload::onStatistics(int stream, const Model::StreamStatistics &stats, const StreamExtras &extras)
{
    if (stream < 0 || stream >= streamCount())
        return;
    m_streams[std::size_t(stream)].figures = stats;
    m_streams[std::size_t(stream)].extras = extras;
    emit statisticsChanged(stream);
}

void Workload::onStreamFailed(int stream, const QString &reason)
{
    if (stream < 0 || stream >= streamCount())
        return;
    Stream &s = m_streams[std::size_t(stream)];
    if (s.error.isEmpty())
        s.error = m_env.redact(reason);
}

void Workload::onStreamFinished(int stream, bool cancelled)
{
    if (stream < 0 || stream >= streamCount())
        return;
    Stream &s = m_streams[std::size_t(stream)];
    if (!s.running)
        return;
    s.running = false;
    m_anyCancelled |= cancelled;
    if (s.progress >= 0 && s.error.isEmpty() && !cancelled)
        s.progress = 1;
    --m_liveStreams;
    emit streamFinished(stream, s.error.isEmpty(), s.error);
    emit progressChanged(progress());
    if (m_liveStreams > 0)
        return;
    for (int i = 0; i < streamCount(); ++i) {
        const QString &error = m_streams[std::size_t(i)].error;
        if (!error.isEmpty()) {
            m_error = streamCount() == 1 ? error : QStringLiteral("stream %1: %2").arg(i + 1).arg(error);
            break;
        }
    }
    // Worker threads have nothing left to run; let them go now rather than with the workload.
    for (Stream &st : m_streams)
        st.thread.reset();
    if (!m_error.isEmpty())
        setState(State::Failed);
    else
        setState(m_stopRequested || m_anyCancelled ? State::Stopped : State::Finished);
    emit finished();
}

} // namespace Taskscope::Workloads
