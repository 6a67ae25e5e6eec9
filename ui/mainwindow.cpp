#include "ui/mainwindow.h"

#include "model/metricsseries.h"
#include "model/tasklistmodel.h"
#include "model/timeformat.h"
#include "model/trace/traceclock.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracerecorder.h"
#include "model/trace/tracestore.h"
#include "ui/alertinspector.h"
#include "ui/apptheme.h"
#include "ui/asyncfile.h"
#include "ui/compareview.h"
#include "ui/hangindicator.h"
#include "ui/lanefilterbar.h"
#include "ui/livecountsbar.h"
#include "ui/metricsview.h"
#include "ui/rangestatsview.h"
#include "ui/settingsdialog.h"
#include "ui/shortcutshelp.h"
#include "ui/spandetailspanel.h"
#include "ui/streampanel.h"
#include "ui/timelinepane.h"
#include "ui/timelineview.h"
#include "ui/tracefilejob.h"
#include "ui/transcriptview.h"
#include "ui/windowreport.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QImageReader>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMetaMethod>
#include <QProgressBar>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QThread>
#include <QToolBar>
#include <QVBoxLayout>

#include <cstring>

using Taskscope::Model::AppSettings;
using Taskscope::Model::LiveCounts;
using Taskscope::Model::MetricsSeries;
using Taskscope::Model::TaskListModel;
using Taskscope::Model::TaskRow;
using Taskscope::Model::TimeFormat;
using Taskscope::Model::TranscriptModel;
using Taskscope::Trace::NameId;
using Taskscope::Trace::TraceClock;
using Taskscope::Trace::TraceNames;
using Taskscope::Trace::TraceScope;
using Taskscope::Trace::TraceStore;
namespace MetricNames = Taskscope::Model::MetricNames;

namespace Taskscope::Ui {

namespace {

constexpr qint64 CountsIntervalNs = 250'000'000;
constexpr qint64 MetricsIntervalNs = 500'000'000;

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    setObjectName(QStringLiteral("TaskscopeMainWindow"));
    setWindowIcon(applicationIcon());
    setDockNestingEnabled(true);

    // The timeline, with its live-counts strip, filter bar and minimap, over the tabs.
    m_pane = new TimelinePane(this);
    m_counts = m_pane->counts();
    m_filterBar = m_pane->filterBar();
    m_timeline = m_pane->timeline();
    connect(m_pane, &TimelinePane::hiddenGroupsChanged, this, [this](const QStringList &keys) {
        if (keys == m_settings.hiddenLaneGroups)
            return;
        m_settings.hiddenLaneGroups = keys;
        Q_EMIT settingsChanged(m_settings);
    });

    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);
    m_details = new SpanDetailsPanel(m_tabs);
    m_alerts = new AlertInspector(m_tabs);
    m_transcripts = new TranscriptView(m_tabs);
    m_metricsView = new MetricsView(m_tabs);
    m_compare = new CompareView(m_tabs);
    m_rangeStats = new RangeStatsView(m_tabs);
    m_rangeStats->attach(m_timeline);
    connect(m_rangeStats, &RangeStatsView::computed, this, [this] { m_tabs->setCurrentWidget(m_rangeStats); });
    m_tabs->addTab(m_details, QStringLiteral("Selection"));
    m_tabs->addTab(m_alerts, QStringLiteral("Alerts"));
    m_tabs->addTab(m_transcripts, QStringLiteral("Transcripts"));
    m_tabs->addTab(m_metricsView, QStringLiteral("Metrics"));
    m_tabs->addTab(m_compare, QStringLiteral("Compare"));
    m_tabs->addTab(m_rangeStats, QStringLiteral("Range"));

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_pane);
    split->addWidget(m_tabs);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    split->setSizes({600, 270});
    split->setChildrenCollapsible(false);
    setCentralWidget(split);

    m_streamPanel = new StreamPanel(this);
    auto *dock = new QDockWidget(QStringLiteral("Streams"), this);
    dock->setObjectName(QStringLiteral("StreamsDock"));
    dock->setWidget(m_streamPanel);
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable
                      | QDockWidget::DockWidgetClosable);
    addDockWidget(Qt::LeftDockWidgetArea, dock);
    resizeDocks({dock}, {460}, Qt::Horizontal);

    buildActions();
    buildMenus();
    buildToolBar();
    buildStatusBar();
    m_viewMenu->addSeparator();
    m_viewMenu->addAction(dock->toggleViewAction());

    connect(m_timeline, &TimelineView::selectionChanged, this, [this](const SpanSelection &s) {
        m_details->setSelection(s);
        if (s.valid && m_tabs->currentWidget() != m_alerts)
            m_tabs->setCurrentWidget(m_details);
    });
    connect(m_details, &SpanDetailsPanel::zoomRequested, m_timeline, &TimelineView::zoomToRange);
    connect(m_timeline, &TimelineView::followLiveChanged, m_followAction, &QAction::setChecked);
    connect(m_timeline, &TimelineView::framePainted, this, &MainWindow::onFramePainted);
    connect(m_timeline, &TimelineView::alertClicked, this, [this](quint32 id) {
        m_tabs->setCurrentWidget(m_alerts);
        m_alerts->selectAlert(id);
    });
    connect(m_alerts, &AlertInspector::jumpRequested, this, [this](qint64 start, qint64 end, quint32 lane, quint32 id) {
        m_timeline->zoomToRange(start, end);
        m_timeline->scrollToLane(lane);
        m_timeline->highlightAlert(id);
    });
    connect(m_hang, &HangIndicator::clicked, this, [this] { m_tabs->setCurrentWidget(m_alerts); });
    connect(m_compare, &CompareView::loadFailed, this, [this](const QString &e) { showStatus(e, 10000); });

    m_themeGroup->setProperty("ready", false);
    AppSettings initial;
    if (s_themeAppliedBeforeWindow) {
        initial.theme = s_themeBeforeWindow;
        m_settings.theme = s_themeBeforeWindow;
        m_themeApplied = true;
    }
    setSettings(initial);
    m_themeGroup->setProperty("ready", true);
    setAlertModel(nullptr);
    updateTitle();
    resize(1480, 920);
}

