#include "workers/watchdog/hangclassifier.h"

using Taskscope::Model::AlertTier;
using Taskscope::Model::AlertVerdict;

namespace Taskscope::Watchdog {

AlertTier WatchdogTiers::tierFor(qint64 elapsedNs) const
{
    if (elapsedNs >= criticalNs)
        return AlertTier::Critical;
    if (elapsedNs >= severeNs)
        return AlertTier::Severe;
    if (elapsedNs >= hangNs)
        return AlertTier::Hang;
    if (elapsedNs >= suspicionNs)
        return AlertTier::Suspicion;
    return AlertTier::None;
}

qint64 WatchdogTiers::thresholdOf(AlertTier tier) const
{
    switch (tier) {
    case AlertTier::Suspicion:
        return suspicionNs;
    case AlertTier::Hang:
        return hangNs;
    case AlertTier::Severe:
        return severeNs;
    case AlertTier::Critical:
        return criticalNs;
    case AlertTier::None:
        break;
    }
    return 0;
}

HangClassifier::HangClassifier(const WatchdogTiers &tiers)
    : m_tiers(tiers)
{
}

void HangClassifier::noteWatcherGap(qint64 endNs, qint64 lengthNs)
{
    if (lengthNs <= 0)
        return;
    m_gaps[std::size_t(m_nextGap)] = Gap {endNs, lengthNs};
    m_nextGap = (m_nextGap + 1) % int(m_gaps.size());
}

qint64 HangClassifier::excludedSince(qint64 onsetNs, qint64 nowNs) const
{
    qint64 excluded = 0;
    for (const Gap &gap : m_gaps) {
        if (gap.lengthNs <= 0 || gap.endNs <= onsetNs || gap.endNs > nowNs)
            continue;
        excluded += qMin(gap.lengthNs, gap.endNs - onsetNs);
    }
    return excluded;
}

HangClassifier::Candidate HangClassifier::hangCandidate(const HangObservation &o) const
{
    // A dispatch that began after the loop last ran a posted event: nothing has flowed since.
    Candidate dispatch;
    if (o.probeActive) {
        for (int level = 0; level < o.levels && level < DispatchProbe::MaxLevels; ++level) {
            if (o.levelStartNs[std::size_t(level)] > o.lastAnswerNs) {
                const qint64 start = o.levelStartNs[std::size_t(level)];
                dispatch = Candidate {true, AlertVerdict::LongDispatch, start, start, level};
                break;
            }
        }
    }
    if (dispatch.valid && o.nowNs - dispatch.onsetNs >= m_tiers.suspicionNs)
        return dispatch;
    // A heartbeat waits while other dispatches keep completing: a backlog of short events. (A
    // high-priority heartbeat cannot jump a backlog that sendPostedEvents() is already working
    // through, so the dispatches the probe saw begin are the evidence; without the probe, the
    // high-priority heartbeat getting through is.)
    const bool priorityFlows = o.priorityPendingSinceNs == 0
        || o.nowNs - o.priorityPendingSinceNs < m_tiers.suspicionNs;
    // With the probe, dispatches that began since the post are the evidence, and only while they
    // still begin or end: a few that ran before the thread stopped do not make a stall a backlog.
    const bool probeFlows = o.enteredSinceNormalPost >= BacklogEvidence
        && o.nowNs - o.lastProgressNs < m_tiers.suspicionNs;
    const bool flowing = o.probeActive ? probeFlows : priorityFlows;
    if (o.normalPendingSinceNs > 0 && flowing)
        return Candidate {true, AlertVerdict::BacklogSaturation, o.normalPendingSinceNs, o.normalPendingSinceNs, -1};
    if (dispatch.valid)
        return dispatch;
    // The loop cannot run a heartbeat, and no dispatch explains it. With the probe, the normal
    // heartbeat stuck while no dispatch begins says so (the watcher posts no high-priority one then);
    // without it, the high-priority heartbeat that cannot get in.
    const qint64 stuckSinceNs = o.probeActive ? o.normalPendingSinceNs : o.priorityPendingSinceNs;
    if (stuckSinceNs > 0) {
        const qint64 onset = o.probeActive ? qMax(stuckSinceNs, o.lastProgressNs) : stuckSinceNs;
        return Candidate {true, o.probeActive ? AlertVerdict::BlockedOutsideDispatch : AlertVerdict::LongDispatch,
                          stuckSinceNs, qMin(onset, o.nowNs), -1};
    }
    return {};
}

qint64 HangClassifier::Episode::verdictNs(AlertVerdict verdict, qint64 atNs) const
{
    qint64 total = 0;
    for (int i = 0; i < phaseCount; ++i) {
        const Phase &phase = phases[std::size_t(i)];
        const qint64 end = i + 1 < phaseCount ? phases[std::size_t(i + 1)].startNs : atNs;
        if (phase.verdict == verdict)
            total += qMax<qint64>(0, end - phase.startNs);
    }
    return total;
}

AlertVerdict HangClassifier::dominantVerdict(qint64 nowNs) const
{
    AlertVerdict best = m_episode.phases[0].verdict;
    qint64 bestNs = m_episode.verdictNs(best, nowNs);
    for (int i = 1; i < m_episode.phaseCount; ++i) {
        const AlertVerdict verdict = m_episode.phases[std::size_t(i)].verdict;
        const qint64 ns = m_episode.verdictNs(verdict, nowNs);
        if (ns > bestNs) {
            best = verdict;
            bestNs = ns;
        }
    }
    return best;
}

void HangClassifier::followPhase(const Candidate &candidate, qint64 nowNs)
{
    Episode::Phase &current = m_episode.phases[std::size_t(m_episode.phaseCount - 1)];
    if (candidate.verdict == current.verdict) {
        m_nextSinceNs = 0;
        return;
    }
    if (m_nextSinceNs == 0 || m_nextVerdict != candidate.verdict) {
        m_nextVerdict = candidate.verdict;
        m_nextSinceNs = nowNs;
        m_nextLevel = candidate.level;
        return;
    }
    if (nowNs - m_nextSinceNs < m_tiers.suspicionNs)
        return;
    // The new cause held long enough to be a phase of its own.
    if (m_episode.phaseCount < Episode::MaxPhases) {
        m_episode.phases[std::size_t(m_episode.phaseCount++)] = Episode::Phase {m_nextVerdict, m_nextSinceNs,
                                                                                m_nextLevel};
    } else {
        current = Episode::Phase {m_nextVerdict, current.startNs, m_nextLevel};
    }
    m_nextSinceNs = 0;
}

HangClassifier::Step HangClassifier::update(const HangObservation &o)
{
    Step step;
    const Candidate candidate = o.paused ? Candidate {} : hangCandidate(o);

    // The episode lasts until the loop runs a normal posted event again (see the class comment).
    const bool answered = o.lastNormalAnswerNs >= m_episode.onsetNs;
    if (m_episode.active && (!candidate.valid || answered)) {
        Episode ended = m_episode;
        // It ended when the loop ran a heartbeat again, or else when the UI thread last made progress.
        const qint64 progress = answered && !o.paused ? o.lastNormalAnswerNs : qMax(o.lastProgressNs, o.lastAnswerNs);
        ended.endNs = progress > ended.onsetNs && progress <= o.nowNs ? progress : o.nowNs;
        ended.excludedNs = excludedSince(ended.onsetNs, ended.endNs);
        ended.elapsedNs = qMax<qint64>(0, ended.endNs - ended.onsetNs - ended.excludedNs);
        if (ended.alerted) {
            const AlertTier finalTier = m_tiers.tierFor(ended.elapsedNs - ended.budgetNs);
            if (finalTier > ended.tier)
                ended.tier = finalTier;
        }
        ended.verdictChanged = false;
        step.endChange = ended.alerted ? Change::AlertEnded : Change::Discarded;
        step.ended = ended;
        m_episode = Episode {};
        m_nextSinceNs = 0;
    }

    if (candidate.valid && !(m_episode.active && answered)) {
        const qint64 onset = m_episode.active ? m_episode.onsetNs : candidate.onsetNs;
        const qint64 excluded = excludedSince(onset, o.nowNs);
        const qint64 elapsed = qMax<qint64>(0, o.nowNs - onset - excluded);
        const qint64 budget = qMax(m_episode.active ? m_episode.budgetNs : 0, o.budgetNs);
        const AlertTier tier = m_tiers.tierFor(elapsed - budget);
        m_episode.verdictChanged = false;
        if (!m_episode.active && tier >= AlertTier::Suspicion) {
            m_episode.active = true;
            m_episode.verdict = candidate.verdict;
            m_episode.anchorNs = candidate.anchorNs;
            m_episode.onsetNs = candidate.onsetNs;
            m_episode.level = candidate.level;
            m_episode.phases[0] = Episode::Phase {candidate.verdict, candidate.onsetNs, candidate.level};
            m_episode.phaseCount = 1;
            m_nextSinceNs = 0;
            step.change = Change::SamplingStarted;
        } else if (m_episode.active) {
            followPhase(candidate, o.nowNs);
            const AlertVerdict verdict = dominantVerdict(o.nowNs);
            if (verdict != m_episode.verdict) {
                m_episode.verdict = verdict;
                for (int i = m_episode.phaseCount - 1; i >= 0; --i) {
                    if (m_episode.phases[std::size_t(i)].verdict == verdict) {
                        m_episode.level = m_episode.phases[std::size_t(i)].level;
                        break;
                    }
                }
                m_episode.verdictChanged = true;
            }
        }
        if (m_episode.active) {
            m_episode.elapsedNs = elapsed;
            m_episode.excludedNs = excluded;
            m_episode.budgetNs = budget;
            if (!m_episode.alerted && tier >= AlertTier::Hang) {
                m_episode.alerted = true;
                m_episode.detectedNs = o.nowNs;
                m_episode.tier = tier;
                step.change = Change::AlertStarted;
            } else if (m_episode.alerted && (tier > m_episode.tier || m_episode.verdictChanged)) {
                m_episode.tier = qMax(tier, m_episode.tier);
                step.change = Change::AlertUpdated;
            } else if (!m_episode.alerted) {
                m_episode.tier = tier;
            }
        }
    }

    // Modal track: the outermost dispatch inside which posted events were answered.
    int modalLevel = -1;
    if (!o.paused && o.probeActive && o.lastAnswerNs > 0) {
        for (int level = 0; level < o.levels && level < DispatchProbe::MaxLevels; ++level) {
            if (o.levelStartNs[std::size_t(level)] < o.lastAnswerNs) {
                modalLevel = level;
                break;
            }
        }
    }
    const qint64 modalStart = modalLevel >= 0 ? o.levelStartNs[std::size_t(modalLevel)] : 0;
    if (m_modal.active && (modalLevel != m_modal.level || modalStart != m_modal.anchorNs)) {
        Episode ended = m_modal;
        ended.endNs = o.lastProgressNs > ended.onsetNs && o.lastProgressNs <= o.nowNs ? o.lastProgressNs : o.nowNs;
        ended.excludedNs = excludedSince(ended.onsetNs, ended.endNs);
        ended.elapsedNs = qMax<qint64>(0, ended.endNs - ended.onsetNs - ended.excludedNs);
        step.modalEnd = ModalChange::Ended;
        step.modalEnded = ended;
        m_modal = Episode {};
    }
    if (modalLevel >= 0) {
        const qint64 excluded = excludedSince(modalStart, o.nowNs);
        const qint64 elapsed = qMax<qint64>(0, o.nowNs - modalStart - excluded);
        if (!m_modal.active && elapsed >= m_tiers.hangNs) {
            m_modal.active = true;
            m_modal.alerted = true;
            m_modal.verdict = AlertVerdict::NestedModalLoop;
            m_modal.tier = AlertTier::None;
            m_modal.anchorNs = modalStart;
            m_modal.onsetNs = modalStart;
            m_modal.level = modalLevel;
            m_modal.detectedNs = o.nowNs;
            step.modal = ModalChange::Started;
        }
        if (m_modal.active) {
            m_modal.elapsedNs = elapsed;
            m_modal.excludedNs = excluded;
        }
    }
    return step;
}

} // namespace Taskscope::Watchdog
