#include "workers/watchdog/watchloop.h"

#include "model/alertrecord.h"
#include "model/trace/traceclock.h"
#include "model/trace/tracerecorder.h"
#include "workers/watchdog/stacksampler.h"
#include "workers/watchdog/uiwatchdog.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

using Taskscope::Model::AlertEnd;
using Taskscope::Model::AlertRecord;
using Taskscope::Model::AlertVerdict;
using Taskscope::Trace::ThreadActivity;
using Taskscope::Trace::TraceClock;

namespace Taskscope::Watchdog {

namespace {

constexpr qint64 StateReadIntervalNs = 20'000'000;

ActivityCapture captureActivity(const ThreadActivity *activity)
{
    ActivityCapture capture;
    if (!activity)
        return capture;
    capture.coroutine = activity->coroutine.load(std::memory_order_relaxed);
    const std::uint32_t depth = qMin(activity->depth.load(std::memory_order_acquire), ThreadActivity::MaxScopes);
    // Keep the innermost scopes: they name what is running.
    const std::uint32_t first = depth > std::uint32_t(ActivityCapture::MaxScopes) ? depth - ActivityCapture::MaxScopes
                                                                                  : 0;
    for (std::uint32_t d = first; d < depth; ++d) {
        capture.scopeNames[std::size_t(capture.depth)] = activity->scopeName[d].load(std::memory_order_relaxed);
        capture.scopeLanes[std::size_t(capture.depth)] = activity->scopeLane[d].load(std::memory_order_relaxed);
        ++capture.depth;
    }
    return capture;
}

// Sleeps until deadlineNs (CLOCK_MONOTONIC, as TraceClock::steadyNs) unless *stopWord becomes non-zero;
// false when it did. A futex wait with an absolute deadline: one system call per poll.
bool sleepUnlessStopped(std::atomic<std::uint32_t> *stopWord, qint64 deadlineNs)
{
    static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t));
    const timespec deadline {time_t(deadlineNs / 1'000'000'000), long(deadlineNs % 1'000'000'000)};
    while (stopWord->load(std::memory_order_acquire) == 0) {
        // FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline; returns at once if the
        // word is no longer 0, on a wake, a signal (the loop re-checks) or the deadline.
        const long result = syscall(SYS_futex, stopWord, FUTEX_WAIT_BITSET_PRIVATE, 0, &deadline, nullptr,
                                    FUTEX_BITSET_MATCH_ANY);
        if (result == 0 || errno == EAGAIN || errno == EINTR)
            continue; // woken (perhaps spuriously) or the word changed: look again
        if (errno != ETIMEDOUT) // no futex (a sandbox that filters it): sleep, stop at the next poll
            clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, nullptr);
        return true;
    }
    return false;
}

// "long dispatch for 7.65 s, then backlog saturation for 300 ms" when the cause changed while it lasted.
QString phaseHistory(const HangClassifier::Episode &episode, qint64 endNs)
{
    if (episode.phaseCount < 2)
        return {};
    QStringList parts;
    for (int i = 0; i < episode.phaseCount; ++i) {
        const HangClassifier::Episode::Phase &phase = episode.phases[std::size_t(i)];
        const qint64 end = i + 1 < episode.phaseCount ? episode.phases[std::size_t(i + 1)].startNs : endNs;
        parts << QStringLiteral("%1 for %2")
                     .arg(AlertRecord::verdictName(phase.verdict),
                          AlertRecord::formatDuration(qMax<qint64>(0, end - phase.startNs)));
    }
    return QStringLiteral("one episode, its cause changed: ") + parts.join(QStringLiteral(", then "));
}

bool defaultDebuggerProbe()
{
    return ThreadStateReader::tracerPid() != 0;
}

qint64 nanoseconds(std::chrono::nanoseconds duration)
{
    return duration.count();
}

WatchdogTiers tiersOf(const UiWatchdogConfig &config)
{
    return {nanoseconds(config.suspicion), nanoseconds(config.hang), nanoseconds(config.severe),
            nanoseconds(config.critical)};
}

void heartbeatLatencies(AlertEvidenceMessage &message, const HangObservation &o)
{
    message.heartbeatLatencyNs = o.normalPendingSinceNs ? o.nowNs - o.normalPendingSinceNs : 0;
    message.priorityHeartbeatLatencyNs = o.priorityPendingSinceNs ? o.nowNs - o.priorityPendingSinceNs : 0;
}

} // namespace

