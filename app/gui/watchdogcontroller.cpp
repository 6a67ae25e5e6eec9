#include "app/gui/watchdogcontroller.h"

#include "workers/watchdog/uiwatchdog.h"
#include "workers/watchdog/watchdogbudget.h"

#include <chrono>
#include <optional>

using Taskscope::Model::AlertRecord;
using Taskscope::Model::AlertVerdict;
using Taskscope::Model::AppSettings;
using Taskscope::Watchdog::UiWatchdog;
using Taskscope::Watchdog::UiWatchdogConfig;
using Taskscope::Watchdog::WatchdogBudget;

namespace Taskscope::Gui {

WatchdogController::WatchdogController(QObject *parent)
    : QObject(parent)
{
    m_base.installDispatchProbe = false; // TaskscopeApplication::notify() brackets dispatches
    m_proxy.setSourceModel(&m_alerts);
}

WatchdogController::~WatchdogController()
{
    stop();
}

UiWatchdogConfig WatchdogController::configFor(const AppSettings &settings) const
{
    using std::chrono::milliseconds;
    UiWatchdogConfig config = m_base;
    const AppSettings s = settings.normalized();
    config.suspicion = milliseconds(s.suspicionMs);
    config.hang = milliseconds(s.hangMs);
    config.severe = milliseconds(s.severeMs);
    config.critical = milliseconds(s.criticalMs);
    config.dispatchProbe = s.recordDispatches;
    return config;
}

bool WatchdogController::start(const AppSettings &settings)
{
    stop();
    const UiWatchdogConfig config = configFor(settings);
    m_error = config.validate();
    if (!m_error.isEmpty())
        return false;
    m_watchdog = std::make_unique<UiWatchdog>(config);
    m_alerts.setMaxRows(config.maxAlertsKept);
    connect(m_watchdog.get(), &UiWatchdog::alertStarted, this, &WatchdogController::onStarted);
    connect(m_watchdog.get(), &UiWatchdog::alertUpdated, this, &WatchdogController::onUpdated);
    connect(m_watchdog.get(), &UiWatchdog::alertEnded, this, &WatchdogController::onEnded);
    if (!m_watchdog->start()) {
        m_error = QStringLiteral("the watchdog did not start");
        m_watchdog.reset();
        return false;
    }
    return true;
}

void WatchdogController::applySettings(const AppSettings &settings)
{
    const UiWatchdogConfig wanted = configFor(settings);
    if (m_watchdog && m_watchdog->config().suspicion == wanted.suspicion && m_watchdog->config().hang == wanted.hang
        && m_watchdog->config().severe == wanted.severe && m_watchdog->config().critical == wanted.critical
        && m_watchdog->config().dispatchProbe == wanted.dispatchProbe)
        return;
    if (start(settings)) {
        ++m_restarts;
        Q_EMIT restarted(m_watchdog->config());
    }
}

void WatchdogController::stop()
{
    if (!m_watchdog)
        return;
    // Alerts still open end as "watchdog stopped" and are delivered by stop() itself.
    m_watchdog->stop();
    m_watchdog.reset();
}

bool WatchdogController::isRunning() const
{
    return m_watchdog && m_watchdog->isRunning();
}

int WatchdogController::loadPreviousSessionAlerts()
{
    UiWatchdog *reader = m_watchdog.get();
    std::unique_ptr<UiWatchdog> temporary;
    if (!reader) {
        temporary = std::make_unique<UiWatchdog>(m_base);
        reader = temporary.get();
    }
    // Reading the journal (at most journalMaxBytes) is known work on the guarded thread: budgeted,
    // and named in an alert if it ever overruns.
    std::optional<WatchdogBudget> budget;
    if (m_watchdog)
        budget.emplace(*m_watchdog, std::chrono::seconds(1), u"reading the alert journal");
    const QList<AlertRecord> records = reader->loadPreviousSessionAlerts();
    budget.reset();
    for (const AlertRecord &record : records)
        m_alerts.upsert(record);
    m_earlier += int(records.size());
    if (!records.isEmpty())
        Q_EMIT countsChanged(m_thisRun, m_earlier);
    return int(records.size());
}

void WatchdogController::onStarted(const AlertRecord &alert)
{
    const bool known = m_alerts.rowOf(alert.session, alert.id) >= 0;
    m_alerts.upsert(alert);
    // A nested modal loop (a dialog: events flow) is listed as information: no count, no red light.
    if (known || !isHang(alert))
        return;
    ++m_thisRun;
    if (alert.isOngoing() && ++m_ongoing == 1)
        Q_EMIT hangActiveChanged(true);
    Q_EMIT alertStarted(alert);
    Q_EMIT countsChanged(m_thisRun, m_earlier);
}

void WatchdogController::onUpdated(const AlertRecord &alert)
{
    if (m_alerts.rowOf(alert.session, alert.id) < 0) {
        onStarted(alert);
        return;
    }
    m_alerts.upsert(alert);
}

void WatchdogController::onEnded(const AlertRecord &alert)
{
    const int row = m_alerts.rowOf(alert.session, alert.id);
    const bool wasOngoing = row >= 0 && m_alerts.alertAt(row).isOngoing();
    if (row < 0 && isHang(alert)) {
        ++m_thisRun;
        Q_EMIT countsChanged(m_thisRun, m_earlier);
    }
    m_alerts.upsert(alert);
    if (!isHang(alert))
        return;
    if (wasOngoing && m_ongoing > 0 && --m_ongoing == 0)
        Q_EMIT hangActiveChanged(false);
    Q_EMIT alertEnded(alert);
}

QJsonArray WatchdogController::alertsJson() const
{
    QJsonArray array;
    for (const AlertRecord &record : m_alerts.alerts()) {
        if (!record.previousSession && isHang(record))
            array.append(record.toJson());
    }
    return array;
}

QJsonArray WatchdogController::nestedLoopsJson() const
{
    QJsonArray array;
    for (const AlertRecord &record : m_alerts.alerts()) {
        if (!record.previousSession && !isHang(record))
            array.append(record.toJson());
    }
    return array;
}

bool WatchdogController::isHang(const AlertRecord &alert)
{
    return alert.verdict != AlertVerdict::NestedModalLoop;
}

} // namespace Taskscope::Gui
