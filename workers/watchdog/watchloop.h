#pragma once

#include "model/trace/tracetypes.h"
#include "workers/watchdog/alertevidencecollector.h"
#include "workers/watchdog/dispatchprobe.h"
#include "workers/watchdog/hangclassifier.h"
#include "workers/watchdog/threadstate.h"

#include <QStringList>

#include <array>
#include <cstdint>
#include <functional>

namespace Taskscope::Watchdog {

class UiWatchdog;

/// The body of UiWatchdog's watcher thread: one poll every pollInterval until the watchdog stops.
///
/// Each poll checks that the watcher itself woke on time, posts heartbeats, turns the heartbeats and
/// the dispatch probe into a HangObservation, lets the HangClassifier decide, and follows the two
/// tracks it reports: the hang episode (thread states, stack samples, alert messages to the evidence
/// collector) and the nested modal loop (reported, never a hang). Everything here runs on the
/// watcher thread; what it shares with other threads lives in UiWatchdog as atomics.
class WatchLoop final
{
    Q_DISABLE_COPY_MOVE(WatchLoop)

public:
    explicit WatchLoop(UiWatchdog &watchdog);
    ~WatchLoop();

    /// Polls until the watchdog's stop word is set, then closes the episodes still open.
    void run();

private:
    /// The episode being followed on one track, and the evidence gathered since its last message.
    struct Watched
    {
        bool active = false;
        bool alerted = false;
        bool suppressed = false;
        quint32 id = 0;
        AlertEvidenceMessage pending;
        qint64 nextSampleNs = 0;
        qint64 lastStateReadNs = 0;
        qint64 lastUpdateNs = 0;
        int samplesTaken = 0;
        Trace::NameId budgetReason = 0;
        ThreadStateSample firstState;
    };

    /// Counters kept locally and added to UiWatchdog::Stats every 64 polls (one lock, not one per poll).
    struct LocalStats
    {
        quint64 polls = 0;
        quint64 heartbeats = 0;
        quint64 samples = 0;
        quint64 failures = 0;
        quint64 late = 0;
        quint64 discarded = 0;
    };

    void noteOversleep(qint64 nowNs, qint64 previousPollNs);
    void postHeartbeats(qint64 nowNs);
    HangObservation observe(qint64 nowNs, qint64 previousPollNs);
    void readDispatchProbe(HangObservation &o, qint64 previousPollNs);
    void followHang(const HangClassifier::Step &step, const HangObservation &o);
    void startHang(qint64 nowNs);
    void gatherHangEvidence(qint64 nowNs, bool alertStarted);
    void reportHang(const HangClassifier::Step &step, const HangObservation &o);
    void answerSettle(const HangObservation &o);
    void followModal(const HangClassifier::Step &step, qint64 nowNs);
    void closeOpenEpisodes();
    void flushStats();

    void fillDispatch(AlertEvidenceMessage &message, int level, qint64 nowNs) const;
    void send(Watched &watched, AlertEvidenceMessage::Kind kind, const HangClassifier::Episode &episode);
    qint64 ownRunQueueNs() const;

    UiWatchdog &m_watchdog;
    HangClassifier m_classifier;
    std::function<bool()> m_debuggerProbe;
    qint64 m_pollNs;
    qint64 m_heartbeatNs;
    qint64 m_sampleNs;
    qint64 m_updateNs;
    qint64 m_toleranceNs;
    qint64 m_debuggerCheckNs;

    DispatchProbe::Snapshot m_probe;
    quint32 m_nextId = 1;
    quint64 m_settledRequest = 0;
    Watched m_hang;
    Watched m_modal;
    qint64 m_lastPollNs = 0;
    qint64 m_lastDebuggerCheckNs = 0;
    bool m_debugger = false;
    LocalStats m_local;
    QStringList m_gapNotes;
    QString m_starvedNote;
    std::uint64_t m_enteredAtNormalPost = 0;
    int m_lastDepth = 0;
    std::uint64_t m_lastEntered = 0;
    qint64 m_lastProgressSeenNs = 0;
    std::array<std::uint64_t, DispatchProbe::MaxLevels> m_seenEntryId {};
    std::array<qint64, DispatchProbe::MaxLevels> m_seenEntryStartNs {};
    // The watcher's own run-queue wait (schedstat field 2), read through a kept descriptor.
    int m_schedstatFd = -1;
    qint64 m_lastRunQueueNs = -1;
};

} // namespace Taskscope::Watchdog
