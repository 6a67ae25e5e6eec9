#include "app/gui/guisession.h"

#include "app/gui/guiscenariorun.h"
#include "app/scenario/runreport.h"
#include "app/scenario/scenario.h"
#include "model/timeformat.h"
#include "model/trace/traceclock.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracerecorder.h"
#include "ui/compareview.h"
#include "ui/elidedlabel.h"
#include "ui/hangindicator.h"
#include "ui/mainwindow.h"
#include "ui/streampanel.h"
#include "ui/timelineview.h"
#include "workers/watchdog/uiwatchdog.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>

using Taskscope::Model::AlertRecord;
using Taskscope::Model::AlertTier;
using Taskscope::Model::AppSettings;
using Taskscope::Model::ExecutionModel;
using Taskscope::Model::TaskRow;
using Taskscope::Model::WorkloadSpec;
using Taskscope::Scenarios::LoopbackHost;
using Taskscope::Scenarios::RunReport;
using Taskscope::Scenarios::Scenario;
using Taskscope::Trace::NameId;
using Taskscope::Trace::TraceClock;
using Taskscope::Trace::TraceNames;
using Taskscope::Trace::TraceRecorder;
using Taskscope::Trace::UiThreadLane;
using Taskscope::Ui::CompareView;
using Taskscope::Ui::ElidedLabel;
using Taskscope::Ui::HangIndicator;
using Taskscope::Ui::MainWindow;
using Taskscope::Ui::StreamPanel;
using Taskscope::Ui::TimelineView;
using Taskscope::Watchdog::UiWatchdog;
using Taskscope::Watchdog::UiWatchdogConfig;
using Taskscope::Workloads::WorkloadEnvironment;

