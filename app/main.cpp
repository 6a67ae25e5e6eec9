// Taskscope entry point: the window by default, the scenario runner with --headless.
#include "app/gui/guimain.h"
#include "app/headless/headlessmain.h"

#include <QByteArray>

#include <cstring>

int main(int argc, char *argv[])
{
    // The UNIX event dispatcher costs half the glib one per event; keep glib if asked.
    if (!qEnvironmentVariableIsSet("TASKSCOPE_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--headless") == 0)
            return runHeadless(argc, argv);
    }
    return runGui(argc, argv);
}
