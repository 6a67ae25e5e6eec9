#pragma once

#include <QStringList>

namespace Taskscope::Headless {

/// Runs a scenario without a window (`taskscope --headless --scenario FILE ...`). Returns the exit code.
int runHeadless(int argc, char *argv[]);
/// The same on an existing QCoreApplication with explicit arguments (arguments[0] is the program):
/// a UI watchdog watches the main thread and every run's report carries its alerts.
int runHeadlessWithWatchdog(const QStringList &arguments);

} // namespace Taskscope::Headless