namespace Taskscope::Gui {

GuiSession::GuiSession(const AppSettings &settings, const Options &options, QObject *parent)
    : QObject(parent)
    , m_settings(settings.normalized())
    , m_options(options)
{
    m_trace.applySettings(m_settings);
    m_watchdog.setBaseConfig(m_options.watchdog);
    m_workloads = std::make_unique<WorkloadController>(&m_tasks, &m_transcripts, &m_metrics);
    m_workloads->applySettings(m_settings);

    m_window = std::make_unique<MainWindow>();
    MainWindow &w = *m_window;
    w.setSettings(m_settings);
    w.setLiveStore(&m_trace.store());
    w.setTaskModel(&m_tasks);
    w.setTranscriptModel(&m_transcripts);
    w.setMetrics(&m_metrics);
    w.setReportProvider([this] { return report(); });
    buildStatusBar();
    wire();
    m_probes = std::make_unique<Taskscope::Probe::ProbeSessionController>(m_window.get(), &m_trace, &m_watchdog,
                                                                          m_options.saveSettings);
}

GuiSession::~GuiSession()
{
    shutdown();
}

UiWatchdogConfig GuiSession::defaultWatchdogConfig()
{
    UiWatchdogConfig config;
    config.installDispatchProbe = false; // TaskscopeApplication::notify() brackets every dispatch
    return config;
}

void GuiSession::buildStatusBar()
{
    MainWindow &w = *m_window;
    // Labels that shrink (eliding) rather than push the status message over themselves.
    m_serviceLabel = new ElidedLabel(&w);
    m_serviceLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_serviceLabel->setFullText(QStringLiteral("Built-in service: starting…"));
    m_serviceLabel->setPreferredMaxWidth(320);
    m_serviceLabel->setContentsMargins(14, 0, 0, 0); // a gap after a status message cut at its edge
    m_watchdogLabel = new ElidedLabel(&w);
    m_watchdogLabel->setPreferredMaxWidth(200);
    w.statusBar()->insertPermanentWidget(0, m_serviceLabel);
    w.statusBar()->insertPermanentWidget(1, m_watchdogLabel);
    // The hang light follows the watchdog's signals (this run's alerts); earlier runs' alerts are
    // listed in the inspector but do not count here.
    w.setAlertModel(m_watchdog.inspectorModel());
    w.hangIndicator()->setModel(nullptr);
    w.hangIndicator()->setHangActive(false);
    updateWatchdogLabel();
}

void GuiSession::wire()
{
    MainWindow &w = *m_window;
    StreamPanel *panel = w.streamPanel();
    panel->setStatusMessage({});
    panel->setBuiltInServiceText(QStringLiteral("Built-in service (starting…)"));

    connect(panel, &StreamPanel::startRequested, this, [this, panel](const WorkloadSpec &spec) {
        const quint64 id = m_workloads->start(spec);
        const TaskRow::Status status = m_workloads->status(id);
        if (status != TaskRow::Status::Failed)
            panel->setStatusMessage(QStringLiteral("Task %1 started: %2 × %3 in the %4 model.")
                                        .arg(id)
                                        .arg(spec.count)
                                        .arg(WorkloadSpec::toString(spec.kind), WorkloadSpec::toString(spec.model)));
    });
    connect(panel, &StreamPanel::stopRequested, m_workloads.get(), &WorkloadController::stop);
    connect(panel, &StreamPanel::stopAllRequested, m_workloads.get(), &WorkloadController::stopAll);
    connect(m_workloads.get(), &WorkloadController::statusMessage, panel, &StreamPanel::setStatusMessage);
    connect(panel, &StreamPanel::compareRequested, this, &GuiSession::compareTasks);
    // Each task is a run of the trace: retention keeps or lets go whole runs.
    connect(m_workloads.get(), &WorkloadController::taskStarted, this, [this](quint64 id) {
        const TaskRow *row = m_tasks.task(id);
        m_trace.store().beginRun(id, row ? row->startedNs : TraceClock::nowNs());
    });
    connect(m_workloads.get(), &WorkloadController::taskEnded, this, [this](quint64 id, TaskRow::Status) {
        const TaskRow *row = m_tasks.task(id);
        m_trace.store().endRun(id, row && row->endedNs >= 0 ? row->endedNs : TraceClock::nowNs());
    });
    panel->setServiceUrls(m_settings.deepgramBaseUrl, m_settings.openAiBaseUrl, m_settings.httpBaseUrl);

    connect(&m_trace, &TraceController::frame, this, &GuiSession::onFrame);
    connect(&m_trace, &TraceController::frame, &w, &MainWindow::onFrame);
    connect(w.timeline(), &TimelineView::framePainted, this,
            [this](qint64 paintNs, qint64) { m_frames.paint(paintNs); });
    connect(w.timeline(), &TimelineView::framePainted, this, &GuiSession::onFirstFrame, Qt::QueuedConnection);
    connect(&w, &MainWindow::framePresented, this, [this](qint64 nowNs) { m_frames.presented(nowNs); });
    connect(&w, &MainWindow::liveStoreReadStarted, &m_trace, [this] { m_trace.setDrainPaused(true); });
    connect(&w, &MainWindow::liveStoreReadFinished, &m_trace, [this] { m_trace.setDrainPaused(false); });
    connect(&w, &MainWindow::settingsChanged, this, &GuiSession::applySettings);
    // Closing: streams begin to end now, while the window goes; shutdown() waits for them.
    connect(&w, &MainWindow::closing, m_workloads.get(), &WorkloadController::stopAll);
    connect(&w, &MainWindow::scenarioRequested, this, [this](const QString &path) {
        QString error;
        if (!runScenario(path, &error))
            m_window->showStatus(error, 15000);
    });

    connect(&m_service, &LoopbackHost::ready, this, &GuiSession::onServiceReady);
    connect(&m_service, &LoopbackHost::failed, this, &GuiSession::onServiceFailed);

    HangIndicator *hang = w.hangIndicator();
    connect(&m_watchdog, &WatchdogController::hangActiveChanged, hang, &HangIndicator::setHangActive);
    connect(&m_watchdog, &WatchdogController::countsChanged, this, [this, hang](int thisRun, int earlier) {
        hang->setAlertCount(thisRun);
        hang->setToolTip(
            QStringLiteral("UI-thread hangs the watchdog caught: %1 this run%2. Click to open the alert inspector.")
                .arg(thisRun)
                .arg(earlier ? QStringLiteral(", %1 from earlier runs").arg(earlier) : QString()));
    });
    connect(&m_watchdog, &WatchdogController::alertEnded, this, [this](const AlertRecord &alert) {
        if (alert.previousSession || alert.tier < AlertTier::Hang)
            return;
        m_window->showStatus(QStringLiteral("Watchdog: the UI thread was blocked for %1 (%2, %3): %4")
                                 .arg(AlertRecord::formatDuration(alert.durationNs),
                                      AlertRecord::verdictName(alert.verdict), AlertRecord::tierName(alert.tier),
                                      alert.culprit),
                             15000);
    });
    connect(&m_watchdog, &WatchdogController::restarted, this, &GuiSession::updateWatchdogLabel);

    CompareView *compare = w.compareView();
    connect(compare, &CompareView::runRequested, this,
            [this, compare](const QString &path, const QString &a, const QString &b, int repeats) {
                ExecutionModel ma = ExecutionModel::Coroutine, mb = ExecutionModel::Offload;
                if (!WorkloadSpec::parse(a, &ma) || !WorkloadSpec::parse(b, &mb)
                    || !runComparison(path, ma, mb, repeats))
                    compare->setRunState(false, m_compare.errorString());
            });
    connect(compare, &CompareView::cancelRunRequested, &m_compare, &CompareRunner::cancel);
    connect(&m_compare, &CompareRunner::progress, compare,
            [compare](const QString &text) { compare->setRunState(true, text); });
    connect(&m_compare, &CompareRunner::finished, this,
            [this, compare](bool ok, const QString &error, const QString &labelA, const QJsonObject &runA,
                            const QString &labelB, const QJsonObject &runB, const QJsonObject &) {
                if (!ok) {
                    compare->setRunState(false, QStringLiteral("Comparison failed: %1").arg(error));
                    Q_EMIT comparisonFinished(false, error);
                    return;
                }
                // Every round's figures; one round is the single-run comparison.
                QList<QJsonObject> figuresA, figuresB;
                for (qsizetype i = 0; i < m_compare.runsA().size() && i < m_compare.runsB().size(); ++i) {
                    QJsonObject fa = CompareRunner::comparableFigures(m_compare.runsA()[i]);
                    QJsonObject fb = CompareRunner::comparableFigures(m_compare.runsB()[i]);
                    CompareRunner::dropZeroInBoth(fa, fb);
                    figuresA.append(fa);
                    figuresB.append(fb);
                }
                if (figuresA.size() > 1)
                    compare->setRepeatedRuns(labelA, figuresA, labelB, figuresB);
                else
                    compare->setRuns(labelA, figuresA.value(0, CompareRunner::comparableFigures(runA)), labelB,
                                     figuresB.value(0, CompareRunner::comparableFigures(runB)));
                const auto verdict = [](const QJsonObject &run) {
                    return run.value(QStringLiteral("ok")).toBool() ? QStringLiteral("ok")
                                                                    : QStringLiteral("with failures");
                };
                compare->setRunState(false,
                                     QStringLiteral("Done in %1 s: %2 %3, %4 %5.")
                                         .arg(m_compare.elapsedS(), 0, 'f', 1)
                                         .arg(labelA, verdict(runA), labelB, verdict(runB)));
                Q_EMIT comparisonFinished(true, {});
            });
}

void GuiSession::start()
{
    if (m_started)
        return;
    m_started = true;
    if (m_options.startService)
        m_service.start(m_options.service);
    if (m_options.startWatchdog && !m_watchdog.start(m_settings))
        m_window->showStatus(QStringLiteral("The UI watchdog did not start: %1").arg(m_watchdog.errorString()), 15000);
    updateWatchdogLabel();
    m_trace.start();
    if (m_options.loadPreviousAlerts) {
        // After the first frame: the journal is read on the UI thread and must not delay the window.
        connect(
            m_window->timeline(), &TimelineView::framePainted, this,
            [this] {
                if (m_previousAlertsLoaded)
                    return;
                m_previousAlertsLoaded = true;
                const int earlier = m_watchdog.loadPreviousSessionAlerts();
                if (earlier > 0) {
                    m_window->showStatus(QStringLiteral("The alert inspector lists %1 alert%2 from earlier runs.")
                                             .arg(earlier)
                                             .arg(earlier == 1 ? QString() : QStringLiteral("s")),
                                         10000);
                }
            },
            Qt::QueuedConnection);
    }
}

void GuiSession::onFrame(quint64)
{
    m_frames.frame(TraceClock::nowNs());
    m_workloads->flushFrame();
    // Metrics and alerts go with the runs whose time they cover.
    const qint64 horizon = m_trace.store().horizonNs();
    if (horizon > m_horizonSeenNs) {
        m_horizonSeenNs = horizon;
        m_metrics.dropBefore(horizon);
        m_watchdog.alerts()->removeEndedBefore(horizon);
    }
}

void GuiSession::onServiceReady(const QUrl &url)
{
    m_serviceLabel->setFullText(QStringLiteral("Built-in service %1").arg(url.toString()));
    m_serviceLabel->setToolTip(
        QStringLiteral("The loopback service runs in this process on its own threads (started in %1 ms)%2")
            .arg(m_service.startMs(), 0, 'f', 0)
            .arg(m_service.warnings().isEmpty() ? QString() : QStringLiteral("\n") + m_service.warnings().join(u'\n')));
    m_window->streamPanel()->setBuiltInServiceText(
        QStringLiteral("Built-in service · %1:%2").arg(url.host()).arg(url.port()));
    m_workloads->setLoopbackUrl(url);
    Q_EMIT serviceReady(url);
}

void GuiSession::onServiceFailed(const QString &error)
{
    m_serviceLabel->setFullText(QStringLiteral("Built-in service failed"));
    m_serviceLabel->setToolTip(error);
    m_window->streamPanel()->setBuiltInServiceText(QStringLiteral("Built-in service (not running)"));
    m_window->streamPanel()->setStatusMessage(
        QStringLiteral("The built-in service did not start: %1. Workloads can still use another URL.").arg(error),
        true);
    m_workloads->setLoopbackFailed(error);
    Q_EMIT serviceFailed(error);
}

void GuiSession::updateWatchdogLabel()
{
    if (!m_watchdogLabel)
        return;
    UiWatchdog *watchdog = m_watchdog.watchdog();
    if (!watchdog || !watchdog->isRunning()) {
        m_watchdogLabel->setFullText(QStringLiteral("Watchdog off"));
        return;
    }
    const UiWatchdogConfig &c = watchdog->config();
    m_watchdogLabel->setFullText(QStringLiteral("Watchdog: hang ≥ %1 ms").arg(c.hang.count()));
    QStringList tip;
    tip << QStringLiteral("Tiers: suspicion %1 ms, hang %2 ms, severe %3 ms, critical %4 ms (Settings)")
               .arg(c.suspicion.count())
               .arg(c.hang.count())
               .arg(c.severe.count())
               .arg(c.critical.count());
    tip << (watchdog->stackSamplingActive() ? QStringLiteral("UI-thread stacks are sampled while a hang lasts")
                                            : QStringLiteral("stack sampling is not available"));
    if (!watchdog->journalPath().isEmpty())
        tip << QStringLiteral("journal: %1").arg(watchdog->journalPath());
    if (!watchdog->notificationStatus().isEmpty())
        tip << watchdog->notificationStatus();
    m_watchdogLabel->setToolTip(tip.join(u'\n'));
}

void GuiSession::applySettings(const AppSettings &settings)
{
    m_settings = settings.normalized();
    m_trace.applySettings(m_settings);
    m_workloads->applySettings(m_settings);
    m_window->streamPanel()->setServiceUrls(m_settings.deepgramBaseUrl, m_settings.openAiBaseUrl,
                                            m_settings.httpBaseUrl);
    if (m_started && m_options.startWatchdog)
        m_watchdog.applySettings(m_settings);
    if (m_window->settings() != m_settings)
        m_window->setSettings(m_settings);
    updateWatchdogLabel();
    if (m_options.saveSettings) {
        QSettings out;
        m_settings.save(out);
    }
}

void GuiSession::onFirstFrame()
{
    if (m_firstFrameSeen)
        return;
    m_firstFrameSeen = true;
    const double ms = m_options.msSinceLaunch ? m_options.msSinceLaunch() : -1.0;
    static const NameId name = TraceNames::intern(QStringLiteral("window shown"));
    TraceRecorder::instant(UiThreadLane, name, std::uint64_t(std::max(0.0, ms)));
    // A trace or scenario given on the command line may already have said something (an error, say):
    // that stays; "Ready" is only for a window with nothing else to say.
    if (m_window->statusBar()->currentMessage().isEmpty()) {
        m_window->showStatus(ms >= 0 ? QStringLiteral("Ready: window drawn %1 ms after launch.").arg(ms, 0, 'f', 0)
                                     : QStringLiteral("Ready."),
                             8000);
    }
    Q_EMIT firstFramePainted(ms);
}

bool GuiSession::openAtStartup(const QString &traceFile, const QString &scenario, QString *error)
{
    if (!traceFile.isEmpty())
        m_window->openTrace(traceFile);
    if (scenario.isEmpty())
        return true;
    QString why;
    if (runScenario(scenario, &why))
        return true;
    m_window->showStatus(why, 20000);
    if (error)
        *error = why;
    return false;
}

bool GuiSession::runScenario(const QString &pathOrName, QString *error)
{
    QString why;
    QString source;
    std::optional<Scenario> scenario = Scenario::load(pathOrName, &why, &source);
    if (!scenario) {
        if (error)
            *error = QStringLiteral("Cannot run the scenario %1: %2").arg(QFileInfo(pathOrName).fileName(), why);
        return false;
    }
    if (m_scenario && !m_scenario->isFinished())
        m_scenario->stop();
    auto *run = new GuiScenarioRun(std::move(*scenario), m_workloads.get(), this);
    m_scenario = run;
    StreamPanel *panel = m_window->streamPanel();
    const QString notes = run->notes().isEmpty()
        ? QString()
        : QStringLiteral(" Note: ") + run->notes().join(QStringLiteral("; ")) + u'.';
    connect(run, &GuiScenarioRun::progressChanged, panel,
            [panel, notes](const QString &text) { panel->setStatusMessage(text + notes); });
    connect(run, &GuiScenarioRun::finished, this, [this, run](bool ok) {
        m_window->showStatus(
            QStringLiteral("%1 — %2.")
                .arg(run->progressText(), ok ? QStringLiteral("done") : QStringLiteral("with failures")),
            15000);
        Q_EMIT scenarioFinished(ok);
    });
    m_window->compareView()->setScenario(source);
    m_window->showStatus(
        QStringLiteral("Running the scenario %1: %2").arg(run->scenario().name, run->scenario().description), 15000);
    run->start();
    return true;
}

bool GuiSession::runComparison(const QString &scenario, ExecutionModel a, ExecutionModel b, int repeats)
{
    if (!m_compare.start(scenario, a, b, repeats))
        return false;
    m_window->compareView()->setScenario(scenario);
    m_window->compareView()->setRunState(true, QStringLiteral("Starting the headless runner…"));
    return true;
}

int GuiSession::liveStreams() const
{
    return m_workloads->liveStreams();
}

void GuiSession::compareTasks(quint64 a, quint64 b)
{
    // Two tasks of this session, figure by figure: each task's summary under its workload's name,
    // so two batches of one workload line up row by row.
    QJsonObject run[2];
    QString label[2];
    const QJsonArray tasks = m_workloads->tasksJson();
    for (const QJsonValue &value : tasks) {
        const QJsonObject task = value.toObject();
        const quint64 id = quint64(task.value(QStringLiteral("id")).toDouble());
        const int which = id == a ? 0 : (id == b ? 1 : -1);
        if (which < 0)
            continue;
        QJsonObject summary = task.value(QStringLiteral("summary")).toObject();
        summary.remove(QStringLiteral("latencyKind"));
        const QJsonObject spec = task.value(QStringLiteral("spec")).toObject();
        if (!summary.isEmpty())
            run[which].insert(spec.value(QStringLiteral("workload")).toString(), summary);
        label[which] = QStringLiteral("#%1 %2 ×%3")
                           .arg(id)
                           .arg(spec.value(QStringLiteral("model")).toString())
                           .arg(spec.value(QStringLiteral("count")).toInt(1));
    }
    CompareView *compare = m_window->compareView();
    if (run[0].isEmpty() || run[1].isEmpty()) {
        m_window->showStatus(
            QStringLiteral("Task %1 or %2 has no figures yet: compare them once they have run.").arg(a).arg(b));
        return;
    }
    CompareRunner::dropZeroInBoth(run[0], run[1]);
    compare->setRuns(label[0], run[0], label[1], run[1]);
    compare->setRunState(
        false, QStringLiteral("Tasks %1 and %2, one run each: changes under 5 % (1 ms) are noise.").arg(a).arg(b));
    m_window->showTab(QStringLiteral("compare"));
}

QJsonObject GuiSession::report() const
{
    QJsonObject service;
    if (m_service.isReady()) {
        service = QJsonObject {{QStringLiteral("kind"), QStringLiteral("in-process")},
                               {QStringLiteral("url"), m_service.url().toString()},
                               {QStringLiteral("startMs"), m_service.startMs()}};
    }
    const WorkloadEnvironment &env = m_workloads->environment();
    QJsonObject report;
    report.insert(QStringLiteral("taskscope"),
                  QJsonObject {{QStringLiteral("version"), QCoreApplication::applicationVersion()},
                               {QStringLiteral("format"), RunReport::FormatVersion},
                               {QStringLiteral("kind"), QStringLiteral("window")}});
    report.insert(QStringLiteral("created"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
    report.insert(QStringLiteral("environment"),
                  RunReport::environment(service, !env.openAiKey.isEmpty(), !env.deepgramKey.isEmpty()));
    report.insert(QStringLiteral("settings"), m_settings.describe());
    report.insert(QStringLiteral("tasks"), m_workloads->tasksJson());
    report.insert(QStringLiteral("alerts"), m_watchdog.alertsJson());
    if (const QJsonArray nested = m_watchdog.nestedLoopsJson(); !nested.isEmpty())
        report.insert(QStringLiteral("nestedLoops"), nested);
    report.insert(QStringLiteral("alertsFromEarlierRuns"), m_watchdog.alertsEarlierRuns());
    if (const UiWatchdog *watchdog = m_watchdog.watchdog())
        report.insert(QStringLiteral("watchdog"), watchdog->config().toJson());
    report.insert(QStringLiteral("ui"), m_frames.toJson());
    report.insert(QStringLiteral("window"), m_window->windowReport());
    return report;
}

GuiSession::ShutdownTimes GuiSession::shutdown()
{
    ShutdownTimes times;
    if (m_shutDown)
        return times;
    m_shutDown = true;
    QElapsedTimer total;
    total.start();
    times.streamsAtClose = liveStreams();
    m_probes->detachAll(); // watched programs keep running
    if (m_scenario)
        m_scenario->stop();
    QElapsedTimer step;
    step.start();
    times.workloadsLeft = m_workloads->shutdown(m_options.closeTimeoutMs);
    times.workloadsMs = double(step.nsecsElapsed()) / 1e6;
    m_compare.cancel();
    step.restart();
    m_watchdog.stop();
    times.watchdogMs = double(step.nsecsElapsed()) / 1e6;
    m_trace.stop();
    step.restart();
    m_service.stop();
    times.serviceMs = double(step.nsecsElapsed()) / 1e6;
    times.totalMs = double(total.nsecsElapsed()) / 1e6;
    return times;
}

} // namespace Taskscope::Gui