WatchLoop::WatchLoop(UiWatchdog &watchdog)
    : m_watchdog(watchdog)
    , m_classifier(tiersOf(watchdog.m_config))
    , m_debuggerProbe(watchdog.m_config.debuggerAttached ? watchdog.m_config.debuggerAttached
                                                         : std::function<bool()>(defaultDebuggerProbe))
    , m_pollNs(nanoseconds(watchdog.m_config.pollInterval))
    , m_heartbeatNs(nanoseconds(watchdog.m_config.heartbeatInterval))
    , m_sampleNs(nanoseconds(watchdog.m_config.sampleInterval))
    , m_updateNs(nanoseconds(watchdog.m_config.updateInterval))
    , m_toleranceNs(nanoseconds(watchdog.m_config.latenessTolerance))
    , m_debuggerCheckNs(nanoseconds(watchdog.m_config.debuggerCheckInterval))
    , m_settledRequest(watchdog.m_settleRequest.load())
    , m_lastPollNs(TraceClock::nowNs())
{
    char schedstatPath[64];
    std::snprintf(schedstatPath, sizeof schedstatPath, "/proc/self/task/%d/schedstat", int(gettid()));
    m_schedstatFd = ::open(schedstatPath, O_RDONLY | O_CLOEXEC);
    m_lastRunQueueNs = ownRunQueueNs();
}

WatchLoop::~WatchLoop()
{
    if (m_schedstatFd >= 0)
        ::close(m_schedstatFd);
}

void WatchLoop::run()
{
    while (sleepUnlessStopped(&m_watchdog.m_stopWord, qint64(TraceClock::steadyNs()) + m_pollNs)) {
        const qint64 now = TraceClock::nowNs();
        const qint64 previousPollNs = m_lastPollNs;
        ++m_local.polls;
        noteOversleep(now, previousPollNs);
        m_lastPollNs = now;
        if (now - m_lastDebuggerCheckNs >= m_debuggerCheckNs) {
            m_debugger = m_debuggerProbe();
            m_lastDebuggerCheckNs = now;
        }
        postHeartbeats(now);
        const HangObservation o = observe(now, previousPollNs);
        const HangClassifier::Step step = m_classifier.update(o);
        followHang(step, o);
        answerSettle(o);
        followModal(step, now);
        if ((m_local.polls & 63) == 0)
            flushStats();
    }
    closeOpenEpisodes();
    flushStats();
}

// Woke far too late. If the watcher sat on a run queue meanwhile, the machine is overloaded (the UI
// thread likely starved too: that counts). If it did not, the process or the machine was stopped
// (SIGSTOP, suspend): that time is nobody's hang.
void WatchLoop::noteOversleep(qint64 nowNs, qint64 previousPollNs)
{
    const qint64 overslept = nowNs - previousPollNs - m_pollNs;
    const qint64 runQueueNs = ownRunQueueNs();
    if (overslept > m_toleranceNs) {
        const qint64 waited = runQueueNs - m_lastRunQueueNs;
        if (runQueueNs >= 0 && m_lastRunQueueNs >= 0 && waited >= overslept / 2) {
            m_starvedNote = QStringLiteral("the watchdog itself waited %1 for a CPU: the machine is overloaded")
                                .arg(AlertRecord::formatDuration(waited));
        } else {
            m_classifier.noteWatcherGap(nowNs, overslept);
            ++m_local.late;
            m_gapNotes = {
                QStringLiteral("the watcher was stopped for %1 (system suspend or SIGSTOP); that time is not counted")
                    .arg(AlertRecord::formatDuration(overslept))};
        }
    }
    m_lastRunQueueNs = runQueueNs;
}

// One outstanding heartbeat per kind. With the dispatch probe the high-priority kind tells nothing
// the probe does not (a backlog shows as entries while the normal heartbeat waits, a blocked loop as
// none), and every post takes the UI thread's posted-event lock, which a flood holds most of the
// time (perf: the watcher waiting in lockThreadPostEventList, the UI thread making futex
// hand-offs). So only the normal heartbeat goes out then.
void WatchLoop::postHeartbeats(qint64 nowNs)
{
    const int heartbeatKinds = m_watchdog.m_probeActive ? 1 : 2;
    for (int kind = 0; kind < heartbeatKinds; ++kind) {
        UiWatchdog::Heartbeat &heartbeat = m_watchdog.m_heartbeat[kind];
        const quint64 posted = heartbeat.postedSeq.load(std::memory_order_relaxed);
        if (heartbeat.answeredSeq.load(std::memory_order_acquire) != posted)
            continue;
        if (nowNs - heartbeat.postedNs.load(std::memory_order_relaxed) < m_heartbeatNs && posted != 0)
            continue;
        heartbeat.postedNs.store(nowNs, std::memory_order_relaxed);
        if (kind == 0)
            m_enteredAtNormalPost = DispatchProbe::enteredCount();
        heartbeat.postedSeq.store(posted + 1, std::memory_order_relaxed);
        m_watchdog.postHeartbeat(kind, posted + 1);
        ++m_local.heartbeats;
    }
}

