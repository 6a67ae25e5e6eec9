#pragma once

#include "app/scenario/workloadsummary.h"
#include "model/appsettings.h"
#include "model/streamstatistics.h"
#include "model/tasklistmodel.h"
#include "model/workloadspec.h"
#include "workers/workloads/workload.h"
#include "workers/workloads/workloadenvironment.h"
#include "workers/workloads/workloadstatistics.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

#include <map>
#include <memory>
#include <optional>

class QThreadPool;
namespace Taskscope::Execution {
class WorkerThreadPool;
} // namespace Taskscope::Execution
namespace Taskscope::Model {
class MetricsSeries;
class TranscriptModel;
} // namespace Taskscope::Model

namespace Taskscope::Gui {

/// Runs the workloads the window asks for: the stream panel's Start (and a scenario's entries) make
/// one Workload each (createWorkload), shown as one task row; Stop / Stop all stop them.
///
/// What the workloads report reaches the window's models at the window's pace, however many
/// streams run: transcripts and tokens are coalesced and written once per frame (flushFrame(), the
/// app calls it from the frame timer), progress and statistics are polled a few times a second.
/// Finished tasks stay listed with their final figures; a workload that cannot start, or fails,
/// shows Failed with the reason and nothing else is disturbed.
///
/// Workloads on the built-in service wait for it when it is still starting (their row says so) and
/// fail with its error if it does not start. Keys come from the settings, else the environment
/// (DEEPGRAM_API_KEY, OPENAI_API_KEY); they go into the WorkloadEnvironment only, never a spec.
class WorkloadController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WorkloadController)

public:
    static constexpr int PollIntervalMs = 250; ///< progress, figures
    static constexpr int MetricsIntervalMs = 500; ///< chart samples
    static constexpr int MaxFinishedWithStreams = 16; ///< finished tasks that keep per-stream figures
    static constexpr int MaxTranscriptRowsUpFront = 64; ///< rows made at start (more come with their text)

    WorkloadController(Model::TaskListModel *tasks, Model::TranscriptModel *transcripts, Model::MetricsSeries *metrics,
                       QObject *parent = nullptr);
    ~WorkloadController() override;

    /// Keys and the shared pools come from here; the loopback URL from setLoopbackUrl().
    void applySettings(const Model::AppSettings &settings);
    /// The built-in service is up: workloads waiting for it start now.
    void setLoopbackUrl(const QUrl &url);
    /// The built-in service did not start: waiting workloads fail with `error`.
    void setLoopbackFailed(const QString &error);
    QUrl loopbackUrl() const { return m_env.loopbackBaseUrl; }
    const Taskscope::Workloads::WorkloadEnvironment &environment() const { return m_env; }

    /// Starts a workload; returns its task id (the row exists even when it failed to start).
    quint64 start(const Model::WorkloadSpec &spec);
    void stop(quint64 taskId);
    void stopAll();
    /// For closing: stops everything (cancelling from any thread too), then runs the event loop
    /// until every workload has ended or `timeoutMs` passed, then deletes them all (thread-model
    /// streams are joined, bounded). Returns how many had not ended in time.
    int shutdown(int timeoutMs);

    /// Writes the transcripts and tokens that arrived since the last frame into the model.
    void flushFrame();
    /// Progress, figures and chart samples now (the timers call this).
    void poll();

    int activeCount() const;
    /// Streams still running over all workloads.
    int liveStreams() const;
    int taskCount() const { return int(m_tasks.size()); }
    /// The live workload of a task (null once it has ended and been released).
    Taskscope::Workloads::Workload *workload(quint64 taskId) const;
    Model::TaskRow::Status status(quint64 taskId) const;
    /// Each task: id, label, spec, status, times, error, summary and statistics (for the report).
    QJsonArray tasksJson() const;
    /// The streams' transcript row id in the TranscriptModel.
    static quint64 transcriptStreamId(quint64 taskId, int stream) { return (taskId << 16) | quint64(stream & 0xffff); }

Q_SIGNALS:
    void taskStarted(quint64 taskId);
    void taskEnded(quint64 taskId, Model::TaskRow::Status status);
    /// Something the stream panel's status line should say.
    void statusMessage(const QString &text, bool warning);
    void activeCountChanged(int active);

private:
    struct PendingText
    {
        QString interim;
        bool hasInterim = false;
        QStringList finals;
        QString tokens;
        int tokenCount = 0;
    };
    struct Task
    {
        quint64 id = 0;
        Model::WorkloadSpec spec;
        QString label;
        QPointer<Taskscope::Workloads::Workload> workload;
        bool waitingForService = false;
        Model::TaskRow::Status status = Model::TaskRow::Status::Starting;
        qint64 startedNs = 0;
        qint64 endedNs = -1;
        QString error;
        int streamErrors = 0;
        double shownProgress = -2;
        QString figures;
        std::optional<Taskscope::Workloads::WorkloadStatistics> finalStatistics; ///< captured when it ended
        Taskscope::Scenarios::WorkloadSummary summary; ///< of finalStatistics
        qint64 finalTokens = 0;
        QHash<int, bool> transcriptRows; ///< streams that have a transcript row
    };

    void launch(Task &task);
    void fail(Task &task, const QString &reason);
    void onStateChanged(quint64 id, Taskscope::Workloads::Workload::State state);
    void onFinished(quint64 id);
    void onStreamFinished(quint64 id, int stream, bool ok, const QString &error);
    void onTranscript(quint64 id, int stream, const QString &text, bool isFinal);
    void onToken(quint64 id, int stream, const QString &text);
    void ensureTranscriptRow(Task &task, int stream);
    void sampleMetrics(qint64 nowNs);
    void trimFinishedStatistics();
    void updateFigures(Task &task, const Taskscope::Scenarios::WorkloadSummary &summary);
    Task *find(quint64 id);
    const Task *find(quint64 id) const;
    static QString labelFor(const Model::WorkloadSpec &spec);
    static QString figuresText(const Model::WorkloadSpec &spec, const Taskscope::Scenarios::WorkloadSummary &summary);
    static Model::TaskRow::Status toStatus(Taskscope::Workloads::Workload::State state);

    Model::TaskListModel *m_taskModel;
    Model::TranscriptModel *m_transcripts;
    Model::MetricsSeries *m_metrics;
    Taskscope::Workloads::WorkloadEnvironment m_env;
    bool m_serviceFailed = false;
    QString m_serviceError;
    std::unique_ptr<QThreadPool> m_cpuPool;
    std::shared_ptr<Execution::WorkerThreadPool> m_threadPool;

    std::map<quint64, Task> m_tasks; ///< by id, oldest first
    quint64 m_nextId = 1;
    std::map<quint64, PendingText> m_pending; ///< by transcript stream id
    QTimer m_pollTimer;
    qint64 m_lastMetricsNs = 0;
    qint64 m_lastTokensTotal = -1;
    qint64 m_lastTokensNs = 0;
    int m_lastActive = 0;
};

} // namespace Taskscope::Gui
