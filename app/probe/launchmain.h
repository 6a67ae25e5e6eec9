#pragma once

/// `taskscope launch ...` and `taskscope attach ...`: argv[1] names which. Returns the exit status.
int runLaunch(int argc, char *argv[]);