HangObservation WatchLoop::observe(qint64 nowNs, qint64 previousPollNs)
{
    HangObservation o;
    o.nowNs = nowNs;
    o.probeActive = m_watchdog.m_probeActive;
    for (int kind = 0; kind < 2; ++kind) {
        const UiWatchdog::Heartbeat &heartbeat = m_watchdog.m_heartbeat[kind];
        const bool pending = heartbeat.answeredSeq.load(std::memory_order_acquire)
            != heartbeat.postedSeq.load(std::memory_order_relaxed);
        const qint64 since = pending ? heartbeat.postedNs.load(std::memory_order_relaxed) : 0;
        (kind == 0 ? o.normalPendingSinceNs : o.priorityPendingSinceNs) = since;
        const qint64 answeredNs = TraceClock::toNs(heartbeat.answeredTicks.load(std::memory_order_relaxed));
        o.lastAnswerNs = qMax(o.lastAnswerNs, answeredNs);
        if (kind == 0)
            o.lastNormalAnswerNs = answeredNs;
    }
    if (m_watchdog.m_probeActive)
        readDispatchProbe(o, previousPollNs);
    if (o.normalPendingSinceNs)
        o.enteredSinceNormalPost = m_probe.entered - m_enteredAtNormalPost;
    o.paused = m_watchdog.m_pauseCount.load(std::memory_order_relaxed) > 0;
    o.budgetNs = m_watchdog.m_budgetNs.load(std::memory_order_acquire);
    return o;
}

void WatchLoop::readDispatchProbe(HangObservation &o, qint64 previousPollNs)
{
    DispatchProbe::snapshot(&m_probe);
    o.depth = m_probe.depth;
    o.levels = qMin(m_probe.depth, DispatchProbe::MaxLevels);
    // The probe reads no clock: an entry the watcher has not seen before began after the previous
    // poll (and after a heartbeat answered since, which ran before it at its depth or above). Taking
    // that earliest moment means a tier is never reached late, and a duration is over-stated by at
    // most one poll.
    const qint64 entryFloorNs = o.lastAnswerNs >= previousPollNs ? qMin(o.lastAnswerNs + 1, o.nowNs) : previousPollNs;
    for (int level = 0; level < o.levels; ++level) {
        const std::size_t l = std::size_t(level);
        if (m_probe.levels[level].entryId != m_seenEntryId[l]) {
            m_seenEntryId[l] = m_probe.levels[level].entryId;
            m_seenEntryStartNs[l] = entryFloorNs;
        }
        o.levelStartNs[l] = m_seenEntryStartNs[l];
    }
    // Progress (an entry, or an exit seen as a lower depth) happened between the two polls: the
    // midpoint is within half a poll of it.
    if (m_probe.depth != m_lastDepth || m_probe.entered != m_lastEntered) {
        m_lastDepth = m_probe.depth;
        m_lastEntered = m_probe.entered;
        m_lastProgressSeenNs = previousPollNs + (o.nowNs - previousPollNs) / 2;
    }
    o.lastProgressNs = m_lastProgressSeenNs;
}

void WatchLoop::followHang(const HangClassifier::Step &step, const HangObservation &o)
{
    if (step.endChange == HangClassifier::Change::AlertEnded && m_hang.active) {
        m_hang.pending.end = AlertEnd::Recovered;
        if (const QString history = phaseHistory(step.ended, step.ended.endNs); !history.isEmpty())
            m_hang.pending.notes.append(history);
        send(m_hang, AlertEvidenceMessage::Kind::End, step.ended);
        m_hang = Watched {};
        m_gapNotes.clear();
    } else if (step.endChange == HangClassifier::Change::Discarded && m_hang.active) {
        ++m_local.discarded;
        m_hang = Watched {};
        m_gapNotes.clear();
    }
    if (m_classifier.episode().active && !m_hang.active)
        startHang(o.nowNs);
    if (!m_hang.active)
        return;
    if (m_debugger)
        m_hang.suppressed = true;
    if (o.budgetNs > 0)
        m_hang.budgetReason = m_watchdog.m_budgetReason.load(std::memory_order_relaxed);
    gatherHangEvidence(o.nowNs, step.change == HangClassifier::Change::AlertStarted);
    reportHang(step, o);
}

