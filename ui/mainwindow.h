#pragma once

#include "model/appsettings.h"
#include "model/livecounts.h"
#include "ui/tracefilejob.h"

#include <QIcon>
#include <QJsonObject>
#include <QMainWindow>
#include <QPointer>

#include <functional>
#include <memory>

class QAbstractItemModel;
class QAction;
class QActionGroup;
class QLabel;
class QMenu;
class QProgressBar;
class QTabWidget;
namespace Taskscope::Model {
class MetricsSeries;
class TaskListModel;
class TranscriptModel;
} // namespace Taskscope::Model
namespace Taskscope::Trace {
class TraceStore;
} // namespace Taskscope::Trace

namespace Taskscope::Ui {

class AlertInspector;
class CompareView;
class HangIndicator;
class LaneFilterBar;
class LiveCountsBar;
class MetricsView;
class RangeStatsView;
class SpanDetailsPanel;
class StreamPanel;
class TimelinePane;
class TimelineView;
class TranscriptView;

/// Taskscope's window: the live timeline in the middle, the stream panel and task list on the left,
/// selection / alerts / transcripts / metrics / compare tabs below, menus, toolbar, shortcuts and a
/// status bar with the hang light.
///
/// It owns no workload and no drain: the app gives it the live TraceStore and calls onFrame() after
/// each drain; it gives it the models (tasks, transcripts, metrics, alerts) it fills. The window
/// emits requests (start, stop, scenario, settings) that the app's controllers carry out.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // What the app wires.
    void setLiveStore(Trace::TraceStore *store);
    void setTaskModel(Model::TaskListModel *model);
    void setTranscriptModel(Model::TranscriptModel *model);
    void setMetrics(Model::MetricsSeries *metrics);
    /// The watchdog's alert list (AlertRoles); nullptr shows `unavailableText` instead.
    void setAlertModel(QAbstractItemModel *model, const QString &unavailableText = {});
    /// Builds the JSON of File ▸ Export report (the app's run report); the default describes the
    /// window's own figures.
    void setReportProvider(std::function<QJsonObject()> provider);
    void setSettings(const Model::AppSettings &settings);
    const Model::AppSettings &settings() const { return m_settings; }

    TimelineView *timeline() const { return m_timeline; }
    TimelinePane *timelinePane() const { return m_pane; }
    StreamPanel *streamPanel() const { return m_streamPanel; }
    AlertInspector *alertInspector() const { return m_alerts; }
    TranscriptView *transcriptView() const { return m_transcripts; }
    MetricsView *metricsView() const { return m_metricsView; }
    CompareView *compareView() const { return m_compare; }
    RangeStatsView *rangeStatsView() const { return m_rangeStats; }
    LaneFilterBar *laneFilterBar() const { return m_filterBar; }
    HangIndicator *hangIndicator() const { return m_hang; }
    LiveCountsBar *liveCountsBar() const { return m_counts; }
    SpanDetailsPanel *spanDetails() const { return m_details; }
    QTabWidget *bottomTabs() const { return m_tabs; }
    QAction *freezeAction() const { return m_freezeAction; }