bool MainWindow::s_themeAppliedBeforeWindow = false;
AppSettings::Theme MainWindow::s_themeBeforeWindow = AppSettings::Theme::System;

void MainWindow::applyThemeBeforeWindow(AppSettings::Theme theme)
{
    applyTheme(theme);
    s_themeAppliedBeforeWindow = true;
    s_themeBeforeWindow = theme;
}

QIcon MainWindow::applicationIcon()
{
    if (QImageReader::supportedImageFormats().contains("svg"))
        return QIcon(QStringLiteral(":/icons/taskscope.svg"));
    return QIcon(QStringLiteral(":/icons/taskscope.png"));
}

MainWindow::~MainWindow()
{
    if (m_job)
        m_job->cancel();
}

// ---- wiring --------------------------------------------------------------------------------------

void MainWindow::setLiveStore(TraceStore *store)
{
    m_live = store;
    if (!m_opened)
        m_pane->setStore(m_live, true);
    updateTitle();
}

void MainWindow::setTaskModel(TaskListModel *model)
{
    m_tasks = model;
    m_streamPanel->setTaskModel(model);
}

void MainWindow::setTranscriptModel(TranscriptModel *model)
{
    m_transcripts->setModel(model);
}

void MainWindow::setMetrics(MetricsSeries *metrics)
{
    m_metrics = metrics;
    m_metricsView->setMetrics(metrics);
}

void MainWindow::setAlertModel(QAbstractItemModel *model, const QString &unavailableText)
{
    m_alerts->setModel(model, unavailableText);
    m_hang->setModel(model);
}

void MainWindow::setReportProvider(std::function<QJsonObject()> provider)
{
    m_reportProvider = std::move(provider);
}

