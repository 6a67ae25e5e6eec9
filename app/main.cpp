// Taskscope entry point: the window by default, the scenario runner with --headless.
#include "app/gui/guimain.h"
#include "app/headless/headlessmain.h"
#include "app/probe/launchmain.h"
#include "workers/execution/eventloopchoice.h"

#include <QByteArray>
#include <QString>

#include <cstring>

using Taskscope::Gui::runGui;
using Taskscope::Headless::runHeadless;
using Taskscope::Probe::launchWantsWindow;
using Taskscope::Probe::runLaunch;

namespace {

// --event-loop must take effect before the application object and the first worker thread exist,
// so it is read here; the command-line parsers check it again and report a bad value.
void chooseEventLoop(int argc, char *argv[])
{
    using Taskscope::Execution::EventLoopChoice;
    for (int i = 1; i < argc; ++i) {
        QString value;
        if (std::strcmp(argv[i], "--event-loop") == 0 && i + 1 < argc)
            value = QString::fromLocal8Bit(argv[i + 1]);
        else if (std::strncmp(argv[i], "--event-loop=", 13) == 0)
            value = QString::fromLocal8Bit(argv[i] + 13);
        else
            continue;
        if (const auto kind = EventLoopChoice::parse(value))
            EventLoopChoice::setCurrent(*kind);
    }
}

} // namespace

int main(int argc, char *argv[])
{
    // Before anything touches the environment: the launched program inherits it.
    const bool launching = argc > 1 && (std::strcmp(argv[1], "launch") == 0 || std::strcmp(argv[1], "attach") == 0);
    if (launching && !launchWantsWindow(argc, argv))
        return runLaunch(argc, argv);
    // The UNIX event dispatcher costs half the glib one per event; keep glib if asked. A program the
    // window launches gets the user's choice back (the marker says this one was ours).
    if (!qEnvironmentVariableIsSet("TASKSCOPE_GLIB") && !qEnvironmentVariableIsSet("QT_NO_GLIB")) {
        qputenv("QT_NO_GLIB", "1");
        qputenv("TASKSCOPE_SET_QT_NO_GLIB", "1");
    }
    chooseEventLoop(argc, argv);
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--headless") == 0)
            return runHeadless(argc, argv);
    }
    return runGui(argc, argv);
}