    /// The app icon: the SVG where Qt can render SVG (the qt6-svg plugin), else the PNG beside it.
    static QIcon applicationIcon();
    /// Whether the timeline shows an opened trace file rather than the live capture.
    bool showsOpenedTrace() const { return m_opened != nullptr; }
    const Trace::TraceStore *shownStore() const;
    bool fileJobRunning() const { return m_job != nullptr; }
    /// The window's own report (File ▸ Export report's default).
    QJsonObject windowReport() const;
    /// Shows a bottom tab by name: "selection", "alerts", "transcripts", "metrics", "compare", "range".
    bool showTab(const QString &name);

public Q_SLOTS:
    /// After each drain (at frame rate): repaint, advance counters, feed the frame-time series.
    void onFrame(quint64 drainedEvents);
    void openTrace(const QString &path);
    void saveTrace(const QString &path);
    void exportReport(const QString &path);
    void backToLive();
    /// Shows the tasks selected in the stream panel (else the latest task) whole on the timeline.
    void fitRun();
    /// Blocks the UI thread on purpose for settings().freezeMs, inside a TraceScope the watchdog names.
    void freezeUi();
    void showSettings();
    /// Sets the application's style and palette. Cheapest before any window exists.
    static void applyTheme(Model::AppSettings::Theme theme);
    /// The start-up path: the theme is set before the window is built, so nothing is polished twice.
    static void applyThemeBeforeWindow(Model::AppSettings::Theme theme);
    void showStatus(const QString &text, int timeoutMs = 6000);

Q_SIGNALS:
    void settingsChanged(const Model::AppSettings &settings);
    void scenarioRequested(const QString &path);
    /// The live store is about to be read from another thread (a save): pause the drain until
    /// liveStoreReadFinished().
    void liveStoreReadStarted();
    void liveStoreReadFinished();
    /// The window is closing: stop every stream now (the window does not wait for them).
    void closing();
    void traceOpened(const QString &path);
    /// A repaint of the window ended at `nowNs` (TraceClock): its pixels went to the window system.
    void framePresented(qint64 nowNs);

protected:
    bool event(QEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    void buildActions();
    void buildFileActions();
    void buildViewActions();
    void buildHelpActions();
    void buildMenus();
    void buildToolBar();
    void buildStatusBar();
    void updateTitle();
    void updateFileProgress();
    void startJob(TraceFileJob *job);
    void jobFinished(bool ok, const QString &error);
    void onFramePainted(qint64 paintNs, qint64 intervalNs);
    void populateScenarioMenu();

    Trace::TraceStore *m_live = nullptr;
    std::unique_ptr<Trace::TraceStore> m_opened;
    QString m_openedPath;
    Model::AppSettings m_settings;
    std::function<QJsonObject()> m_reportProvider;
    Model::MetricsSeries *m_metrics = nullptr;
    Model::TaskListModel *m_tasks = nullptr;

    TimelinePane *m_pane = nullptr;
    TimelineView *m_timeline = nullptr;
    LiveCountsBar *m_counts = nullptr;
    StreamPanel *m_streamPanel = nullptr;
    AlertInspector *m_alerts = nullptr;
    TranscriptView *m_transcripts = nullptr;
    MetricsView *m_metricsView = nullptr;
    CompareView *m_compare = nullptr;
    RangeStatsView *m_rangeStats = nullptr;
    LaneFilterBar *m_filterBar = nullptr;
    SpanDetailsPanel *m_details = nullptr;
    QTabWidget *m_tabs = nullptr;
    HangIndicator *m_hang = nullptr;
    QLabel *m_frameLabel = nullptr;
    QLabel *m_sourceLabel = nullptr;
    QProgressBar *m_progress = nullptr;
    QPointer<TraceFileJob> m_job;

    QAction *m_openAction = nullptr;
    QAction *m_saveAction = nullptr;
    QAction *m_reportAction = nullptr;
    QAction *m_scenarioAction = nullptr;
    QAction *m_liveAction = nullptr;
    QAction *m_quitAction = nullptr;
    QAction *m_followAction = nullptr;
    QAction *m_fitAction = nullptr;
    QAction *m_fitRunAction = nullptr;
    QAction *m_pauseAction = nullptr;
    QAction *m_zoomInAction = nullptr;
    QAction *m_zoomOutAction = nullptr;
    QAction *m_expandAction = nullptr;
    QAction *m_freezeAction = nullptr;
    QAction *m_settingsAction = nullptr;
    QAction *m_shortcutsAction = nullptr;
    QActionGroup *m_themeGroup = nullptr;
    QMenu *m_scenarioMenu = nullptr;
    QMenu *m_viewMenu = nullptr;

    // Per-frame bookkeeping.
    qint64 m_lastCountsNs = 0;
    qint64 m_lastMetricsNs = 0;
    qint64 m_worstIntervalNs = 0;
    qint64 m_worstPaintNs = 0;
    qint64 m_lastPaintNs = 0;
    qint64 m_shownPaintNs = 0;
    bool m_themeApplied = false;
    bool m_traceHang = false;
    static bool s_themeAppliedBeforeWindow;
    static Model::AppSettings::Theme s_themeBeforeWindow;
};

} // namespace Taskscope::Ui
