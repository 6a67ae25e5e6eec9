#pragma once

namespace Taskscope::Probe {

/// `taskscope launch ...` and `taskscope attach ...`: argv[1] names which. Returns the exit status.
int runLaunch(int argc, char *argv[]);
/// Whether that command line asks for the window (no --headless, no --help before "--").
bool launchWantsWindow(int argc, char *argv[]);

} // namespace Taskscope::Probe
