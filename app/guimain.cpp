#include "app/guimain.h"

#include "app/guisession.h"
#include "app/taskscopeapplication.h"
#include "model/appsettings.h"
#include "model/laneregistry.h"
#include "model/procstat.h"
#include "model/traceclock.h"
#include "model/tracenames.h"
#include "model/tracerecorder.h"
#include "model/tracestore.h"
#include "ui/alertinspector.h"
#include "ui/compareview.h"
#include "ui/mainwindow.h"
#include "ui/metricsview.h"
#include "ui/streampanel.h"
#include "ui/timelineview.h"

#include <QApplication>
#include <QAudioDevice>
#include <QCommandLineParser>
#include <QDockWidget>
#include <QSplitter>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QMediaDevices>
#include <QMetaMethod>
#include <QSaveFile>
#include <QSettings>
#include <QThreadPool>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <ctime>
#include <unistd.h>

namespace {

/// Milliseconds since this process was exec'd, from /proc/self/stat's start time (clock ticks since
/// boot, so 10 ms resolution) against CLOCK_BOOTTIME. -1 if unknown.
double msSinceProcessStart()
{
    // starttime is field 22.
    const QList<QByteArray> fields = ProcStat::fieldsAfterCommand(0);
    if (fields.size() < 20)
        return -1;
    bool ok = false;
    const double startTicks = double(fields[19].toULongLong(&ok));
    const long hz = sysconf(_SC_CLK_TCK);
    timespec now {};
    if (!ok || hz <= 0 || clock_gettime(CLOCK_BOOTTIME, &now) != 0)
        return -1;
    const double nowMs = double(now.tv_sec) * 1e3 + double(now.tv_nsec) / 1e6;
    return nowMs - startTicks * 1000.0 / double(hz);
}

struct Options
{
    QString traceFile;
    QString scenario;
    QString screenshot;
    int screenshotAfterMs = 1500;
    QString tab;
    int freezeAfterMs = -1;
    bool startupReport = false;
    QString theme;
    QString compareReports;
    QString compareScenario;
    int selectAlert = 0;
    qint64 zoomFrom = -1, zoomTo = -1;
    QString selectAt;
    int highlightAlert = 0;
    int quitAfterMs = -1;
    QString reportOnClose;
    int quitAfterScenarioMs = -1;
    int framesFromMs = -1;
    int width = 0, height = 0;
    QList<int> split;
};

bool parseOptions(QApplication &app, Options *o)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Taskscope: threads and coroutines on one live timeline, and a watchdog that explains UI freezes.\n"
        "Run `taskscope --headless --scenario FILE` for the scenario runner without a window."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("trace"), QStringLiteral("A Chrome trace (JSON) to open in the timeline."), QStringLiteral("[trace.json]"));
    QCommandLineOption scenario(QStringLiteral("scenario"), QStringLiteral("Load a scenario file at start-up."), QStringLiteral("file"));
    QCommandLineOption compare(QStringLiteral("compare-reports"), QStringLiteral("Show two JSON reports side by side in the Compare tab."),
                               QStringLiteral("a.json,b.json"));
    QCommandLineOption compareRun(QStringLiteral("compare-scenario"),
                                  QStringLiteral("Run a scenario in two execution models (headless, in the background) and show "
                                                 "both runs in the Compare tab."),
                                  QStringLiteral("file,model,model"));
    QCommandLineOption theme(QStringLiteral("theme"), QStringLiteral("light, dark or system for this session (not saved)."), QStringLiteral("theme"));
    QCommandLineOption startup(QStringLiteral("startup-report"),
                               QStringLiteral("Print how long the window took to appear, the frame times and how long closing took."));
    // Automation, for scripts/screenshot: not shown in --help.
    QCommandLineOption screenshot(QStringLiteral("screenshot"), QStringLiteral("Save a PNG of the window, then quit."), QStringLiteral("file"));
    QCommandLineOption after(QStringLiteral("screenshot-after-ms"), QStringLiteral("Delay before the screenshot."), QStringLiteral("ms"));
    QCommandLineOption tab(QStringLiteral("tab"), QStringLiteral("Bottom tab to show."), QStringLiteral("name"));
    QCommandLineOption freeze(QStringLiteral("freeze-after-ms"), QStringLiteral("Trigger Run > Freeze the UI after this delay."), QStringLiteral("ms"));
    QCommandLineOption zoom(QStringLiteral("zoom"), QStringLiteral("Show this time range (ns,ns) once loaded."), QStringLiteral("from,to"));
    QCommandLineOption select(QStringLiteral("select"), QStringLiteral("Select the span at lane,depth,ns once loaded."), QStringLiteral("lane,depth,ns"));
    QCommandLineOption alert(QStringLiteral("highlight-alert"), QStringLiteral("Highlight an alert band once loaded."), QStringLiteral("id"));
    QCommandLineOption selectAlert(QStringLiteral("select-alert"), QStringLiteral("Select this run's alert in the inspector when it ends."),
                                   QStringLiteral("id"));
    QCommandLineOption quit(QStringLiteral("quit-after-ms"), QStringLiteral("Close the window after this delay."), QStringLiteral("ms"));
    QCommandLineOption reportOnClose(QStringLiteral("report-on-close"), QStringLiteral("Write the window's report when it closes."),
                                     QStringLiteral("file"));
    QCommandLineOption quitAfterScenario(QStringLiteral("quit-after-scenario-ms"),
                                         QStringLiteral("Close the window this long after the --scenario run finished."),
                                         QStringLiteral("ms"));
    QCommandLineOption frames(QStringLiteral("frames-from-ms"), QStringLiteral("Measure frame times from this moment on."), QStringLiteral("ms"));
    QCommandLineOption size(QStringLiteral("window-size"), QStringLiteral("Window size."), QStringLiteral("WxH"));
    QCommandLineOption split(QStringLiteral("split"), QStringLiteral("Heights of the timeline and the tabs below it."),
                             QStringLiteral("top,bottom"));
    for (QCommandLineOption *hidden : {&screenshot, &after, &tab, &freeze, &zoom, &select, &alert, &selectAlert, &quit, &reportOnClose,
                                       &quitAfterScenario, &frames, &size, &split})
        hidden->setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOptions({scenario, compare, compareRun, theme, startup, screenshot, after, tab, freeze, zoom, select, alert, selectAlert, quit,
                       reportOnClose, quitAfterScenario, frames, size, split});
    parser.process(app);

    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1) {
        std::fprintf(stderr, "taskscope: give at most one trace file\n");
        return false;
    }
    o->traceFile = positional.value(0);
    o->scenario = parser.value(scenario);
    o->compareReports = parser.value(compare);
    o->compareScenario = parser.value(compareRun);
    o->theme = parser.value(theme);
    o->startupReport = parser.isSet(startup);
    o->screenshot = parser.value(screenshot);
    o->tab = parser.value(tab);
    o->selectAt = parser.value(select);
    bool ok = true;
    const auto number = [&](const QCommandLineOption &opt, int fallback) {
        if (!parser.isSet(opt))
            return fallback;
        bool good = false;
        const int v = parser.value(opt).toInt(&good);
        if (!good || v < 0) {
            std::fprintf(stderr, "taskscope: --%s needs a non-negative number\n", qPrintable(opt.names().constFirst()));
            ok = false;
        }
        return v;
    };
    o->screenshotAfterMs = number(after, 1500);
    o->freezeAfterMs = number(freeze, -1);
    o->highlightAlert = number(alert, 0);
    o->selectAlert = number(selectAlert, 0);
    o->quitAfterMs = number(quit, -1);
    o->reportOnClose = parser.value(reportOnClose);
    o->quitAfterScenarioMs = number(quitAfterScenario, -1);
    o->framesFromMs = number(frames, -1);
    if (parser.isSet(zoom)) {
        const QStringList parts = parser.value(zoom).split(QLatin1Char(','));
        o->zoomFrom = parts.value(0).toLongLong();
        o->zoomTo = parts.value(1).toLongLong();
    }
    if (parser.isSet(split)) {
        for (const QString &part : parser.value(split).split(QLatin1Char(',')))
            o->split.append(part.toInt());
    }
    if (parser.isSet(size)) {
        const QStringList parts = parser.value(size).split(QLatin1Char('x'));
        o->width = parts.value(0).toInt();
        o->height = parts.value(1).toInt();
    }
    return ok;
}

} // namespace