void MainWindow::setSettings(const AppSettings &settings)
{
    const bool themeChanged = settings.theme != m_settings.theme || (!m_themeApplied && !s_themeAppliedBeforeWindow);
    m_settings = settings.normalized();
    m_timeline->setFollowWindowNs(qint64(m_settings.followWindowMs) * 1'000'000);
    m_filterBar->setHiddenGroups(m_settings.hiddenLaneGroups);
    m_streamPanel->setKeyAvailability(!m_settings.effectiveDeepgramKey().isEmpty(),
                                      !m_settings.effectiveOpenAiKey().isEmpty());
    m_freezeAction->setText(
        QStringLiteral("&Freeze the UI for %1").arg(TimeFormat::duration(qint64(m_settings.freezeMs) * 1'000'000, 1)));
    if (themeChanged && m_themeGroup->property("ready").toBool()) {
        applyTheme(m_settings.theme);
        m_themeApplied = true;
    }
    for (QAction *action : m_themeGroup->actions()) {
        if (action->data().toInt() == int(m_settings.theme))
            action->setChecked(true);
    }
}

const TraceStore *MainWindow::shownStore() const
{
    return m_opened ? m_opened.get() : m_live;
}

// ---- actions, menus, toolbar, status bar ----------------------------------------------------------

void MainWindow::buildActions()
{
    buildFileActions();
    buildViewActions();
    buildHelpActions();
}

void MainWindow::buildFileActions()
{
    QStyle *s = style();
    m_openAction = new QAction(s->standardIcon(QStyle::SP_DialogOpenButton), QStringLiteral("&Open trace…"), this);
    m_openAction->setShortcut(QKeySequence::Open);
    m_openAction->setToolTip(QStringLiteral("Open a Chrome trace (JSON) in the timeline (Ctrl+O)"));
    connect(m_openAction, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, QStringLiteral("Open trace"), QString(),
                                                          QStringLiteral("Chrome trace (*.json);;All files (*)"));
        if (!path.isEmpty())
            openTrace(path);
    });
    m_saveAction = new QAction(s->standardIcon(QStyle::SP_DialogSaveButton), QStringLiteral("&Save trace as…"), this);
    m_saveAction->setShortcut(QKeySequence::Save);
    m_saveAction->setToolTip(QStringLiteral("Save what the timeline shows as a Chrome trace for Perfetto (Ctrl+S)"));
    connect(m_saveAction, &QAction::triggered, this, [this] {
        const QString name = QStringLiteral("taskscope-%1.json")
                                 .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")));
        const QString path = QFileDialog::getSaveFileName(
            this, QStringLiteral("Save trace"), QDir::home().filePath(name), QStringLiteral("Chrome trace (*.json)"));
        if (!path.isEmpty())
            saveTrace(path);
    });
    m_reportAction = new QAction(QStringLiteral("&Export report…"), this);
    m_reportAction->setShortcut(Qt::CTRL | Qt::Key_E);
    connect(m_reportAction, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, QStringLiteral("Export report"), QDir::home().filePath(QStringLiteral("taskscope-report.json")),
            QStringLiteral("JSON (*.json)"));
        if (!path.isEmpty())
            exportReport(path);
    });
    m_scenarioAction = new QAction(QStringLiteral("&Load scenario…"), this);
    m_scenarioAction->setShortcut(Qt::CTRL | Qt::Key_L);
    connect(m_scenarioAction, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, QStringLiteral("Load scenario"), QString(),
                                                          QStringLiteral("Scenario (*.json)"));
        if (!path.isEmpty())
            Q_EMIT scenarioRequested(path);
    });
    m_liveAction = new QAction(s->standardIcon(QStyle::SP_BrowserReload), QStringLiteral("&Back to live capture"),
                               this);
    m_liveAction->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_L);
    m_liveAction->setEnabled(false);
    connect(m_liveAction, &QAction::triggered, this, &MainWindow::backToLive);
    m_quitAction = new QAction(QStringLiteral("&Quit"), this);
    m_quitAction->setShortcut(QKeySequence::Quit);
    connect(m_quitAction, &QAction::triggered, this, &QWidget::close);
}

