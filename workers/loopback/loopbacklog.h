#pragma once
// Logging category of the loopback service: one line per connection when LoopbackConfig::logConnections.
#include <QLoggingCategory>

namespace Taskscope::Loopback {

Q_DECLARE_LOGGING_CATEGORY(lcLoopback)

} // namespace Taskscope::Loopback
