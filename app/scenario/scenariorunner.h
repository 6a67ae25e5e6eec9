#pragma once

#include "app/scenario/processusage.h"
#include "app/scenario/scenario.h"
#include "app/scenario/scenarioschedule.h"
#include "workers/workloads/workloadenvironment.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <optional>
#include <vector>

namespace Taskscope::Workloads {
class Workload;
}
class QAbstractItemModel;
namespace Taskscope::Trace {
class TraceStore;
} // namespace Taskscope::Trace

namespace Taskscope::Scenarios {

/// Runs one pass of a scenario on the calling (main) thread's event loop: creates every workload
/// (all of them first, so a spec that cannot run is reported before anything starts), starts and
/// stops them as the shared ScenarioSchedule says (offsets, stopAfterS, the scenario's duration as a
/// normal end and its timeout as a failure) or on interrupt(), drains the trace recorder into the store on
/// a timer, samples the process's memory, and when every workload has ended builds the run's JSON
/// (result()): per workload its spec, Workload::statistics() (every stream and the aggregate) and a
/// summary; the process's CPU and memory; trace drop counts; errors; alerts.
///
/// Alerts: the runner reads alerts from an optional source when a run ends -- a model whose rows
/// carry each alert's JSON under `jsonRole` (the watchdog's AlertListModel and its JsonRole), and/or
/// any number of producer functions. Only rows added during the run are taken.
class ScenarioRunner final : public QObject
{
    Q_OBJECT
public:
    enum class End { Completed, Duration, Timeout, Interrupted, StartFailed };
    Q_ENUM(End)

    struct Progress
    {
        double elapsedS = 0;
        int liveStreams = 0;
        int finishedStreams = 0;
        int failedStreams = 0;
        int totalStreams = 0;
        int runningWorkloads = 0;
    };

    /// `store` receives the trace (may be null: events are then drained and dropped).
    ScenarioRunner(Scenario scenario, Workloads::WorkloadEnvironment environment, Trace::TraceStore *store,
                   QObject *parent = nullptr);
    ~ScenarioRunner() override;
    Q_DISABLE_COPY_MOVE(ScenarioRunner)

    /// Runs every workload in this model instead of its own (--compare).
    void setModelOverride(std::optional<Model::ExecutionModel> model) { m_modelOverride = model; }
    /// CPU of an external service (ns so far, -1 unknown), reported beside the client's.
    void setServiceCpuSource(std::function<qint64()> source) { m_serviceCpu = std::move(source); }
    /// The watchdog hook (see the class comment).
    void setAlertSource(QAbstractItemModel *model, int jsonRole);
    void addAlertProducer(std::function<QList<QJsonObject>()> producer);
    /// Called when the run ends, before the alerts are collected: it calls its argument once every
    /// alert raised or updated up to then has reached the alert source (e.g. UiWatchdog::settle).
    void setAlertSettler(std::function<void(std::function<void()>)> settler) { m_alertSettler = std::move(settler); }

    /// Creates the workloads. False with *error when one cannot run (names the workload entry).
    bool prepare(QString *error);
    /// Starts the pass (after prepare()). finished() follows.
    void start();
    /// Stops every workload now (Ctrl-C); the run ends as Interrupted once they have ended.
    void interrupt();

    bool isFinished() const { return m_resultComplete; }
    End end() const { return m_end; }
    /// True when the pass ended without a failed workload, timeout or start failure.
    bool succeeded() const;
    QJsonObject result() const { return m_result; }
    Progress progress() const;

    static QString toString(End end);

signals:
    void finished();

private:
    struct Slot
    {
        Scenario::Entry entry;
        QPointer<Workloads::Workload> workload;
        bool started = false;
        bool done = false;
        qint64 startedNs = -1;
        qint64 endedNs = -1;
        int finishedStreams = 0;
        int failedStreams = 0;
    };

    void startSlot(int index);
    void onWorkloadFinished(int index);
    void stopAll(End reason);
    void tick();
    void drain();
    /// Memory held by the trace (recorder buffers and the store).
    qint64 traceBytes() const;
    void finalize();
    QJsonObject slotReport(std::size_t i, qint64 endNs, double *streamSeconds, QStringList *errors,
                           bool *anyFailed) const;
    QJsonObject processReport(const ProcessUsage &usage, double streamSeconds) const;
    QJsonObject traceReport() const;
    void completeWithAlerts();
    QJsonArray collectAlerts() const;
    static qint64 nowNs();

    Scenario m_scenario;
    Workloads::WorkloadEnvironment m_env;
    Trace::TraceStore *m_store;
    std::optional<Model::ExecutionModel> m_modelOverride;
    std::function<qint64()> m_serviceCpu;
    QPointer<QAbstractItemModel> m_alertModel;
    int m_alertJsonRole = 0;
    int m_alertRowsAtStart = 0;
    QList<std::function<QList<QJsonObject>()>> m_alertProducers;
    std::function<void(std::function<void()>)> m_alertSettler;

    std::vector<Slot> m_slots;
    ScenarioSchedule m_schedule;
    QTimer m_tickTimer;
    QTimer m_drainTimer;
    QTimer m_graceTimer;
    bool m_started = false;
    bool m_stopping = false;
    bool m_finished = false;
    bool m_resultComplete = false; ///< finished and the alerts collected
    End m_end = End::Completed;
    QStringList m_runErrors;

    qint64 m_startNs = 0;
    qint64 m_drainNs = 0;
    bool m_draining = false; // a coroutine resumed inside the drain must not start another
    double m_loadAtStart = -1;
    ProcessUsage m_usageAtStart;
    qint64 m_serviceCpuAtStart = -1;
    qint64 m_baselineRss = 0;
    qint64 m_baselineAnonymous = 0;
    qint64 m_baselineTraceBytes = 0;
    qint64 m_maxRss = 0;
    int m_maxLiveStreams = 0;
    qint64 m_rssAtMaxLive = 0;
    quint64 m_recorderDroppedAtStart = 0;
    quint64 m_storeDroppedAtStart = 0;
    QJsonObject m_result;
};

} // namespace Taskscope::Scenarios
