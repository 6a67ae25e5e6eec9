#pragma once

namespace Taskscope::Gui {

/// Runs Taskscope with its window. Returns the process exit code.
int runGui(int argc, char *argv[]);

} // namespace Taskscope::Gui