int runGui(int argc, char *argv[])
{
    std::signal(SIGPIPE, SIG_IGN);
    QApplication::setHighDpiScaleFactorRoundingPolicy(Qt::HighDpiScaleFactorRoundingPolicy::PassThrough);
    // Its notify() brackets every dispatch for the watchdog: it must be the application object.
    TaskscopeApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Taskscope"));
    QApplication::setOrganizationName(QStringLiteral("Taskscope"));
    QApplication::setApplicationVersion(QStringLiteral("0.1.0"));
    QApplication::setDesktopFileName(QStringLiteral("taskscope"));
    QApplication::setWindowIcon(MainWindow::applicationIcon());
    LaneRegistry::nameCurrentThread(QStringLiteral("UI thread"));

    Options options;
    if (!parseOptions(app, &options))
        return 2;

    QSettings store;
    AppSettings settings;
    settings.load(store);
    if (!options.theme.isEmpty())
        settings.theme = AppSettings::themeFromString(options.theme);

    MainWindow::applyThemeBeforeWindow(settings.theme);
    GuiSession session(settings, GuiSession::Options());
    MainWindow &window = session.window();

    // Start-up time: process start to the timeline's first paint.
    QObject::connect(
        window.timeline(), &TimelineView::framePainted, &window,
        [&window, &options, shown = false]() mutable {
            if (shown)
                return;
            shown = true;
            const double ms = msSinceProcessStart();
            static const NameId name = TraceNames::intern(QStringLiteral("window shown"));
            TraceRecorder::instant(UiThreadLane, name, std::uint64_t(std::max(0.0, ms)));
            window.showStatus(QStringLiteral("Ready: window drawn %1 ms after launch.").arg(ms, 0, 'f', 0), 8000);
            if (options.startupReport)
                std::fprintf(stderr, "taskscope: window shown %.0f ms after process start (first paint)\n", ms);
            // Device discovery can take a while (audio servers): after the window is up, never before.
            QTimer::singleShot(0, &window, [&window] {
                QStringList inputs;
                const QList<QAudioDevice> devices = QMediaDevices::audioInputs();
                for (const QAudioDevice &device : devices)
                    inputs.append(device.description());
                window.streamPanel()->setAudioInputs(inputs);
            });
        },
        Qt::QueuedConnection);
    if (options.startupReport) {
        QObject::connect(&session, &GuiSession::serviceReady, &window, [&session](const QUrl &url) {
            std::fprintf(stderr, "taskscope: built-in service %s ready (started in %.0f ms off the UI thread)\n",
                         qPrintable(url.toString()), session.service().startMs());
        });
    }

    if (options.width > 0 && options.height > 0)
        window.resize(options.width, options.height);
    window.show();
    // Once laid out: the stream panel's task list wants room for the tasks' names.
    QTimer::singleShot(0, &window, [&window, &options] {
        if (auto *dock = window.findChild<QDockWidget *>(QStringLiteral("StreamsDock")))
            window.resizeDocks({dock}, {std::min(480, window.width() / 3)}, Qt::Horizontal);
        if (auto *splitter = qobject_cast<QSplitter *>(window.centralWidget()); splitter && options.split.size() == 2)
            splitter->setSizes(options.split);
    });
    window.timeline()->setFocus(); // so F, Space, W/A/S/D work straight away
    session.start();

    if (!options.traceFile.isEmpty())
        window.openTrace(options.traceFile);
    if (!options.scenario.isEmpty()) {
        QString error;
        if (!session.runScenario(options.scenario, &error)) {
            std::fprintf(stderr, "taskscope: %s\n", qPrintable(error));
            window.showStatus(error, 20000);
        }
    }
    if (!options.compareReports.isEmpty()) {
        const QStringList files = options.compareReports.split(QLatin1Char(','));
        window.compareView()->loadReportFile(0, files.value(0));
        if (files.size() > 1)
            window.compareView()->loadReportFile(1, files.value(1));
    }
    if (!options.compareScenario.isEmpty()) {
        const QStringList parts = options.compareScenario.split(QLatin1Char(','));
        ExecutionModel a = ExecutionModel::Coroutine, b = ExecutionModel::Offload;
        if (parts.size() != 3 || !WorkloadSpec::parse(parts[1], &a) || !WorkloadSpec::parse(parts[2], &b)
            || !session.runComparison(parts[0], a, b)) {
            std::fprintf(stderr, "taskscope: --compare-scenario needs FILE,MODEL,MODEL (%s)\n", qPrintable(session.compare().errorString()));
            return 2;
        }
        window.showTab(QStringLiteral("compare"));
    }
    if (options.selectAlert > 0) {
        // Selecting it shows its evidence and moves the timeline to it, as a click would.
        QObject::connect(&session.watchdog(), &WatchdogController::alertEnded, &window, [&window, &options](const AlertRecord &alert) {
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

    // Automation once a trace is open (or straight away for the live view).
    const auto arrange = [&window, &options] {
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
                const TimelineRow &row = window.timeline()->layout().rows()[std::size_t(window.timeline()->layout().rowOfLane(lane))];
                if (row.type == TimelineRow::Type::Group)
                    window.timeline()->layout().toggle(row);
                window.timeline()->relayout();
            }
            window.timeline()->selectSpanAt(lane, p.value(1).toInt(), p.value(2).toLongLong());
            window.timeline()->scrollToLane(lane);
        }
        if (options.highlightAlert > 0)
            window.timeline()->highlightAlert(quint32(options.highlightAlert));
        if (!options.tab.isEmpty())
            window.showTab(options.tab);
    };
    if (!options.traceFile.isEmpty())
        QObject::connect(&window, &MainWindow::traceOpened, &window, arrange);
    else
        QTimer::singleShot(0, &window, arrange);

    if (!options.screenshot.isEmpty()) {
        const auto shoot = [&window, &options] {
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
    // Closes the window like a user would (closing() and all), so shutting down is measured as it is.
    if (options.quitAfterMs >= 0)
        QTimer::singleShot(options.quitAfterMs, &window, &QWidget::close);
    if (options.quitAfterScenarioMs >= 0) {
        QObject::connect(&session, &GuiSession::scenarioFinished, &window,
                         [&window, &options] { QTimer::singleShot(options.quitAfterScenarioMs, &window, &QWidget::close); });
    }
    if (!options.reportOnClose.isEmpty()) {
        // Automation (comparing a window run with a headless one): the report as Export report writes it.
        QObject::connect(&window, &MainWindow::closing, &window, [&session, &options] {
            QSaveFile file(options.reportOnClose);
            const QByteArray bytes = QJsonDocument(session.report()).toJson(QJsonDocument::Indented);
            if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
                std::fprintf(stderr, "taskscope: cannot write %s: %s\n", qPrintable(options.reportOnClose), qPrintable(file.errorString()));
        });
    }

    qint64 closedNs = 0;
    int streamsAtClose = 0;
    QObject::connect(&window, &MainWindow::closing, &window, [&closedNs, &streamsAtClose, &session] {
        closedNs = TraceClock::nowNs();
        streamsAtClose = session.liveStreams();
    });
    const int code = app.exec();
    if (closedNs == 0)
        closedNs = TraceClock::nowNs();
    const GuiSession::ShutdownTimes times = session.shutdown();
    // A trace save or open may still be on the pool (cancelled on close): let it end before the
    // stores it reads go away.
    QThreadPool::globalInstance()->waitForDone();
    if (options.startupReport) {
        std::fprintf(stderr, "taskscope: UI %s\n", qPrintable(session.frames().describe()));
        std::fprintf(stderr,
                     "taskscope: closed with %d live streams; shut down %.0f ms after the window closed "
                     "(workloads %.0f ms, %d not ended in time; watchdog %.0f ms; service %.0f ms)\n",
                     streamsAtClose, double(TraceClock::nowNs() - closedNs) / 1e6, times.workloadsMs, times.workloadsLeft,
                     times.watchdogMs, times.serviceMs);
    }
    return code;
}
