#pragma once

/// `taskscope launch ...`: argv[1] is "launch". Returns the process exit status.
int runLaunch(int argc, char *argv[]);
