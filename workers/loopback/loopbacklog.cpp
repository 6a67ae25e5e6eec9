#include "workers/loopback/loopbacklog.h"

namespace Taskscope::Loopback {

Q_LOGGING_CATEGORY(lcLoopback, "taskscope.loopback", QtInfoMsg)

} // namespace Taskscope::Loopback
