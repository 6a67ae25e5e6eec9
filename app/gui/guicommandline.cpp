#include "app/gui/guicommandline.h"

#include <QApplication>
#include <QCommandLineParser>

#include <cstdio>

namespace Taskscope::Gui {

namespace {

QCommandLineOption hiddenOption(const QString &name, const QString &description, const QString &valueName = {})
{
    QCommandLineOption option(name, description, valueName);
    option.setFlags(QCommandLineOption::HiddenFromHelp);
    return option;
}

/// The automation options that scripts/screenshot uses: not shown in --help.
struct AutomationOptions
{
    QCommandLineOption screenshot = hiddenOption(
        QStringLiteral("screenshot"), QStringLiteral("Save a PNG of the window, then quit."), QStringLiteral("file"));
    QCommandLineOption after = hiddenOption(QStringLiteral("screenshot-after-ms"),
                                            QStringLiteral("Delay before the screenshot."), QStringLiteral("ms"));
    QCommandLineOption tab = hiddenOption(QStringLiteral("tab"), QStringLiteral("Bottom tab to show."),
                                          QStringLiteral("name"));
    QCommandLineOption freeze = hiddenOption(QStringLiteral("freeze-after-ms"),
                                             QStringLiteral("Trigger Run > Freeze the UI after this delay."),
                                             QStringLiteral("ms"));
    QCommandLineOption zoom = hiddenOption(
        QStringLiteral("zoom"), QStringLiteral("Show this time range (ns,ns) once loaded."), QStringLiteral("from,to"));
    QCommandLineOption select = hiddenOption(QStringLiteral("select"),
                                             QStringLiteral("Select the span at lane,depth,ns once loaded."),
                                             QStringLiteral("lane,depth,ns"));
    QCommandLineOption alert = hiddenOption(QStringLiteral("highlight-alert"),
                                            QStringLiteral("Highlight an alert band once loaded."),
                                            QStringLiteral("id"));
    QCommandLineOption selectAlert = hiddenOption(
        QStringLiteral("select-alert"), QStringLiteral("Select this run's alert in the inspector when it ends."),
        QStringLiteral("id"));
    QCommandLineOption quit = hiddenOption(QStringLiteral("quit-after-ms"),
                                           QStringLiteral("Close the window after this delay."), QStringLiteral("ms"));
    QCommandLineOption reportOnClose = hiddenOption(QStringLiteral("report-on-close"),
                                                    QStringLiteral("Write the window's report when it closes."),
                                                    QStringLiteral("file"));
    QCommandLineOption quitAfterScenario = hiddenOption(
        QStringLiteral("quit-after-scenario-ms"),
        QStringLiteral("Close the window this long after the --scenario run finished."), QStringLiteral("ms"));
    QCommandLineOption frames = hiddenOption(QStringLiteral("frames-from-ms"),
                                             QStringLiteral("Measure frame times from this moment on."),
                                             QStringLiteral("ms"));
    QCommandLineOption size = hiddenOption(QStringLiteral("window-size"), QStringLiteral("Window size."),
                                           QStringLiteral("WxH"));
    QCommandLineOption split = hiddenOption(QStringLiteral("split"),
                                            QStringLiteral("Heights of the timeline and the tabs below it."),
                                            QStringLiteral("top,bottom"));
    QCommandLineOption laneFilter = hiddenOption(
        QStringLiteral("lane-filter"), QStringLiteral("Type this into the lane filter."), QStringLiteral("text"));
    QCommandLineOption expand = hiddenOption(QStringLiteral("expand-groups"),
                                             QStringLiteral("Expand every lane group."));
    QCommandLineOption fitAll = hiddenOption(QStringLiteral("fit-all"),
                                             QStringLiteral("Fit the whole session just before the screenshot."));
    QCommandLineOption range = hiddenOption(
        QStringLiteral("range-ms"), QStringLiteral("Select this time range (ms,ms) just before the screenshot."),
        QStringLiteral("from,to"));
    QCommandLineOption compareTasks = hiddenOption(
        QStringLiteral("compare-tasks"), QStringLiteral("Compare these two tasks just before the screenshot."),
        QStringLiteral("a,b"));
    QCommandLineOption watch = hiddenOption(
        QStringLiteral("watch"),
        QStringLiteral("Launch this program (a command line) under the probe, as File › Launch application… does."),
        QStringLiteral("command"));

    QList<QCommandLineOption> all() const
    {
        return {screenshot,
                after,
                tab,
                freeze,
                zoom,
                select,
                alert,
                selectAlert,
                quit,
                reportOnClose,
                quitAfterScenario,
                frames,
                size,
                split,
                laneFilter,
                expand,
                fitAll,
                range,
                compareTasks,
                watch};
    }

