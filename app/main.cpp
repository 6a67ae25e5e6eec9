// Taskscope entry point: the window by default, the scenario runner with --headless.
#include "app/gui/guimain.h"
#include "app/headless/headlessmain.h"
#include "app/probe/launchmain.h"

#include <QByteArray>

#include <cstring>

int main(int argc, char *argv[])
{
    // Before anything touches the environment: the launched program inherits it.
    if (argc > 1 && (std::strcmp(argv[1], "launch") == 0 || std::strcmp(argv[1], "attach") == 0))
        return runLaunch(argc, argv);
    // The UNIX event dispatcher costs half the glib one per event; keep glib if asked.
    if (!qEnvironmentVariableIsSet("TASKSCOPE_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--headless") == 0)
            return runHeadless(argc, argv);
    }
    return runGui(argc, argv);
}
