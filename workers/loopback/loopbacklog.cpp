#include "workers/loopback/loopbacklog.h"

Q_LOGGING_CATEGORY(lcLoopback, "taskscope.loopback", QtInfoMsg)
