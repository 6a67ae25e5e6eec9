#pragma once

#include "model/alertrecord.h"
#include "model/trace/tracetypes.h"
#include "workers/watchdog/stacksampler.h"
#include "workers/watchdog/threadstate.h"
#include "workers/watchdog/watchdogconfig.h"

#include <QHash>
#include <QString>

#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace Taskscope::Watchdog {

/// The UI thread's scoped spans and coroutine at one moment, read lock-free from its ThreadActivity.
struct ActivityCapture
{
    static constexpr int MaxScopes = 8;
    Trace::LaneId coroutine = Trace::NoLane;
    int depth = 0;
    std::array<Trace::NameId, MaxScopes> scopeNames {};
    std::array<Trace::LaneId, MaxScopes> scopeLanes {};
};

/// What the watcher thread hands over about one alert. Raw data only: names, symbols, files and
/// lanes are resolved by the collector, off the watcher thread.
struct AlertEvidenceMessage
{
    /// Settled: no alert, a marker; `id` is the settle request it answers (see UiWatchdog::settle).
    enum class Kind { Start, Update, End, Discard, Settled };
    Kind kind = Kind::Update;
    quint32 id = 0;
    bool suppressed = false; ///< a debugger is attached: annotate, do not alert
    Model::AlertVerdict verdict = Model::AlertVerdict::LongDispatch;
    Model::AlertTier tier = Model::AlertTier::None;
    Model::AlertEnd end = Model::AlertEnd::Ongoing;
    qint64 onsetNs = 0;
    qint64 detectedNs = 0;
    qint64 elapsedNs = 0;
    qint64 excludedNs = 0;
    qint64 budgetNs = 0;
    Trace::NameId budgetReason = 0;
    qint64 heartbeatLatencyNs = 0;
    qint64 priorityHeartbeatLatencyNs = 0;
    bool haveDispatch = false;
    const char *receiverClass = nullptr;
    QString objectName;
    int eventType = -1;
    int depth = 0;
    qint64 dispatchStartNs = 0;
    quint64 nestedEvents = 0;
    std::vector<RawStack> stacks; ///< new samples since the previous message
    int sampleFailures = 0; ///< new failures since the previous message
    std::vector<ActivityCapture> activities;
    ThreadStateSample firstState; ///< first read in the episode
    std::vector<ThreadStateSample> states; ///< reads of the UI thread since the previous message
    QStringList notes;
};

/// The watchdog's second thread: turns raw evidence into AlertRecords. It symbolizes stacks (libdw,
/// pre-warmed at start), names the culprit span and coroutine, describes the UI thread's kernel
/// state and what the worker threads were doing, writes the journal, raises desktop notifications
/// and draws alert bands on the timeline. Finished records go to `deliver` (called on this thread).
class AlertEvidenceCollector final
{
public:
    using Deliver = std::function<void(AlertEvidenceMessage::Kind, const Model::AlertRecord &)>;

    AlertEvidenceCollector(const UiWatchdogConfig &config, const QString &session, pid_t uiTid,
                           std::vector<pid_t> ownTids, Deliver deliver);
    ~AlertEvidenceCollector();
    Q_DISABLE_COPY_MOVE(AlertEvidenceCollector)

    void start();
    /// Finishes the queued messages (journal and delivery, without symbolizing) and joins.
    void stop();
    void post(AlertEvidenceMessage message);
    /// Leaves one more thread of the watchdog out of the worker list (any thread).
    void excludeThread(pid_t tid) { m_excludedTid.store(tid); }

    pid_t threadId() const { return m_tid.load(); }
    qint64 prewarmNs() const { return m_prewarmNs.load(); }
    QString journalPath() const { return m_journalPath; }
    QString journalError() const;
    QString notificationStatus() const;
    int notificationsSent() const { return m_notificationsSent.load(); }

    /// The journal's alerts of earlier sessions (any thread; opens the journal read-side itself).
    QList<Model::AlertRecord> loadPreviousSessions();

private:
    struct AlertState;
    void run();
    void handle(AlertEvidenceMessage &message, bool stopping);
    AlertState &stateFor(const AlertEvidenceMessage &message);
    static void applyMessage(Model::AlertRecord &r, const AlertEvidenceMessage &message);
    void describeUiThread(AlertState &state, const AlertEvidenceMessage &message);
    void publish(AlertState &state, AlertEvidenceMessage::Kind kind, bool stopping, qint64 now);
    void mergeSamples(AlertState &state, const AlertEvidenceMessage &message, bool symbolize);
    void addSampledStack(AlertState &state, const QList<Model::AlertStackFrame> &frames) const;
    void resolveCulprit(AlertState &state);
    void collectWorkers(AlertState &state);
    void drawOnTimeline(const Model::AlertRecord &record, bool ended);
    void notifyDesktop(const Model::AlertRecord &record);

    UiWatchdogConfig m_config;
    QString m_session;
    pid_t m_uiTid;
    std::vector<pid_t> m_ownTids;
    Deliver m_deliver;
    QString m_journalPath;
    QString m_exePath;

    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<AlertEvidenceMessage> m_queue;
    bool m_stopping = false;
    std::atomic<pid_t> m_tid {0};
    std::atomic<pid_t> m_excludedTid {0};
    std::atomic<qint64> m_prewarmNs {0};
    std::atomic<int> m_notificationsSent {0};

    // Owned by the collector thread.
    struct Resources;
    std::unique_ptr<Resources> m_resources;
    QHash<quint32, std::shared_ptr<AlertState>> m_states;
    mutable std::mutex m_statusMutex;
    QString m_journalError;
    QString m_notificationStatus;
};

} // namespace Taskscope::Watchdog
