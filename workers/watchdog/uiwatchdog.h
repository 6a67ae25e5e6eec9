#pragma once

#include "model/alertlistmodel.h"
#include "model/alertrecord.h"
#include "model/trace/tracetypes.h"
#include "workers/watchdog/watchdogconfig.h"

#include <QJsonArray>
#include <QList>
#include <QObject>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

class QEvent;
namespace Taskscope::Trace {
struct ThreadActivity;
} // namespace Taskscope::Trace

namespace Taskscope::Watchdog {

class AlertEvidenceCollector;

/// Watches the UI thread for blockage and explains every one.
///
/// Construct it on the UI thread after the QCoreApplication/QApplication, then start(). A watcher
/// thread (plain std::thread, independent of any event loop) polls every few ms: a dispatch probe
/// (DispatchProbe) says what the UI thread dispatches and since when, a heartbeat posted to the UI
/// thread measures queue latency (without the probe, a second, high-priority one tells a backlog
/// from a blocked loop). Verdicts: long dispatch, backlog
/// saturation, nested modal loop (not a hang), blocked outside dispatch; tiers suspicion (start
/// sampling the UI stack), hang (alert), severe, critical. Evidence is assembled on a second thread
/// (AlertEvidenceCollector): symbolized stacks, the culprit span/coroutine, /proc thread state,
/// worker activity; it also writes the journal, raises desktop notifications and draws alert bands.
///
/// Signals are delivered on the UI thread (queued), so while the UI is frozen they wait; the journal,
/// the notification and the timeline band do not. alertStarted fires once per alert, alertUpdated
/// while it lasts (tier rises, live duration, new samples, at most every updateInterval), and
/// alertEnded once with the final duration.
class UiWatchdog final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UiWatchdog)

public:
    explicit UiWatchdog(const UiWatchdogConfig &config = {}, QObject *parent = nullptr);
    ~UiWatchdog() override;

    /// Installs the dispatch probe and the stack sampler, pre-warms the symbolizer (on the evidence
    /// thread) and starts watching. UI thread only. False if already running or the config is invalid.
    bool start();
    /// Stops watching; ongoing alerts end as WatchdogStopped. Joins both threads within a poll
    /// interval plus whatever evidence is queued (no symbolization while stopping).
    void stop();
    bool isRunning() const { return m_watcher.joinable(); }

    const UiWatchdogConfig &config() const { return m_config; }
    QString session() const { return m_session; }
    Model::AlertListModel *model() { return &m_model; }

    /// Alerts of earlier runs from the journal (a hang that ended in a kill comes back as
    /// KilledWhileHung); they are also added to the model. UI thread.
    QList<Model::AlertRecord> loadPreviousSessionAlerts();

    /// Every alert of this session with its evidence (headless reports), oldest first; at most
    /// maxAlertsKept. UI thread.
    QList<Model::AlertRecord> alerts() const { return m_alerts; }
    QJsonArray alertsJson() const;

    /// The watcher's last word, for a run that ends: once the UI thread has run a posted event after
    /// this call and the watcher has closed any episode that lasted until then, every alert raised
    /// or updated so far is delivered (model, alerts(), signals) with its final duration; then
    /// `done` runs on the UI thread. It runs after `timeout` at the latest (then returning false),
    /// at once if the watchdog is not running. Never blocks: the UI thread goes on meanwhile.
    void settle(std::chrono::milliseconds timeout, std::function<void(bool settled)> done);

    /// Known-long work on the UI thread: no detection while paused (counted; any thread).
    void pause();
    void resume();

    // What is in force (for the status bar and reports).
    bool dispatchProbeActive() const { return m_probeActive; }
    bool stackSamplingActive() const { return m_samplingActive; }
    QString journalPath() const;
    QString notificationStatus() const;
    int signalNumber() const;

    struct Stats
    {
        quint64 polls = 0;
        quint64 heartbeatsPosted = 0;
        quint64 samples = 0;
        quint64 sampleFailures = 0;
        quint64 lateWakeups = 0; ///< the watcher overslept (suspend, SIGSTOP): time excluded
        quint64 suppressed = 0; ///< episodes not alerted because a debugger was attached
        quint64 discarded = 0; ///< episodes that ended between suspicion and hang
        qint64 symbolizerPrewarmNs = 0;
        int notificationsSent = 0;
    };
    Stats stats() const;

signals:
    void alertStarted(const Model::AlertRecord &alert);
    void alertUpdated(const Model::AlertRecord &alert);
    void alertEnded(const Model::AlertRecord &alert);
    /// An episode that would have been an alert while a debugger was attached (annotated, at its end).
    void suppressedAlert(const Model::AlertRecord &alert);
    /// A settle() request was answered (its number).
    void settled(quint64 request);

private:
    friend class WatchdogBudget;
    friend class HeartbeatTarget;
    friend class WatchLoop;
    struct Delivery;

    void watch();
    void postHeartbeat(int kind, quint64 seq); ///< watcher thread
    void deliverPending();
    void enqueueDelivery(int kind, const Model::AlertRecord &record);

    UiWatchdogConfig m_config;
    QString m_session;
    Model::AlertListModel m_model;
    QList<Model::AlertRecord> m_alerts;
    pid_t m_uiTid = 0;
    const Trace::ThreadActivity *m_uiActivity = nullptr;
    bool m_probeActive = false;
    bool m_samplingActive = false;

    std::unique_ptr<QObject> m_heartbeatTarget;
    std::unique_ptr<AlertEvidenceCollector> m_collector;
    std::thread m_watcher;
    // 1 asks the watcher to stop. It sleeps on this word as a futex: one system call per poll,
    // where a condition variable's timed wait cost two (glibc re-takes its mutex as contended, so
    // the unlock after every wake-up is a futex wake call; perf showed it).
    std::atomic<std::uint32_t> m_stopWord {0};

    // Shared with the watcher thread.
    struct Heartbeat
    {
        std::atomic<quint64> postedSeq {0};
        std::atomic<qint64> postedNs {0};
        std::atomic<quint64> answeredSeq {0};
        std::atomic<std::uint64_t> answeredTicks {0};
    };
    Heartbeat m_heartbeat[2]; // [0] normal, [1] high priority
    std::atomic<int> m_pauseCount {0};
    std::atomic<qint64> m_budgetNs {0};
    std::atomic<Trace::NameId> m_budgetReason {0};
    std::atomic<pid_t> m_watcherTid {0};
    // settle(): the latest request's number and time (the watcher keeps the last it answered).
    std::atomic<quint64> m_settleRequest {0};
    std::atomic<qint64> m_settleRequestNs {0};

    mutable std::mutex m_statsMutex;
    Stats m_stats;

    std::mutex m_deliveryMutex;
    QList<QPair<int, Model::AlertRecord>> m_deliveries;
};

} // namespace Taskscope::Watchdog
