#pragma once

#include "model/trace/tracetypes.h"

#include <QStringView>

#include <chrono>

namespace Taskscope::Watchdog {

class UiWatchdog;

/// Excuses known-long work on the UI thread: while it lives, blockage is measured past `budget`
/// (an alert still fires if the work overruns it, with the budget named in the alert).
///   WatchdogBudget budget(watchdog, 2s, u"loading file");
/// UI thread; nests (the innermost budget is in force and the outer one comes back after it).
class WatchdogBudget final
{
public:
    WatchdogBudget(UiWatchdog &watchdog, std::chrono::milliseconds budget, QStringView reason);
    ~WatchdogBudget();
    Q_DISABLE_COPY_MOVE(WatchdogBudget)

private:
    UiWatchdog &m_watchdog;
    qint64 m_previousNs;
    Trace::NameId m_previousReason;
};

} // namespace Taskscope::Watchdog
