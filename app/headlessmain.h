#pragma once

/// Runs a scenario without a window (`taskscope --headless --scenario FILE ...`). Returns the exit code.
int runHeadless(int argc, char *argv[]);