void MainWindow::buildViewActions()
{
    QStyle *s = style();
    m_followAction = new QAction(s->standardIcon(QStyle::SP_MediaPlay), QStringLiteral("&Follow live"), this);
    m_followAction->setCheckable(true);
    m_followAction->setShortcut(Qt::Key_F);
    m_followAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_followAction->setToolTip(QStringLiteral("Follow the live edge (F); Space pauses the view while capture goes on"));
    connect(m_followAction, &QAction::triggered, m_timeline, &TimelineView::setFollowLive);
    m_pauseAction = new QAction(s->standardIcon(QStyle::SP_MediaPause), QStringLiteral("&Pause view"), this);
    m_pauseAction->setShortcut(Qt::Key_Space);
    m_pauseAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_pauseAction->setToolTip(
        QStringLiteral("Freeze the view (Space); capture goes on and the view says how far behind it is"));
    connect(m_pauseAction, &QAction::triggered, m_timeline,
            [this] { m_timeline->setFollowLive(!m_timeline->followsLive()); });
    m_timeline->addAction(m_pauseAction);
    m_fitAction = new QAction(QStringLiteral("Fit &all"), this);
    m_fitAction->setShortcut(Qt::CTRL | Qt::Key_0);
    connect(m_fitAction, &QAction::triggered, m_timeline, &TimelineView::fitAll);
    m_fitRunAction = new QAction(QStringLiteral("Fit &run"), this);
    m_fitRunAction->setShortcut(Qt::CTRL | Qt::Key_9);
    m_fitRunAction->setToolTip(QStringLiteral("Show the task selected in the task list (else the latest) whole; "
                                              "a task still running is followed from its start (Ctrl+9)"));
    connect(m_fitRunAction, &QAction::triggered, this, &MainWindow::fitRun);
    m_zoomInAction = new QAction(QStringLiteral("Zoom &in"), this);
    m_zoomInAction->setShortcut(QKeySequence::ZoomIn);
    connect(m_zoomInAction, &QAction::triggered, m_timeline, &TimelineView::zoomIn);
    m_zoomOutAction = new QAction(QStringLiteral("Zoom &out"), this);
    m_zoomOutAction->setShortcut(QKeySequence::ZoomOut);
    connect(m_zoomOutAction, &QAction::triggered, m_timeline, &TimelineView::zoomOut);
    m_expandAction = new QAction(QStringLiteral("&Expand all groups"), this);
    connect(m_expandAction, &QAction::triggered, m_timeline, &TimelineView::expandAllGroups);
    m_timeline->addAction(m_followAction);

    m_freezeAction = new QAction(s->standardIcon(QStyle::SP_MessageBoxWarning), QStringLiteral("&Freeze the UI"), this);
    m_freezeAction->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_F);
    m_freezeAction->setToolTip(
        QStringLiteral("Block the UI thread on purpose (Ctrl+Shift+F): watch the watchdog flag it"));
    connect(m_freezeAction, &QAction::triggered, this, &MainWindow::freezeUi);

    m_settingsAction = new QAction(QStringLiteral("&Preferences…"), this);
    m_settingsAction->setShortcut(QKeySequence::Preferences);
    if (m_settingsAction->shortcut().isEmpty())
        m_settingsAction->setShortcut(Qt::CTRL | Qt::Key_Comma);
    connect(m_settingsAction, &QAction::triggered, this, &MainWindow::showSettings);
}

