#include "app/gui/windowautomation.h"

#include "app/gui/guisession.h"
#include "model/trace/laneregistry.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracestore.h"
#include "ui/alertinspector.h"
#include "ui/lanefilterbar.h"
#include "ui/mainwindow.h"
#include "ui/metricsview.h"
#include "ui/timelineview.h"

#include <QApplication>
#include <QJsonDocument>
#include <QLineEdit>
#include <QSaveFile>
#include <QTimer>

#include <cstdio>

using Taskscope::Model::AlertRecord;
using Taskscope::Trace::LaneId;
using Taskscope::Trace::LaneInfo;
using Taskscope::Trace::TraceNames;
using Taskscope::Ui::MainWindow;
using Taskscope::Ui::TimelineRow;

namespace Taskscope::Gui {

namespace {

/// --zoom, --select, --highlight-alert and --tab, once the trace is there to act on.
void arrange(MainWindow &window, const GuiCommandLine &options)
{
    if (options.zoomFrom >= 0 && options.zoomTo > options.zoomFrom)
        window.timeline()->zoomToRange(options.zoomFrom, options.zoomTo);
    if (!options.selectAt.isEmpty()) {
        // lane,depth,ns where lane is a lane id or a lane's name (ids change when a file is read).
        const QStringList p = options.selectAt.split(QLatin1Char(','));
        bool isId = false;
        LaneId lane = LaneId(p.value(0).toUInt(&isId));
        if (!isId && window.shownStore()) {
            for (const LaneInfo &info : window.shownStore()->lanes()) {
                if (TraceNames::name(info.name) == p.value(0) && window.shownStore()->depthCount(info.id) > 0)
                    lane = info.id;
            }
        }
        window.timeline()->relayout();
        if (window.timeline()->layout().rowOfLane(lane) >= 0) {
            const TimelineRow &row =
                window.timeline()->layout().rows()[std::size_t(window.timeline()->layout().rowOfLane(lane))];
            if (row.type == TimelineRow::Type::Group)
                window.timeline()->layout().toggle(row);
            window.timeline()->relayout();
        }
        window.timeline()->selectSpanAt(lane, p.value(1).toInt(), p.value(2).toLongLong());
        window.timeline()->scrollToLane(lane);
    }
    if (options.highlightAlert > 0)
        window.timeline()->highlightAlert(quint32(options.highlightAlert));
    if (!options.laneFilter.isEmpty())
        window.laneFilterBar()->textBox()->setText(options.laneFilter);
    if (!options.tab.isEmpty())
        window.showTab(options.tab);
}

/// --screenshot: saves a PNG of the window after the delay, then closes it.
void scheduleScreenshot(GuiSession &session, MainWindow &window, const GuiCommandLine &options)
{
    const auto shoot = [&session, &window, &options] {
        // What a user would have done by then: expand groups, select a range, compare two tasks.
        if (options.expandGroups)
            window.timeline()->expandAllGroups();
        if (options.rangeToMs > options.rangeFromMs && options.rangeFromMs >= 0)
            window.timeline()->setRange(options.rangeFromMs * 1'000'000, options.rangeToMs * 1'000'000);
        if (options.compareTaskA && options.compareTaskB)
            session.compareTasks(options.compareTaskA, options.compareTaskB);
        if (options.fitAll)
            window.timeline()->fitAll();
        QCoreApplication::processEvents();
        window.metricsView()->refreshNow();
        const bool saved = window.grab().save(options.screenshot);
        std::fprintf(stderr, "taskscope: %s %s\n", saved ? "wrote" : "could not write", qPrintable(options.screenshot));
        window.close();
        if (!saved)
            QApplication::exit(1);
    };
    // With a comparison running, the delay counts from its end (its length is not known).
    if (!options.compareScenario.isEmpty())
        QObject::connect(&session, &GuiSession::comparisonFinished, &window,
                         [&window, &options, shoot] { QTimer::singleShot(options.screenshotAfterMs, &window, shoot); });
    else
        QTimer::singleShot(options.screenshotAfterMs, &window, shoot);
}

} // namespace

void WindowAutomation::install(GuiSession &session, const GuiCommandLine &options)
{
    MainWindow &window = session.window();
    if (options.selectAlert > 0) {
        // Selecting it shows its evidence and moves the timeline to it, as a click would.
        QObject::connect(&session.watchdog(), &WatchdogController::alertEnded, &window,
                         [&window, &options](const AlertRecord &alert) {
                             if (alert.previousSession || alert.id != quint32(options.selectAlert))
                                 return;
                             window.showTab(QStringLiteral("alerts"));
                             window.alertInspector()->selectAlert(alert.id);
                         });
    }
    if (!options.tab.isEmpty())
        window.showTab(options.tab);
    if (options.freezeAfterMs >= 0)
        QTimer::singleShot(options.freezeAfterMs, &window, &MainWindow::freezeUi);
    if (options.framesFromMs >= 0)
        QTimer::singleShot(options.framesFromMs, &window, [&session] { session.frames().reset(); });
    // Once a trace is open (or straight away for the live view).
    if (!options.traceFile.isEmpty())
        QObject::connect(&window, &MainWindow::traceOpened, &window, [&window, &options] { arrange(window, options); });
    else
        QTimer::singleShot(0, &window, [&window, &options] { arrange(window, options); });
    if (!options.screenshot.isEmpty())
        scheduleScreenshot(session, window, options);
    // Closes the window like a user would (closing() and all), so shutting down is measured as it is.
    if (options.quitAfterMs >= 0)
        QTimer::singleShot(options.quitAfterMs, &window, &QWidget::close);
    if (options.quitAfterScenarioMs >= 0) {
        QObject::connect(&session, &GuiSession::scenarioFinished, &window, [&window, &options] {
            QTimer::singleShot(options.quitAfterScenarioMs, &window, &QWidget::close);
        });
    }
    if (!options.reportOnClose.isEmpty()) {
        // Comparing a window run with a headless one: the report as Export report writes it.
        QObject::connect(&window, &MainWindow::closing, &window, [&session, &options] {
            QSaveFile file(options.reportOnClose);
            const QByteArray bytes = QJsonDocument(session.report()).toJson(QJsonDocument::Indented);
            if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
                std::fprintf(stderr, "taskscope: cannot write %s: %s\n", qPrintable(options.reportOnClose),
                             qPrintable(file.errorString()));
        });
    }
}

} // namespace Taskscope::Gui
