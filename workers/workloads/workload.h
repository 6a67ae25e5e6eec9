#pragma once

#include "model/streamstatistics.h"
#include "model/trace/tracetypes.h"
#include "model/workloadspec.h"
#include "workers/execution/canceltoken.h"
#include "workers/workloads/streamresult.h"
#include "workers/workloads/workloadenvironment.h"

#include <QList>
#include <QObject>
#include <QString>
#include <qcoro/qcorotask.h>

#include <functional>
#include <memory>
#include <vector>

namespace Taskscope::Execution {
class ExecutionContext;
class WorkerThread;
class WorkerThreadPool;
} // namespace Taskscope::Execution

namespace Taskscope::Workloads {

class StreamLink;
class WorkloadStatistics;

/// What one stream reports to its Workload. Lives in the stream's coroutine frame and is used on
/// the stream's thread (a worker thread in the Thread model); everything it reports reaches the
/// Workload on the UI thread (directly when already there, queued otherwise), and is dropped
/// quietly once the Workload is gone.
class StreamReporter final
{
public:
    StreamReporter(std::shared_ptr<StreamLink> link, int index, Trace::LaneId lane);
    ~StreamReporter();
    Q_DISABLE_COPY_MOVE(StreamReporter)

    int index() const { return m_index; }
    Trace::LaneId lane() const { return m_lane; }

    void transcript(const QString &text, bool isFinal, double startS, double endS);
    void token(const QString &text);
    void audioProgress(double sentS, double totalS);
    /// 0..1, or -1 when the stream cannot tell (indeterminate).
    void progress(double fraction);
    /// The stream's latest statistics and its workload kind's extras (e.g. the transcript so far).
    /// Cheap to call (histograms are shared, copy-on-write); publish every few hundred ms and at the end.
    void statistics(const Model::StreamStatistics &stats, const StreamExtras &extras = {});
    /// Marks the stream failed with a clear reason (the first reason is kept). The coroutine
    /// should then return; the stream is shown failed on the timeline and the workload goes on.
    void fail(const QString &reason);
    bool hasFailed() const { return !m_error.isEmpty(); }
    QString error() const { return m_error; }

    /// Used by the stream runner when the coroutine has returned.
    void finish(bool cancelled);

private:
    std::shared_ptr<StreamLink> m_link;
    int m_index;
    Trace::LaneId m_lane;
    QString m_error;
};

/// What a stream coroutine gets: its execution context, its reporter, and copies of the spec and
/// environment. The pointers stay valid until the coroutine returns.
struct StreamHandle
{
    Execution::ExecutionContext *ctx = nullptr;
    StreamReporter *report = nullptr;
    int index = 0;
    Model::WorkloadSpec spec;
    WorkloadEnvironment env;
};

/// One task of the stream panel or a scenario: `spec.count` streams of one workload in one
/// execution model. Lives on the UI thread; the app and the headless runner drive it.
///
/// Writing a workload (see tests/workers/tst_workload.cpp for a complete small one):
///
///     class EchoWorkload final : public Workload {
///     public:
///         using Workload::Workload;
///     protected:
///         StreamFunction makeStream() override { return [](StreamHandle s) { return run(std::move(s)); }; }
///     private:
///         static QCoro::Task<void> run(StreamHandle s) {      // parameters by value
///             ExecutionContext &ctx = *s.ctx;
///             auto call = createHttpCall(ctx);
///             call->start({"GET", s.env.baseUrlFor(s.spec).resolved(QUrl("/v1/echo"))});
///             const QByteArray body = co_await call->readAll(10s);
///             if (ctx.isCancelled()) co_return;                   // stop(): leave promptly
///             if (!call->succeeded() || call->status() != 200) { s.report->fail(...); co_return; }
///             s.report->statistics(...);
///         }
///     };
///
/// and add it to createWorkload() (workloadfactory.cpp).
///
/// A subclass supplies the stream implementation once (makeStream), written against
/// ExecutionContext, and the base runs it in the spec's model:
/// - Thread: one WorkerThread per stream (its own event loop, Pacer and transports);
///   spawn() inside a stream uses the environment's WorkerThreadPool;
/// - Coroutine / Offload / Blocking: on the UI thread (the context's primitives differ).
/// start() returns at once; streams begin on the next turn of the event loop (in the Blocking model
/// they then run one after another, freezing the UI thread: that is the point).
///
/// stop() cancels every stream (each ends promptly: pending awaits wake with Cancelled); finished()
/// follows once all have ended. A failing stream marks itself failed (on the timeline too) and the
/// others go on; the workload ends Failed with the first stream's reason. Deleting a running workload
/// cancels it; its streams end on their own shortly after (they never touch the Workload object),
/// and thread-model streams are waited for (bounded).
class Workload : public QObject
{
    Q_OBJECT
public:
    enum class State { Idle, Running, Stopping, Finished, Stopped, Failed };
    Q_ENUM(State)