void MainWindow::buildHelpActions()
{
    m_shortcutsAction = new QAction(QStringLiteral("&Keyboard shortcuts"), this);
    m_shortcutsAction->setShortcut(QKeySequence::HelpContents);
    connect(m_shortcutsAction, &QAction::triggered, this,
            [this] { QMessageBox::information(this, QStringLiteral("Keyboard shortcuts"), ShortcutsHelp::html()); });
    m_themeGroup = new QActionGroup(this);
    const QList<QPair<QString, AppSettings::Theme>> themes = {
        {QStringLiteral("Follow the &system"), AppSettings::Theme::System},
        {QStringLiteral("&Light"), AppSettings::Theme::Light},
        {QStringLiteral("&Dark"), AppSettings::Theme::Dark}};
    for (const auto &[label, theme] : themes) {
        auto *action = new QAction(label, m_themeGroup);
        action->setCheckable(true);
        action->setData(int(theme));
        connect(action, &QAction::triggered, this, [this, theme] {
            AppSettings s = m_settings;
            s.theme = theme;
            setSettings(s);
            Q_EMIT settingsChanged(m_settings);
        });
    }
    // Tabs by number.
    for (int i = 0; i < 6; ++i) {
        auto *action = new QAction(this);
        action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
        connect(action, &QAction::triggered, this, [this, i] { m_tabs->setCurrentIndex(i); });
        addAction(action);
    }
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(QStringLiteral("&File"));
    file->addAction(m_openAction);
    file->addAction(m_saveAction);
    file->addAction(m_liveAction);
    file->addSeparator();
    file->addAction(m_scenarioAction);
    m_scenarioMenu = file->addMenu(QStringLiteral("Bundled &scenarios"));
    populateScenarioMenu();
    file->addAction(m_reportAction);
    file->addSeparator();
    file->addAction(m_quitAction);

    m_viewMenu = menuBar()->addMenu(QStringLiteral("&View"));
    m_viewMenu->addAction(m_followAction);
    m_viewMenu->addAction(m_pauseAction);
    m_viewMenu->addAction(m_fitAction);
    m_viewMenu->addAction(m_fitRunAction);
    m_viewMenu->addAction(m_zoomInAction);
    m_viewMenu->addAction(m_zoomOutAction);
    m_viewMenu->addAction(m_expandAction);
    m_viewMenu->addSeparator();
    QMenu *theme = m_viewMenu->addMenu(QStringLiteral("&Theme"));
    theme->addActions(m_themeGroup->actions());

    QMenu *run = menuBar()->addMenu(QStringLiteral("&Run"));
    auto *start = run->addAction(QStringLiteral("&Start"), m_streamPanel, &StreamPanel::start);
    start->setShortcut(Qt::CTRL | Qt::Key_Return);
    start->setShortcutContext(Qt::WidgetShortcut); // the panel's button owns the shortcut
    auto *stopAll = run->addAction(QStringLiteral("Stop &all"), m_streamPanel, &StreamPanel::stopAll);
    stopAll->setShortcut(Qt::CTRL | Qt::Key_Period);
    stopAll->setShortcutContext(Qt::WidgetShortcut);
    run->addSeparator();
    run->addAction(m_freezeAction);
    run->addSeparator();
    run->addAction(QStringLiteral("&Compare runs…"), this, [this] { showTab(QStringLiteral("compare")); });

    QMenu *settings = menuBar()->addMenu(QStringLiteral("&Settings"));
    settings->addAction(m_settingsAction);

    QMenu *help = menuBar()->addMenu(QStringLiteral("&Help"));
    help->addAction(m_shortcutsAction);
    help->addAction(QStringLiteral("&About Taskscope"), this, [this] {
        QMessageBox::about(
            this, QStringLiteral("About Taskscope"),
            QStringLiteral("<b>Taskscope %1</b><p>Threads and coroutines on one live timeline, and a watchdog "
                           "that explains every UI freeze.</p><p>Qt %2</p>")
                .arg(QCoreApplication::applicationVersion(), QString::fromLatin1(qVersion())));
    });
}

void MainWindow::populateScenarioMenu()
{
    m_scenarioMenu->clear();
    const QDir dir(QStringLiteral(":/scenarios"));
    const QStringList names = dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    for (const QString &name : names) {
        const QString path = dir.filePath(name);
        m_scenarioMenu->addAction(QFileInfo(name).completeBaseName(), this,
                                  [this, path] { Q_EMIT scenarioRequested(path); });
    }
    if (names.isEmpty())
        m_scenarioMenu->addAction(QStringLiteral("(none bundled in this build)"))->setEnabled(false);
}

void MainWindow::buildToolBar()
{
    QToolBar *bar = addToolBar(QStringLiteral("Main"));
    bar->setObjectName(QStringLiteral("MainToolBar"));
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->setIconSize(QSize(16, 16));
    bar->addAction(m_openAction);
    bar->addAction(m_saveAction);
    bar->addAction(m_liveAction);
    bar->addSeparator();
    bar->addAction(m_followAction);
    bar->addAction(m_fitAction);
    bar->addAction(m_fitRunAction);
    bar->addSeparator();
    bar->addAction(m_freezeAction);
}