void WatchLoop::startHang(qint64 nowNs)
{
    m_hang.active = true;
    m_hang.suppressed = m_debugger;
    m_hang.nextSampleNs = nowNs;
    m_hang.firstState = ThreadStateReader::read(m_watchdog.m_uiTid);
    m_hang.lastStateReadNs = nowNs;
    m_hang.pending.activities.push_back(captureActivity(m_watchdog.m_uiActivity));
}

void WatchLoop::gatherHangEvidence(qint64 nowNs, bool alertStarted)
{
    // Its kernel state, read before sampling: a sample wakes the thread for a moment.
    if (nowNs - m_hang.lastStateReadNs >= StateReadIntervalNs || alertStarted) {
        m_hang.pending.states.push_back(ThreadStateReader::read(m_watchdog.m_uiTid));
        m_hang.lastStateReadNs = nowNs;
    }
    // Stack samples while it lasts: from the suspicion tier, slower past the cap.
    const qint64 interval = m_hang.samplesTaken >= m_watchdog.m_config.maxSamplesPerAlert ? m_sampleNs * 10
                                                                                          : m_sampleNs;
    if (!m_watchdog.m_samplingActive || m_hang.suppressed || nowNs < m_hang.nextSampleNs)
        return;
    RawStack raw;
    if (StackSampler::sample(&raw)) {
        m_hang.pending.stacks.push_back(raw);
        ++m_local.samples;
    } else {
        ++m_hang.pending.sampleFailures;
        ++m_local.failures;
    }
    ++m_hang.samplesTaken;
    m_hang.pending.activities.push_back(captureActivity(m_watchdog.m_uiActivity));
    m_hang.nextSampleNs = nowNs + interval;
}

void WatchLoop::reportHang(const HangClassifier::Step &step, const HangObservation &o)
{
    const HangClassifier::Episode &episode = m_classifier.episode();
    if (step.change == HangClassifier::Change::AlertStarted) {
        m_hang.alerted = true;
        // Numbered when it becomes an alert: a suspicion that passes takes no number, so "Alert #2"
        // always has an alert #1.
        m_hang.id = m_nextId++;
        fillDispatch(m_hang.pending, episode.level, o.nowNs);
        heartbeatLatencies(m_hang.pending, o);
        send(m_hang, AlertEvidenceMessage::Kind::Start, episode);
        m_hang.lastUpdateNs = o.nowNs;
    } else if (m_hang.alerted
               && (step.change == HangClassifier::Change::AlertUpdated
                   || o.nowNs - m_hang.lastUpdateNs >= m_updateNs)) {
        if (episode.verdictChanged && episode.verdict == AlertVerdict::LongDispatch)
            fillDispatch(m_hang.pending, episode.level, o.nowNs);
        heartbeatLatencies(m_hang.pending, o);
        send(m_hang, AlertEvidenceMessage::Kind::Update, episode);
        m_hang.lastUpdateNs = o.nowNs;
    }
}

// A settle request is answered once the loop ran a heartbeat after it and no episode is open; the
// collector handles the answer after everything sent before it.
void WatchLoop::answerSettle(const HangObservation &o)
{
    const quint64 request = m_watchdog.m_settleRequest.load(std::memory_order_acquire);
    if (request <= m_settledRequest
        || o.lastNormalAnswerNs < m_watchdog.m_settleRequestNs.load(std::memory_order_relaxed)
        || m_classifier.episode().active)
        return;
    m_settledRequest = request;
    AlertEvidenceMessage marker;
    marker.kind = AlertEvidenceMessage::Kind::Settled;
    marker.id = quint32(request);
    m_watchdog.m_collector->post(std::move(marker));
}

// Modal track: reported, never a hang; no sampling.
void WatchLoop::followModal(const HangClassifier::Step &step, qint64 nowNs)
{
    if (step.modalEnd == HangClassifier::ModalChange::Ended && m_modal.active) {
        m_modal.pending.end = AlertEnd::Recovered;
        send(m_modal, AlertEvidenceMessage::Kind::End, step.modalEnded);
        m_modal = Watched {};
    }
    if (step.modal == HangClassifier::ModalChange::Started) {
        m_modal.active = true;
        m_modal.alerted = true;
        m_modal.id = m_nextId++;
        m_modal.suppressed = false;
        fillDispatch(m_modal.pending, m_classifier.modal().level, nowNs);
        m_modal.pending.activities.push_back(captureActivity(m_watchdog.m_uiActivity));
        m_modal.pending.notes.append(QStringLiteral("events kept flowing inside the nested loop: not a hang"));
        send(m_modal, AlertEvidenceMessage::Kind::Start, m_classifier.modal());
        m_modal.lastUpdateNs = nowNs;
    } else if (m_modal.active && nowNs - m_modal.lastUpdateNs >= m_updateNs) {
        fillDispatch(m_modal.pending, m_classifier.modal().level, nowNs);
        send(m_modal, AlertEvidenceMessage::Kind::Update, m_classifier.modal());
        m_modal.lastUpdateNs = nowNs;
    }
}

