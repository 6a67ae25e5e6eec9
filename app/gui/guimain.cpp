#include "app/gui/guimain.h"

#include "app/gui/guicommandline.h"
#include "app/gui/guisession.h"
#include "app/gui/taskscopeapplication.h"
#include "app/gui/windowautomation.h"
#include "app/probe/launchcommandline.h"
#include "model/appsettings.h"
#include "model/procstat.h"
#include "model/trace/laneregistry.h"
#include "model/trace/traceclock.h"
#include "ui/compareview.h"
#include "ui/mainwindow.h"
#include "ui/streampanel.h"
#include "ui/timelineview.h"
#include "workers/execution/mainthreadnesting.h"

#include <QApplication>
#include <QAudioDevice>
#include <QDockWidget>
#include <QMediaDevices>
#include <QProcess>
#include <QSettings>
#include <QSplitter>
#include <QThreadPool>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <optional>

#include <unistd.h>

using Taskscope::Model::AppSettings;
using Taskscope::Model::ExecutionModel;
using Taskscope::Model::ProcStat;
using Taskscope::Model::WorkloadSpec;
using Taskscope::Trace::LaneRegistry;
using Taskscope::Trace::TraceClock;
using Taskscope::Ui::MainWindow;

namespace Taskscope::Gui {

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

/// `taskscope launch -- PROGRAM` / `taskscope attach PID` without --headless: the window watches it.
/// False after printing why the command line is wrong.
bool readWatchCommandLine(int argc, char *argv[], std::optional<Taskscope::Probe::LaunchCommandLine> *watch)
{
    if (argc < 2 || (std::strcmp(argv[1], "launch") != 0 && std::strcmp(argv[1], "attach") != 0))
        return true;
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    QString error;
    *watch = Taskscope::Probe::LaunchCommandLine::parse(arguments, &error);
    if (!*watch)
        std::fprintf(stderr, "taskscope %s: %s\n", argv[1], qPrintable(error));
    return watch->has_value();
}

/// Starts watching what `taskscope launch|attach` or the hidden --watch option named.
void startWatching(GuiSession &session, std::optional<Taskscope::Probe::LaunchCommandLine> watch,
                   const QString &watchCommand)
{
    if (!watch && !watchCommand.isEmpty()) {
        const QStringList command = QProcess::splitCommand(watchCommand);
        watch.emplace();
        watch->program = command.value(0);
        watch->programArguments = command.mid(1);
    }
    if (!watch)
        return;
    QString error;
    const bool started = watch->attachPid > 0
        ? session.probes().attach(watch->attachPid, &error) != nullptr
        : session.probes().launch({watch->program, watch->programArguments, {}, {}}, &error) != nullptr;
    if (!started)
        std::fprintf(stderr, "taskscope: cannot watch the program: %s\n", qPrintable(error));
}

/// --compare-reports and --compare-scenario; false after printing what is wrong.
bool openComparisons(GuiSession &session, MainWindow &window, const GuiCommandLine &options)
{
    if (!options.compareReports.isEmpty()) {
        const QStringList files = options.compareReports.split(QLatin1Char(','));
        window.compareView()->loadReportFile(0, files.value(0));
        if (files.size() > 1)
            window.compareView()->loadReportFile(1, files.value(1));
    }
    if (options.compareScenario.isEmpty())
        return true;
    const QStringList parts = options.compareScenario.split(QLatin1Char(','));
    ExecutionModel a = ExecutionModel::Coroutine, b = ExecutionModel::Offload;
    if (parts.size() != 3 || !WorkloadSpec::parse(parts[1], &a) || !WorkloadSpec::parse(parts[2], &b)
        || !session.runComparison(parts[0], a, b)) {
        std::fprintf(stderr, "taskscope: --compare-scenario needs FILE,MODEL,MODEL (%s)\n",
                     qPrintable(session.compare().errorString()));
        return false;
    }
    window.showTab(QStringLiteral("compare"));
    return true;
}

} // namespace

int runGui(int argc, char *argv[])
{
    std::signal(SIGPIPE, SIG_IGN);
    std::optional<Taskscope::Probe::LaunchCommandLine> watch;
    if (!readWatchCommandLine(argc, argv, &watch))
        return 1;
    // The window's own options are not on a launch/attach command line.
    int guiArgc = watch ? 1 : argc;
    QApplication::setHighDpiScaleFactorRoundingPolicy(Qt::HighDpiScaleFactorRoundingPolicy::PassThrough);
    // Its notify() brackets every dispatch for the watchdog: it must be the application object.
    TaskscopeApplication app(guiArgc, argv);
    // Coroutine streams started from the window run on this thread: their sockets go to one epoll
    // set nested in the platform's dispatcher (which must stay: it delivers the window's events).
    Taskscope::Execution::MainThreadNesting::installIfChosen();
    QApplication::setApplicationName(QStringLiteral("Taskscope"));
    QApplication::setOrganizationName(QStringLiteral("Taskscope"));
    QApplication::setApplicationVersion(QStringLiteral("0.1.0"));
    QApplication::setDesktopFileName(QStringLiteral("taskscope"));
    QApplication::setWindowIcon(MainWindow::applicationIcon());
    LaneRegistry::nameCurrentThread(QStringLiteral("UI thread"));

    GuiCommandLine options;
    if (!GuiCommandLine::parse(app, &options))
        return 2;

    QSettings store;
    AppSettings settings;
    settings.load(store);
    if (!options.theme.isEmpty())
        settings.theme = AppSettings::themeFromString(options.theme);
    // For this session only, like --theme.
    if (options.keepRuns >= 0)
        settings.keepRuns = options.keepRuns;
    if (options.traceBudgetMiB >= 0)
        settings.traceBudgetMiB = options.traceBudgetMiB;

    MainWindow::applyThemeBeforeWindow(settings.theme);
    GuiSession::Options sessionOptions;
    sessionOptions.msSinceLaunch = msSinceProcessStart;
    GuiSession session(settings, sessionOptions);
    MainWindow &window = session.window();

    QObject::connect(&session, &GuiSession::firstFramePainted, &window, [&window, &options](double ms) {
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
    });
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

    if (QString error; !session.openAtStartup(options.traceFile, options.scenario, &error))
        std::fprintf(stderr, "taskscope: %s\n", qPrintable(error));
    startWatching(session, watch, options.watchCommand);
    if (!openComparisons(session, window, options))
        return 2;
    WindowAutomation::install(session, options);

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
                     streamsAtClose, double(TraceClock::nowNs() - closedNs) / 1e6, times.workloadsMs,
                     times.workloadsLeft, times.watchdogMs, times.serviceMs);
    }
    return code;
}

} // namespace Taskscope::Gui