void MainWindow::buildStatusBar()
{
    m_sourceLabel = new QLabel(this);
    m_frameLabel = new QLabel(this);
    m_frameLabel->setToolTip(
        QStringLiteral("UI frame: the longest gap between two frames of the UI thread over the last half "
                       "second (16.7 ms at 60 fps); paint: the timeline's longest paint"));
    m_frameLabel->setMinimumWidth(
        m_frameLabel->fontMetrics().horizontalAdvance(QStringLiteral("UI frame 1000.0 ms · paint 100.0 ms")));
    m_progress = new QProgressBar(this);
    m_progress->setMaximumWidth(220);
    m_progress->setTextVisible(true);
    m_progress->setVisible(false);
    m_hang = new HangIndicator(this);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_sourceLabel);
    statusBar()->addPermanentWidget(m_frameLabel);
    statusBar()->addPermanentWidget(m_hang);
}

void MainWindow::updateTitle()
{
    if (m_opened) {
        setWindowTitle(QStringLiteral("%1 — Taskscope").arg(QFileInfo(m_openedPath).fileName()));
        m_sourceLabel->setText(QStringLiteral("Showing %1").arg(QFileInfo(m_openedPath).fileName()));
    } else {
        setWindowTitle(QStringLiteral("Taskscope"));
        m_sourceLabel->setText(m_live ? QStringLiteral("Live capture") : QStringLiteral("No capture"));
    }
    m_liveAction->setEnabled(m_opened != nullptr);
}

void MainWindow::showStatus(const QString &text, int timeoutMs)
{
    statusBar()->showMessage(text, timeoutMs);
}

bool MainWindow::showTab(const QString &name)
{
    const QHash<QString, QWidget *> tabs = {
        {QStringLiteral("selection"), m_details},       {QStringLiteral("alerts"), m_alerts},
        {QStringLiteral("transcripts"), m_transcripts}, {QStringLiteral("metrics"), m_metricsView},
        {QStringLiteral("compare"), m_compare},         {QStringLiteral("range"), m_rangeStats}};
    QWidget *tab = tabs.value(name.toLower());
    if (!tab)
        return false;
    m_tabs->setCurrentWidget(tab);
    return true;
}

// ---- frames --------------------------------------------------------------------------------------

void MainWindow::onFrame(quint64 drainedEvents)
{
    const qint64 now = TraceClock::nowNs();
    if (m_lastPaintNs)
        m_worstIntervalNs = std::max(m_worstIntervalNs, now - m_lastPaintNs);
    m_lastPaintNs = now;
    m_pane->onFrame(m_opened ? 0 : drainedEvents);

    if (now - m_lastCountsNs >= CountsIntervalNs) {
        m_lastCountsNs = now;
        if (const TraceStore *store = shownStore()) {
            const LiveCounts counts = LiveCounts::compute(*store, !m_opened);
            m_counts->setCounts(counts, !m_opened);
            m_filterBar->setHiddenCount(m_timeline->layout().filteredOut());
            // An alert band still open in the live trace means a hang is going on right now.
            const bool open = !m_opened && counts.alertsOpen > 0;
            if (open != m_traceHang) {
                m_traceHang = open;
                m_hang->setHangActive(open);
            }
        }
        if (m_tasks)
            m_tasks->tick(now);
        updateFileProgress();
    }
    if (now - m_lastMetricsNs >= MetricsIntervalNs) {
        m_lastMetricsNs = now;
        // A still view does not repaint: then the last paint's cost is the one to show.
        if (m_worstPaintNs > 0)
            m_shownPaintNs = m_worstPaintNs;
        m_frameLabel->setText(
            QStringLiteral("UI frame %1 · paint %2")
                .arg(TimeFormat::duration(m_worstIntervalNs, 1), TimeFormat::duration(m_shownPaintNs, 1)));
        if (m_metrics) {
            m_metrics->add(MetricNames::UiFrameIntervalMs, now, double(m_worstIntervalNs) / 1e6);
            if (m_worstPaintNs > 0)
                m_metrics->add(MetricNames::UiPaintMs, now, double(m_worstPaintNs) / 1e6);
            if (m_live && !m_opened) {
                const LiveCounts &c = m_counts->counts();
                m_metrics->add(MetricNames::LiveThreads, now, c.threadsAlive);
                m_metrics->add(MetricNames::LiveCoroutines, now, c.coroutinesAlive);
                m_metrics->add(MetricNames::RunningCoroutines, now, c.coroutinesRunning);
            }
            if (m_tasks)
                m_metrics->add(MetricNames::LiveTasks, now, m_tasks->activeCount());
        }
        m_worstIntervalNs = 0;
        m_worstPaintNs = 0;
    }
}

