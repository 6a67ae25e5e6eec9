#pragma once

#include "model/alertrecord.h"
#include "workers/watchdog/dispatchprobe.h"

#include <array>

namespace Taskscope::Watchdog {

/// Tier thresholds in ns (the shipped defaults).
struct WatchdogTiers
{
    qint64 suspicionNs = 100'000'000;
    qint64 hangNs = 250'000'000;
    qint64 severeNs = 1'000'000'000;
    qint64 criticalNs = 5'000'000'000;

    Model::AlertTier tierFor(qint64 elapsedNs) const;
    qint64 thresholdOf(Model::AlertTier tier) const;
};

/// What the watcher saw at one poll, all times in TraceClock ns.
struct HangObservation
{
    qint64 nowNs = 0;
    bool probeActive = true; ///< the dispatch probe is installed
    int depth = 0; ///< active dispatches
    int levels = 0; ///< known levels: min(depth, MaxLevels)
    std::array<qint64, DispatchProbe::MaxLevels> levelStartNs {};
    qint64 lastProgressNs = 0; ///< latest dispatch entry/exit at any depth
    qint64 normalPendingSinceNs = 0; ///< post time of the unanswered normal heartbeat, 0 if none
    qint64 priorityPendingSinceNs = 0;
    qint64 lastAnswerNs = 0; ///< latest heartbeat (either kind) dispatched
    qint64 lastNormalAnswerNs = 0; ///< latest normal-priority heartbeat dispatched
    quint64 enteredSinceNormalPost = 0; ///< dispatches begun since the pending normal heartbeat was posted
    bool paused = false;
    qint64 budgetNs = 0; ///< active WatchdogBudget length, 0 if none
};

/// The decision logic of the watchdog, apart from threads and clocks so it can be tested with
/// synthetic timestamps.
///
/// Hang track: a dispatch that started after the loop last ran a posted event is a long dispatch; a
/// heartbeat unanswered while no dispatch begins and none explains it is blocked outside dispatch
/// (with the probe, the normal heartbeat; without it, the high-priority one); a normal heartbeat
/// stuck while dispatches keep beginning (with the probe) or high-priority heartbeats get through
/// (without it) is backlog saturation. Sampling starts at the suspicion tier, the alert at the hang
/// tier.
///
/// One episode is one stretch of time in which the loop runs no normal-priority posted event: it
/// begins with the first cause seen and ends only when a normal heartbeat posted during it is
/// answered. Whatever the loop does in between belongs to that episode and never opens a second one:
///  - a nested dispatch (a deeper notify() inside the blamed one, with no posted event run) is the
///    blamed dispatch still not returning;
///  - a follow-on dispatch (the blamed one returned, the next queued event runs before the
///    heartbeat does) continues the same freeze, as does the backlog of events that piled up
///    meanwhile or a stall outside any dispatch.
/// Such a change of cause is a new phase once it has lasted the suspicion tier (shorter ones, like
/// the queue draining after a freeze, count towards the phase before). The episode's verdict is the
/// cause that held for the most time, so it may change while it lasts; every phase is kept in its
/// history. Modal track: an outer dispatch inside which posted events were answered is a nested
/// modal loop: reported (tier None), never a hang.
class HangClassifier final
{
public:
    struct Episode
    {
        bool active = false;
        bool alerted = false;
        Model::AlertVerdict verdict = Model::AlertVerdict::LongDispatch;
        Model::AlertTier tier = Model::AlertTier::None;
        qint64 onsetNs = 0;
        qint64 elapsedNs = 0; ///< excludes watcher gaps
        qint64 excludedNs = 0;
        qint64 detectedNs = 0; ///< when the alert started (hang tier reached)
        qint64 endNs = 0;
        int level = -1; ///< the blamed dispatch level, -1 none
        qint64 budgetNs = 0; ///< budget that excused part of it
        qint64 anchorNs = 0;

        /// A stretch of the episode with one cause.
        struct Phase
        {
            Model::AlertVerdict verdict = Model::AlertVerdict::LongDispatch;
            qint64 startNs = 0;
            int level = -1;
        };
        static constexpr int MaxPhases = 8;
        std::array<Phase, MaxPhases> phases {};
        int phaseCount = 0; ///< phases kept (later changes merge into the last)
        bool verdictChanged = false; ///< the verdict changed at this step
        /// Time under each verdict so far (indexed by AlertVerdict), up to `atNs`.
        qint64 verdictNs(Model::AlertVerdict verdict, qint64 atNs) const;
    };

    enum class Change {
        None,
        SamplingStarted, ///< a hang-track episode passed the suspicion tier
        AlertStarted, ///< it passed the hang tier
        AlertUpdated, ///< tier rose or verdict changed
        AlertEnded, ///< the UI thread made progress again
        Discarded, ///< ended before the hang tier: no alert
    };
    enum class ModalChange { None, Started, Ended };

    struct Step
    {
        /// The previous episode ended in this step (AlertEnded or Discarded), before `change`.
        Change endChange = Change::None;
        Episode ended;
        /// What happened to the current episode (SamplingStarted, AlertStarted, AlertUpdated).
        Change change = Change::None;
        ModalChange modalEnd = ModalChange::None; ///< Ended: the previous modal episode (modalEnded)
        Episode modalEnded;
        ModalChange modal = ModalChange::None; ///< Started: a new modal episode
    };

    explicit HangClassifier(const WatchdogTiers &tiers = {});

    void setTiers(const WatchdogTiers &tiers) { m_tiers = tiers; }
    const WatchdogTiers &tiers() const { return m_tiers; }

    /// The watcher itself was not running for `lengthNs` up to `endNs` (suspend, SIGSTOP): that time
    /// does not count towards any episode.
    void noteWatcherGap(qint64 endNs, qint64 lengthNs);

    Step update(const HangObservation &observation);

    const Episode &episode() const { return m_episode; }
    const Episode &modal() const { return m_modal; }

private:
    struct Candidate
    {
        bool valid = false;
        Model::AlertVerdict verdict = Model::AlertVerdict::LongDispatch;
        qint64 anchorNs = 0; ///< what identifies it: the dispatch start or the heartbeat post time
        qint64 onsetNs = 0;
        int level = -1;
    };
    Candidate hangCandidate(const HangObservation &o) const;
    /// Completed dispatches since a heartbeat was posted that show a backlog rather than one handler.
    static constexpr quint64 BacklogEvidence = 4;
    qint64 excludedSince(qint64 onsetNs, qint64 nowNs) const;
    void followPhase(const Candidate &candidate, qint64 nowNs);
    Model::AlertVerdict dominantVerdict(qint64 nowNs) const;

    WatchdogTiers m_tiers;
    Episode m_episode;
    Episode m_modal;
    /// A cause other than the current phase's, seen since this time (0: none).
    Model::AlertVerdict m_nextVerdict = Model::AlertVerdict::LongDispatch;
    qint64 m_nextSinceNs = 0;
    int m_nextLevel = -1;
    struct Gap
    {
        qint64 endNs = 0;
        qint64 lengthNs = 0;
    };
    std::array<Gap, 16> m_gaps {};
    int m_nextGap = 0;
};

} // namespace Taskscope::Watchdog
