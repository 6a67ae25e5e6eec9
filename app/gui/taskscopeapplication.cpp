#include "app/gui/taskscopeapplication.h"

#include "workers/watchdog/dispatchprobe.h"

using Taskscope::Watchdog::DispatchProbe;

namespace Taskscope::Gui {

TaskscopeApplication::TaskscopeApplication(int &argc, char **argv)
    : QApplication(argc, argv)
{
}

TaskscopeApplication::~TaskscopeApplication() = default;

bool TaskscopeApplication::notify(QObject *receiver, QEvent *event)
{
    const DispatchProbe::Scope scope(receiver, event);
    return QApplication::notify(receiver, event);
}

} // namespace Taskscope::Gui
