#pragma once

#include "app/gui/alertdetailsproxy.h"
#include "model/alertlistmodel.h"
#include "model/alertrecord.h"
#include "model/appsettings.h"
#include "workers/watchdog/watchdogconfig.h"

#include <QJsonArray>
#include <QObject>

#include <memory>

namespace Taskscope::Watchdog {
class UiWatchdog;
} // namespace Taskscope::Watchdog

namespace Taskscope::Gui {

/// The window's UI watchdog: created after the application object with the settings' tiers, started
/// at launch, restarted when the tiers change; its alerts (this run's, and earlier runs' from the
/// journal, e.g. a hang that ended in a kill) in one list that outlives restarts, presented to the
/// alert inspector through AlertDetailsProxy.
///
/// The dispatch hook is TaskscopeApplication::notify() (DispatchProbe::Scope), so the watchdog runs
/// with installDispatchProbe = false unless the base config says otherwise.
class WatchdogController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WatchdogController)

public:
    explicit WatchdogController(QObject *parent = nullptr);
    ~WatchdogController() override;

    /// Everything but the tiers (journal path, notifications, probe): tests lower and redirect.
    void setBaseConfig(const Watchdog::UiWatchdogConfig &config) { m_base = config; }
    const Watchdog::UiWatchdogConfig &baseConfig() const { return m_base; }
    /// The base config with the settings' tiers.
    Watchdog::UiWatchdogConfig configFor(const Model::AppSettings &settings) const;

    /// Creates and starts the watchdog. False (with errorString()) if the config is invalid.
    bool start(const Model::AppSettings &settings);
    /// Restarts the watchdog when the tiers differ from the running ones.
    void applySettings(const Model::AppSettings &settings);
    /// Stops watching; ongoing alerts end as "watchdog stopped".
    void stop();
    bool isRunning() const;
    QString errorString() const { return m_error; }
    int restarts() const { return m_restarts; }

    /// An alert of a watched program (its own watchdog, through the probe): listed, tagged by its
    /// culprit; the window's own hang light and counts are not about it.
    void showWatchedAlert(const Model::AlertRecord &alert) { m_alerts.upsert(alert); }

    /// Alerts of earlier runs from the journal, added to the list. Returns how many.
    int loadPreviousSessionAlerts();

    Watchdog::UiWatchdog *watchdog() const { return m_watchdog.get(); }
    /// Every alert: this run's (across restarts) and earlier runs'.
    Model::AlertListModel *alerts() { return &m_alerts; }
    /// The same rows in the inspector's contract (AlertRoles).
    AlertDetailsProxy *inspectorModel() { return &m_proxy; }
    /// This run's hangs (nested modal loops are listed but not counted).
    int alertsThisRun() const { return m_thisRun; }
    int alertsEarlierRuns() const { return m_earlier; }
    bool hangOngoing() const { return m_ongoing > 0; }
    /// This run's hangs with all their evidence (reports).
    QJsonArray alertsJson() const;
    /// This run's nested modal loops (information, not hangs).
    QJsonArray nestedLoopsJson() const;
    /// False for a nested modal loop: events flowed, so it is listed but is not a hang.
    static bool isHang(const Model::AlertRecord &alert);

Q_SIGNALS:
    void alertStarted(const Model::AlertRecord &alert);
    void alertEnded(const Model::AlertRecord &alert);
    /// Whether a hang is going on (as far as the UI thread has heard).
    void hangActiveChanged(bool active);
    void countsChanged(int thisRun, int earlierRuns);
    void restarted(const Watchdog::UiWatchdogConfig &config);

private:
    void onStarted(const Model::AlertRecord &alert);
    void onUpdated(const Model::AlertRecord &alert);
    void onEnded(const Model::AlertRecord &alert);

    Watchdog::UiWatchdogConfig m_base;
    std::unique_ptr<Watchdog::UiWatchdog> m_watchdog;
    Model::AlertListModel m_alerts;
    AlertDetailsProxy m_proxy;
    QString m_error;
    int m_thisRun = 0;
    int m_earlier = 0;
    int m_ongoing = 0;
    int m_restarts = 0;
};

} // namespace Taskscope::Gui
