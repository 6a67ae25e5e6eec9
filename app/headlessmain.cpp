#include "app/headlessmain.h"

#include <cstdio>

int runHeadless(int, char *[])
{
    std::fprintf(stderr, "taskscope: the headless runner is not built yet\n");
    return 2;
}
