#pragma once

#include "model/alertrecord.h"

#include <QJsonObject>
#include <QString>

#include <chrono>
#include <functional>

namespace Taskscope::Watchdog {

/// Settings of the UI watchdog. Defaults are the shipped values; tests lower the tiers.
struct UiWatchdogConfig
{
    using ms = std::chrono::milliseconds;

    // Tiers: sampling starts at suspicion, alerts at hang.
    ms suspicion {100};
    ms hang {250};
    ms severe {1000};
    ms critical {5000};

    ms pollInterval {2}; ///< watcher period: dispatch entries and exits are timed to within one poll
    ms heartbeatInterval {20}; ///< a new heartbeat this long after the last one was answered
    ms sampleInterval {10}; ///< UI-thread stack sampling period while an episode lasts
    int maxSamplesPerAlert = 200; ///< then sampling slows to a tenth of the rate
    ms updateInterval {250}; ///< alertUpdated cadence while an alert lasts
    ms latenessTolerance {100}; ///< the watcher waking later than this means the process or machine was stopped
    ms debuggerCheckInterval {500};

    /// false: heartbeats and stack samples only. Nothing runs per dispatch (the probe's ~6.5 ns per
    /// event is gone), and alerts lose the receiver, event type and nesting the probe reports; the
    /// stack samples still name the blocking function.
    bool dispatchProbe = true;
    bool installDispatchProbe = true; ///< false: the app brackets dispatches with DispatchProbe::Scope
    bool sampleStacks = true;
    bool timeline = true; ///< draw alert bands with TraceRecorder::alert
    bool journal = true;
    QString journalPath; ///< empty: AlertJournal::defaultPath()
    qint64 journalMaxBytes = 512 * 1024;
    bool desktopNotifications = true;
    Model::AlertTier notifyMinTier = Model::AlertTier::Hang;
    int maxWorkersInEvidence = 32;
    int maxAlertsKept = 1000; ///< alerts() and the model keep at most this many

    /// Called on the evidence thread the moment an alert starts, changes or ends (phase 0, 1, 2),
    /// while the signals still wait for the UI thread: a watchdog inside another process streams
    /// its evidence from here while the UI thread is blocked. Must be quick and must not block.
    std::function<void(const Model::AlertRecord &record, int phase)> alertObserver;

    /// Injectable for tests; default: TracerPid in /proc/self/status is non-zero.
    std::function<bool()> debuggerAttached;

    /// Reads the fields present in `object` ({"hangMs": 250, "journal": false, …}); unknown keys
    /// and bad values are reported in `error` and leave defaults.
    static UiWatchdogConfig fromJson(const QJsonObject &object, QString *error = nullptr);
    QJsonObject toJson() const;
    /// Empty if usable, else what is wrong (e.g. tiers not increasing).
    QString validate() const;
};

} // namespace Taskscope::Watchdog
