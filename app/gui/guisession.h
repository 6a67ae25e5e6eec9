#pragma once

#include "app/gui/comparerunner.h"
#include "app/gui/framemeter.h"
#include "app/gui/guiscenariorun.h"
#include "app/gui/probesessioncontroller.h"
#include "app/gui/tracecontroller.h"
#include "app/gui/watchdogcontroller.h"
#include "app/gui/workloadcontroller.h"
#include "app/scenario/loopbackhost.h"
#include "model/appsettings.h"
#include "model/metricsseries.h"
#include "model/tasklistmodel.h"
#include "model/transcriptmodel.h"
#include "workers/loopback/loopbackconfig.h"
#include "workers/watchdog/watchdogconfig.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>

class QLabel;
namespace Taskscope::Ui {
class MainWindow;
class ElidedLabel;
} // namespace Taskscope::Ui

namespace Taskscope::Gui {

/// The window's composition root: the live trace, the built-in service, the UI watchdog, the
/// workloads and the compare runner, wired to one MainWindow. runGui() makes one; tests make one
/// with their own options (a temporary journal, lowered tiers, no saved settings).
///
/// Lifetime: construct (builds the window, nothing runs yet), start() (service, watchdog, frame
/// timer), then shutdown() when the window has closed -- workloads first (stop all, cancel the
/// blocking ones from any thread, wait a bounded time), then the compare child, the watchdog, the
/// frame timer, and the service last. The destructor shuts down if that has not happened.
class GuiSession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GuiSession)

public:
    struct Options
    {
        bool startService = true;
        Taskscope::Loopback::LoopbackConfig service;
        bool startWatchdog = true;
        /// Everything but the tiers, which come from the settings (journal path, notifications, ...).
        Watchdog::UiWatchdogConfig watchdog = defaultWatchdogConfig();
        bool loadPreviousAlerts = true;
        bool saveSettings = true; ///< write settings changes to QSettings
        int closeTimeoutMs = 1000; ///< how long shutdown() waits for workloads to end
        /// Milliseconds since the process started, for the first frame's "Ready" message (-1: unknown).
        std::function<double()> msSinceLaunch;
    };
    static Watchdog::UiWatchdogConfig defaultWatchdogConfig();

    struct ShutdownTimes
    {
        double workloadsMs = 0;
        double watchdogMs = 0;
        double serviceMs = 0;
        double totalMs = 0;
        int workloadsLeft = 0; ///< had not ended within closeTimeoutMs (then deleted anyway)
        int streamsAtClose = 0; ///< live streams when the window closed
    };

    GuiSession(const Model::AppSettings &settings, const Options &options, QObject *parent = nullptr);
    ~GuiSession() override;

    /// Starts the service (off the UI thread), the watchdog and the frame timer. Loads earlier runs'
    /// alerts once the window has drawn its first frame.
    void start();
    /// See the class comment. Idempotent.
    ShutdownTimes shutdown();
    bool isShutDown() const { return m_shutDown; }

    /// Loads a scenario (a path or a bundled name) and runs it in the window. False with *error if
    /// it cannot be read.
    bool runScenario(const QString &pathOrName, QString *error = nullptr);
    /// What the command line opens when the window starts: a trace file (read in the background) and
    /// a scenario. Their errors go to the status bar and stay there: the first frame's "Ready"
    /// message is only for a window with nothing else to say. False with *error if the scenario
    /// cannot be read.
    bool openAtStartup(const QString &traceFile, const QString &scenario, QString *error = nullptr);
    GuiScenarioRun *currentScenario() const { return m_scenario; }
    /// Runs a scenario in two models in a headless child; the result fills the compare view.
    bool runComparison(const QString &scenario, Model::ExecutionModel a, Model::ExecutionModel b, int repeats = 1);

    /// File ▸ Export report: tasks with their statistics, this run's alerts with their evidence,
    /// frame times, the window's trace figures, the environment (which keys are set, never a key).
    QJsonObject report() const;
    void applySettings(const Model::AppSettings &settings);

    Ui::MainWindow &window() const { return *m_window; }
    TraceController &trace() { return m_trace; }
    WorkloadController &workloads() { return *m_workloads; }
    /// Fills the Compare tab with two tasks of this session (the stream panel's Compare button).
    void compareTasks(quint64 a, quint64 b);
    WatchdogController &watchdog() { return m_watchdog; }
    Taskscope::Scenarios::LoopbackHost &service() { return m_service; }
    CompareRunner &compare() { return m_compare; }
    /// Programs watched through the probe (File › Launch application…, Attach to process…).
    Taskscope::Probe::ProbeSessionController &probes() { return *m_probes; }
    FrameMeter &frames() { return m_frames; }
    Model::TaskListModel &tasks() { return m_tasks; }
    Model::TranscriptModel &transcripts() { return m_transcripts; }
    Model::MetricsSeries &metrics() { return m_metrics; }
    const Model::AppSettings &settings() const { return m_settings; }
    /// Live streams over all running workloads.
    int liveStreams() const;

Q_SIGNALS:
    void serviceReady(const QUrl &url);
    void serviceFailed(const QString &error);
    void scenarioFinished(bool ok);
    void comparisonFinished(bool ok, const QString &error);
    /// The timeline's first paint, `msSinceLaunch` after the process started (-1 if unknown).
    void firstFramePainted(double msSinceLaunch);

private:
    void wire();
    void buildStatusBar();
    void onServiceReady(const QUrl &url);
    void onServiceFailed(const QString &error);
    void updateWatchdogLabel();
    void onFrame(quint64 drained);
    void onFirstFrame();

    Model::AppSettings m_settings;
    Options m_options;
    TraceController m_trace;
    Model::TaskListModel m_tasks;
    Model::TranscriptModel m_transcripts;
    Model::MetricsSeries m_metrics;
    Taskscope::Scenarios::LoopbackHost m_service;
    WatchdogController m_watchdog;
    CompareRunner m_compare;
    FrameMeter m_frames {qint64(TraceController::FrameIntervalMs) * 1'000'000};
    std::unique_ptr<Ui::MainWindow> m_window;
    std::unique_ptr<WorkloadController> m_workloads;
    std::unique_ptr<Taskscope::Probe::ProbeSessionController> m_probes;
    QPointer<GuiScenarioRun> m_scenario;
    Ui::ElidedLabel *m_serviceLabel = nullptr;
    Ui::ElidedLabel *m_watchdogLabel = nullptr;
    bool m_started = false;
    bool m_shutDown = false;
    bool m_previousAlertsLoaded = false;
    bool m_firstFrameSeen = false;
    qint64 m_horizonSeenNs = 0;
};

} // namespace Taskscope::Gui
