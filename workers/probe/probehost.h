#pragma once

#include "workers/watchdog/watchdogconfig.h"

#include <QObject>
#include <QString>

#include <memory>

namespace Taskscope::Watchdog {
class UiWatchdog;
} // namespace Taskscope::Watchdog

namespace Taskscope::Probe {

class ProbeTransport;

/// The probe inside a host application: the dispatch recorder, the UI watchdog and the transport.
///
/// Lives on the host's UI thread. Settings come from the environment (the launcher sets them):
///   TASKSCOPE_PROBE_SOCKET    the reader's Unix socket (absent: record, send nothing)
///   TASKSCOPE_PROBE_WATCHDOG  watchdog settings as JSON ({"hangMs": 100, ...}); in a host the
///                             journal and desktop notifications are off unless asked for
/// Alerts go to the transport from the watchdog's evidence thread, so they leave while the UI
/// thread is still blocked.
class ProbeHost final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProbeHost)

public:
    struct Settings
    {
        QString socketPath;
        Watchdog::UiWatchdogConfig watchdog;
        /// Reads the environment; bad watchdog JSON leaves the probe's defaults and says why.
        static Settings fromEnvironment(QString *error = nullptr);
    };

    explicit ProbeHost(Settings settings, QObject *parent = nullptr);
    ~ProbeHost() override;

    /// UI thread, with the application object. Installs the dispatch recorder, starts the
    /// watchdog and the transport. False if the application object is missing.
    bool start();
    /// Stops the watchdog (alerts end), sends what is left (at most 1 s) and says why.
    void stop(const QString &reason);

    Watchdog::UiWatchdog *watchdog() const { return m_watchdog.get(); }

    /// Empty when a host running Qt `runtimeVersion` can be probed by this build, else why not
    /// (the dispatch hook uses a private entry point that only this major.minor is known to have).
    static QString incompatibility(const char *runtimeVersion);

private:
    Settings m_settings;
    std::unique_ptr<ProbeTransport> m_transport;
    std::unique_ptr<Watchdog::UiWatchdog> m_watchdog;
};

} // namespace Taskscope::Probe
