#include "workers/watchdog/watchdogbudget.h"

#include "model/trace/tracenames.h"
#include "workers/watchdog/uiwatchdog.h"

using Taskscope::Trace::TraceNames;

namespace Taskscope::Watchdog {

WatchdogBudget::WatchdogBudget(UiWatchdog &watchdog, std::chrono::milliseconds budget, QStringView reason)
    : m_watchdog(watchdog)
    , m_previousNs(watchdog.m_budgetNs.load(std::memory_order_relaxed))
    , m_previousReason(watchdog.m_budgetReason.load(std::memory_order_relaxed))
{
    watchdog.m_budgetReason.store(TraceNames::intern(reason), std::memory_order_relaxed);
    watchdog.m_budgetNs.store(qMax<qint64>(0, std::chrono::nanoseconds(budget).count()), std::memory_order_release);
}

WatchdogBudget::~WatchdogBudget()
{
    m_watchdog.m_budgetNs.store(m_previousNs, std::memory_order_release);
    m_watchdog.m_budgetReason.store(m_previousReason, std::memory_order_relaxed);
}

} // namespace Taskscope::Watchdog