    /// Fills the automation fields of `o`; false after printing what is wrong.
    bool read(const QCommandLineParser &parser, GuiCommandLine *o) const;
};

/// "a,b" as two numbers (missing or malformed parts read as 0).
template<typename T, typename Convert>
void readPair(const QCommandLineParser &parser, const QCommandLineOption &option, QChar separator, T *first, T *second,
              Convert convert)
{
    if (!parser.isSet(option))
        return;
    const QStringList parts = parser.value(option).split(separator);
    *first = convert(parts.value(0));
    *second = convert(parts.value(1));
}

bool AutomationOptions::read(const QCommandLineParser &parser, GuiCommandLine *o) const
{
    o->screenshot = parser.value(screenshot);
    o->watchCommand = parser.value(watch);
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
    o->laneFilter = parser.value(laneFilter);
    o->expandGroups = parser.isSet(expand);
    o->fitAll = parser.isSet(fitAll);
    const auto toLong = [](const QString &s) { return s.toLongLong(); };
    const auto toInt = [](const QString &s) { return s.toInt(); };
    readPair(parser, range, QLatin1Char(','), &o->rangeFromMs, &o->rangeToMs, toLong);
    readPair(parser, compareTasks, QLatin1Char(','), &o->compareTaskA, &o->compareTaskB,
             [](const QString &s) { return s.toULongLong(); });
    readPair(parser, zoom, QLatin1Char(','), &o->zoomFrom, &o->zoomTo, toLong);
    if (parser.isSet(split)) {
        for (const QString &part : parser.value(split).split(QLatin1Char(',')))
            o->split.append(part.toInt());
    }
    readPair(parser, size, QLatin1Char('x'), &o->width, &o->height, toInt);
    return ok;
}

/// --keep-runs and --trace-budget-mib (-1 when not given); false after printing what is wrong.
bool readRetention(const QCommandLineParser &parser, const QCommandLineOption &keepRuns,
                   const QCommandLineOption &budget, GuiCommandLine *o)
{
    const auto number = [&](const QCommandLineOption &opt, int minimum) {
        if (!parser.isSet(opt))
            return -1;
        bool good = false;
        const int v = parser.value(opt).toInt(&good);
        if (!good || v < minimum) {
            std::fprintf(stderr, "taskscope: --%s needs a number of at least %d\n",
                         qPrintable(opt.names().constFirst()), minimum);
            return -2;
        }
        return v;
    };
    o->keepRuns = number(keepRuns, 0);
    o->traceBudgetMiB = number(budget, 16);
    return o->keepRuns != -2 && o->traceBudgetMiB != -2;
}

} // namespace

bool GuiCommandLine::parse(QApplication &app, GuiCommandLine *o)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Taskscope: threads and coroutines on one live timeline, and a watchdog that explains UI freezes.\n"
        "Run `taskscope --headless --scenario FILE` for the scenario runner without a window."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("trace"),
                                 QStringLiteral("A Chrome trace (JSON) to open in the timeline."),
                                 QStringLiteral("[trace.json]"));
    QCommandLineOption scenario(QStringLiteral("scenario"), QStringLiteral("Load a scenario file at start-up."),
                                QStringLiteral("file"));
    QCommandLineOption compare(QStringLiteral("compare-reports"),
                               QStringLiteral("Show two JSON reports side by side in the Compare tab."),
                               QStringLiteral("a.json,b.json"));
    QCommandLineOption compareRun(
        QStringLiteral("compare-scenario"),
        QStringLiteral("Run a scenario in two execution models (headless, in the background) and show "
                       "both runs in the Compare tab."),
        QStringLiteral("file,model,model"));
    QCommandLineOption theme(QStringLiteral("theme"),
                             QStringLiteral("light, dark or system for this session (not saved)."),
                             QStringLiteral("theme"));
    QCommandLineOption keepRuns(QStringLiteral("keep-runs"),
                                QStringLiteral("Keep the trace of the last N runs (0: any number) for this session."),
                                QStringLiteral("N"));
    QCommandLineOption budget(QStringLiteral("trace-budget-mib"),
                              QStringLiteral("Memory budget of the trace for this session: past it the oldest "
                                             "finished runs are dropped whole."),
                              QStringLiteral("MiB"));
    QCommandLineOption eventLoop(
        QStringLiteral("event-loop"),
        QStringLiteral("epoll (default) or qt: the event dispatcher of the worker threads that run streams; epoll "
                       "also puts the window thread's sockets in one epoll set nested in the platform's dispatcher."),
        QStringLiteral("epoll|qt"));
    QCommandLineOption startup(
        QStringLiteral("startup-report"),
        QStringLiteral("Print how long the window took to appear, the frame times and how long closing took."));
    const AutomationOptions automation;
    parser.addOptions({scenario, compare, compareRun, theme, keepRuns, budget, eventLoop, startup});
    parser.addOptions(automation.all());
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
    // Applied by main() before the application object exists; checked here for the error message.
    if (parser.isSet(eventLoop) && parser.value(eventLoop) != u"epoll" && parser.value(eventLoop) != u"qt") {
        std::fprintf(stderr, "taskscope: --event-loop must be epoll or qt, not \"%s\"\n",
                     qPrintable(parser.value(eventLoop)));
        return false;
    }
    o->startupReport = parser.isSet(startup);
    return readRetention(parser, keepRuns, budget, o) && automation.read(parser, o);
}

} // namespace Taskscope::Gui