void MainWindow::onFramePainted(qint64 paintNs, qint64)
{
    m_worstPaintNs = std::max(m_worstPaintNs, paintNs);
}

// ---- files ---------------------------------------------------------------------------------------

void MainWindow::startJob(TraceFileJob *job)
{
    m_job = job;
    connect(job, &TraceFileJob::finished, this, &MainWindow::jobFinished);
    m_openAction->setEnabled(false);
    m_saveAction->setEnabled(false);
    m_progress->setVisible(true);
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    updateFileProgress();
}

void MainWindow::updateFileProgress()
{
    if (!m_job)
        return;
    const quint64 done = m_job->bytesDone();
    const quint64 total = std::max<quint64>(m_job->bytesTotal(), done);
    m_progress->setValue(total ? int(1000 * done / total) : 0);
    m_progress->setFormat(QStringLiteral("%1 %2").arg(
        m_job->kind() == TraceFileJob::Kind::Save ? QStringLiteral("Saving") : QStringLiteral("Reading"),
        TimeFormat::bytes(done)));
}

void MainWindow::openTrace(const QString &path)
{
    if (m_job) {
        showStatus(QStringLiteral("A trace file is already being read or written."));
        return;
    }
    showStatus(QStringLiteral("Opening %1…").arg(QFileInfo(path).fileName()), 0);
    startJob(TraceFileJob::open(path, this));
}

void MainWindow::saveTrace(const QString &path)
{
    const TraceStore *store = shownStore();
    if (!store) {
        showStatus(QStringLiteral("Nothing to save yet."));
        return;
    }
    if (m_job) {
        showStatus(QStringLiteral("A trace file is already being read or written."));
        return;
    }
    if (!m_opened)
        Q_EMIT liveStoreReadStarted();
    showStatus(QStringLiteral("Saving %1…").arg(QFileInfo(path).fileName()), 0);
    startJob(TraceFileJob::save(*store, path, this));
}

void MainWindow::jobFinished(bool ok, const QString &error)
{
    TraceFileJob *job = m_job;
    m_job = nullptr;
    m_progress->setVisible(false);
    m_openAction->setEnabled(true);
    m_saveAction->setEnabled(true);
    if (!job)
        return;
    job->deleteLater();
    if (job->kind() == TraceFileJob::Kind::Save) {
        if (!m_opened)
            Q_EMIT liveStoreReadFinished();
        showStatus(ok ? QStringLiteral("Saved %1 (%2); it opens in ui.perfetto.dev.")
                            .arg(job->path(), TimeFormat::bytes(job->bytesDone()))
                      : QStringLiteral("Could not save the trace: %1").arg(error),
                   10000);
        return;
    }
    if (!ok) {
        showStatus(QStringLiteral("Could not open %1: %2").arg(QFileInfo(job->path()).fileName(), error), 15000);
        return;
    }
    m_opened = job->takeStore();
    m_openedPath = job->path();
    m_pane->setStore(m_opened.get(), false);
    m_lastCountsNs = 0;
    updateTitle();
    showStatus(
        QStringLiteral("Opened %1: %2 events on %3 lanes%4. The live capture goes on (File ▸ Back to live capture).")
            .arg(QFileInfo(m_openedPath).fileName(), TimeFormat::count(quint64(job->eventsRead())))
            .arg(job->lanesRead())
            .arg(job->eventsSkipped() ? QStringLiteral(", %1 skipped").arg(job->eventsSkipped()) : QString()),
        15000);
    Q_EMIT traceOpened(m_openedPath);
}