    Workload(const Model::WorkloadSpec &spec, const WorkloadEnvironment &env, QObject *parent = nullptr);
    ~Workload() override;
    Q_DISABLE_COPY_MOVE(Workload)

    void start();
    void stop();
    /// Thread-safe: cancels every stream, e.g. from a watchdog while a Blocking stream holds the UI
    /// thread (its waits poll the flag at least every 50 ms). The workload then ends Stopped.
    void cancelFromAnyThread();

    State state() const { return m_state; }
    bool isActive() const { return m_state == State::Running || m_state == State::Stopping; }
    /// 0..1 (mean over streams), or -1 when indeterminate.
    double progress() const;
    /// Why the workload failed ("stream 3: ...", keys redacted), else empty.
    QString errorString() const { return m_error; }
    const Model::WorkloadSpec &spec() const { return m_spec; }
    const WorkloadEnvironment &environment() const { return m_env; }
    int streamCount() const { return int(m_streams.size()); }
    int liveStreams() const { return m_liveStreams; }
    Trace::LaneId streamLane(int stream) const;
    QString streamError(int stream) const;

    /// A stream's latest figures, extras and state (an empty result for an index out of range).
    StreamResult streamStatistics(int stream) const;
    /// The stream's figures alone (for merging elsewhere).
    Model::StreamStatistics streamFigures(int stream) const;
    /// Every stream's figures and extras, their merge and the kind's rates (workloadstatistics.h).
    WorkloadStatistics statistics() const;
    Model::StreamStatistics aggregateFigures() const;

    static QString toString(State state);

signals:
    void stateChanged(Workload::State state);
    void progressChanged(double progress);
    void transcript(int stream, const QString &text, bool isFinal, double startS, double endS);
    void token(int stream, const QString &text);
    void audioProgress(int stream, double sentS, double totalS);
    void statisticsChanged(int stream);
    void streamFinished(int stream, bool ok, const QString &error);
    /// Every stream has ended; state() says how.
    void finished();

protected:
    using StreamFunction = std::function<QCoro::Task<void>(StreamHandle)>;
    /// The stream implementation, called once by start() on the UI thread. The function must not
    /// reference this Workload (streams may outlive it briefly after it is deleted): capture what
    /// it needs by value (shared_ptr for shared data) and take everything else from StreamHandle.
    virtual StreamFunction makeStream() = 0;
    /// Short name for lanes, e.g. "live" gives "live #3 · coroutine". Default: the workload kind.
    virtual QString laneLabel() const;
    /// Adds workload-specific figures (rates over the streams) to statistics().
    virtual void aggregate(WorkloadStatistics &statistics) const;

private:
    friend class StreamReporter;
    friend class StreamLink;
    struct Stream
    {
        Trace::LaneId lane = Trace::NoLane;
        std::shared_ptr<Execution::CancelToken> cancel;
        std::unique_ptr<Execution::WorkerThread> thread;
        bool running = false;
        double progress = 0;
        QString error;
        Model::StreamStatistics figures;
        StreamExtras extras;
    };

    static QCoro::Task<void> runStream(StreamFunction fn, StreamHandle handle, std::shared_ptr<StreamLink> link,
                                       std::shared_ptr<Execution::CancelToken> cancel, Trace::LaneId lane,
                                       QString coroutineName, Execution::WorkerThreadPool *pool,
                                       Execution::WorkerThread *thread);
    void launch();
    void onTranscript(int stream, const QString &text, bool isFinal, double startS, double endS);
    void onProgress(int stream, double fraction);
    void onStatistics(int stream, const Model::StreamStatistics &stats, const StreamExtras &extras);
    void onStreamFailed(int stream, const QString &reason);
    void onStreamFinished(int stream, bool cancelled);
    void setState(State state);

    Model::WorkloadSpec m_spec;
    WorkloadEnvironment m_env;
    std::shared_ptr<StreamLink> m_link;
    std::shared_ptr<Execution::WorkerThreadPool> m_threadPool;
    std::vector<Stream> m_streams;
    StreamFunction m_function;
    State m_state = State::Idle;
    QString m_error;
    int m_liveStreams = 0;
    bool m_stopRequested = false;
    bool m_anyCancelled = false;
};

} // namespace Taskscope::Workloads