// Stopping: close what is open so the journal does not read it as a kill next time.
void WatchLoop::closeOpenEpisodes()
{
    const qint64 now = TraceClock::nowNs();
    if (m_hang.active && m_hang.alerted) {
        HangClassifier::Episode episode = m_classifier.episode();
        episode.elapsedNs = qMax<qint64>(0, now - episode.onsetNs - episode.excludedNs);
        m_hang.pending.end = AlertEnd::WatchdogStopped;
        if (const QString history = phaseHistory(episode, now); !history.isEmpty())
            m_hang.pending.notes.append(history);
        send(m_hang, AlertEvidenceMessage::Kind::End, episode);
    }
    if (m_modal.active) {
        HangClassifier::Episode episode = m_classifier.modal();
        episode.elapsedNs = qMax<qint64>(0, now - episode.onsetNs - episode.excludedNs);
        m_modal.pending.end = AlertEnd::WatchdogStopped;
        send(m_modal, AlertEvidenceMessage::Kind::End, episode);
    }
}

void WatchLoop::flushStats()
{
    std::lock_guard lock(m_watchdog.m_statsMutex);
    UiWatchdog::Stats &stats = m_watchdog.m_stats;
    stats.polls += m_local.polls;
    stats.heartbeatsPosted += m_local.heartbeats;
    stats.samples += m_local.samples;
    stats.sampleFailures += m_local.failures;
    stats.lateWakeups += m_local.late;
    stats.discarded += m_local.discarded;
    m_local = LocalStats {};
}

void WatchLoop::fillDispatch(AlertEvidenceMessage &message, int level, qint64 nowNs) const
{
    if (level < 0 || level >= m_probe.depth || level >= DispatchProbe::MaxLevels) {
        message.haveDispatch = m_probe.depth > 0;
        level = qMin(m_probe.depth, DispatchProbe::MaxLevels) - 1;
        if (level < 0)
            return;
    } else {
        message.haveDispatch = true;
    }
    const DispatchProbe::Level &l = m_probe.levels[level];
    message.receiverClass = l.receiverClass;
    message.objectName = QString::fromUtf16(l.objectName, l.objectNameLength);
    message.eventType = l.eventType;
    message.depth = level + 1;
    message.dispatchStartNs = qMin(m_seenEntryStartNs[std::size_t(level)], nowNs);
    message.nestedEvents = m_probe.enteredSince[level];
}

void WatchLoop::send(Watched &watched, AlertEvidenceMessage::Kind kind, const HangClassifier::Episode &episode)
{
    AlertEvidenceMessage message = std::move(watched.pending);
    watched.pending = AlertEvidenceMessage {};
    message.kind = kind;
    message.id = watched.id;
    message.suppressed = watched.suppressed;
    message.verdict = episode.verdict;
    message.tier = episode.tier;
    message.onsetNs = episode.onsetNs;
    message.detectedNs = episode.detectedNs;
    message.elapsedNs = episode.elapsedNs;
    message.excludedNs = episode.excludedNs;
    message.budgetNs = episode.budgetNs;
    message.budgetReason = episode.budgetNs > 0 ? watched.budgetReason : 0;
    message.firstState = watched.firstState;
    if (!m_gapNotes.isEmpty() && episode.excludedNs > 0)
        message.notes += m_gapNotes;
    if (watched.suppressed)
        message.notes.append(QStringLiteral("a debugger was attached (TracerPid): annotated, not alerted"));
    if (!m_starvedNote.isEmpty()) {
        message.notes.append(m_starvedNote);
        m_starvedNote.clear();
    }
    m_watchdog.m_collector->post(std::move(message));
}

qint64 WatchLoop::ownRunQueueNs() const
{
    char buffer[96];
    if (m_schedstatFd < 0)
        return -1;
    const ssize_t n = ::pread(m_schedstatFd, buffer, sizeof buffer - 1, 0);
    if (n <= 0)
        return -1;
    buffer[n] = '\0';
    char *end = nullptr;
    std::strtoull(buffer, &end, 10);
    return qint64(std::strtoull(end, nullptr, 10));
}

} // namespace Taskscope::Watchdog