void MainWindow::fitRun()
{
    if (m_opened) { // task times belong to the live capture
        m_timeline->fitAll();
        return;
    }
    if (!m_tasks || m_tasks->rowCount() == 0) {
        showStatus(QStringLiteral("No run to fit yet: start a stream or a scenario."));
        return;
    }
    QList<quint64> ids = m_streamPanel->selectedTaskIds();
    if (ids.isEmpty())
        ids.append(m_tasks->taskIdAt(m_tasks->rowCount() - 1));
    qint64 start = std::numeric_limits<qint64>::max(), end = 0;
    bool running = false;
    for (const quint64 id : std::as_const(ids)) {
        if (const TaskRow *t = m_tasks->task(id)) {
            start = std::min(start, t->startedNs);
            running = running || t->endedNs < 0;
            end = std::max(end, t->endedNs);
        }
    }
    if (start == std::numeric_limits<qint64>::max())
        return;
    m_timeline->fitRun(start, running ? -1 : end);
}

void MainWindow::backToLive()
{
    if (!m_opened)
        return;
    m_pane->setStore(m_live, true);
    m_opened.reset();
    m_openedPath.clear();
    m_lastCountsNs = 0;
    updateTitle();
}

QJsonObject MainWindow::windowReport() const
{
    return WindowReport::build(shownStore(), !m_opened, m_metrics, m_tasks);
}

void MainWindow::exportReport(const QString &path)
{
    const QJsonObject report = m_reportProvider ? m_reportProvider() : windowReport();
    const QByteArray json = QJsonDocument(report).toJson(QJsonDocument::Indented);
    AsyncFile::write(this, path, json, [this, path](const QString &error) {
        showStatus(error.isEmpty() ? QStringLiteral("Report written to %1").arg(path) : error, 10000);
    });
}

// ---- the rest ------------------------------------------------------------------------------------

void MainWindow::freezeUi()
{
    // Real work on the UI thread, recorded like any other span so the timeline and the watchdog
    // both see it: nothing here is simulated.
    static const NameId sleepName = TraceNames::intern(
        QStringLiteral("Freeze the UI: blocking sleep on the UI thread"));
    static const NameId busyName = TraceNames::intern(QStringLiteral("Freeze the UI: busy loop on the UI thread"));
    const int ms = m_settings.freezeMs;
    const bool busy = m_settings.freezeKind == AppSettings::FreezeKind::Busy;
    const qint64 start = TraceClock::nowNs();
    {
        const TraceScope scope(busy ? busyName : sleepName, std::uint64_t(ms));
        if (busy) {
            // Hash a buffer until the time is up, so the thread is running (R), not sleeping.
            std::uint64_t h = 1469598103934665603ull;
            const qint64 end = start + qint64(ms) * 1'000'000;
            while (TraceClock::nowNs() < end) {
                for (int i = 0; i < 4096; ++i)
                    h = (h ^ std::uint64_t(i)) * 1099511628211ull;
            }
            volatile std::uint64_t sink = h;
            (void)sink;
        } else {
            QThread::msleep(ulong(ms));
        }
    }
    const qint64 took = TraceClock::nowNs() - start;
    showStatus(QStringLiteral("The UI thread was blocked for %1 on purpose (%2): the span is on the UI thread's lane, "
                              "named so a watchdog can name the culprit.")
                   .arg(TimeFormat::duration(took, 2), busy ? QStringLiteral("busy loop") : QStringLiteral("sleep")),
               12000);
}

void MainWindow::showSettings()
{
    SettingsDialog dialog(this);
    dialog.setSettings(m_settings);
    if (dialog.exec() != QDialog::Accepted)
        return;
    setSettings(dialog.settings());
    Q_EMIT settingsChanged(m_settings);
}

void MainWindow::applyTheme(AppSettings::Theme theme)
{
    AppTheme::apply(theme);
}

bool MainWindow::event(QEvent *event)
{
    // The repaint of every widget in the window and its flush happen inside the top level's
    // UpdateRequest: its end is when a frame is done.
    if (event->type() != QEvent::UpdateRequest)
        return QMainWindow::event(event);
    const bool handled = QMainWindow::event(event);
    Q_EMIT framePresented(TraceClock::nowNs());
    return handled;
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    // Never wait here: the app stops streams on closing(); a file job is cancelled and finishes on
    // its pool thread (the app waits for the pool after the event loop ends).
    if (m_job)
        m_job->cancel();
    Q_EMIT closing();
    event->accept();
}

} // namespace Taskscope::Ui
