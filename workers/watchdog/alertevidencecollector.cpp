#include "workers/watchdog/alertevidencecollector.h"

#include "model/trace/laneregistry.h"
#include "model/trace/traceclock.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracerecorder.h"
#include "workers/watchdog/alertjournal.h"
#include "workers/watchdog/desktopnotifier.h"
#include "workers/watchdog/symbolizer.h"

#include <QDateTime>
#include <QEvent>
#include <QFile>
#include <QHash>
#include <QMetaEnum>

#include <algorithm>

#include <pthread.h>
#include <unistd.h>

using Taskscope::Model::AlertRecord;
using Taskscope::Model::AlertSampledStack;
using Taskscope::Model::AlertStackFrame;
using Taskscope::Model::AlertTier;
using Taskscope::Model::AlertVerdict;
using Taskscope::Model::AlertWorkerActivity;
using Taskscope::Trace::LaneId;
using Taskscope::Trace::LaneInfo;
using Taskscope::Trace::LaneKind;
using Taskscope::Trace::LaneRegistry;
using Taskscope::Trace::NameId;
using Taskscope::Trace::NoLane;
using Taskscope::Trace::TraceClock;
using Taskscope::Trace::TraceNames;
using Taskscope::Trace::TraceRecorder;
using Taskscope::Trace::UiThreadLane;

namespace Taskscope::Watchdog {

namespace {

// Frames that are in every sample because of the watchdog itself, or the signal machinery.
bool isInstrumentationFrame(const QString &function)
{
    return function.contains(u"notifyCallback") || function.startsWith(u"QInternal::activateCallbacks")
        || function.startsWith(u"Taskscope::Watchdog::DispatchProbe::");
}

QString eventName(int type)
{
    const QMetaEnum metaEnum = QMetaEnum::fromType<QEvent::Type>();
    if (const char *key = metaEnum.valueToKey(type))
        return QString::fromLatin1(key);
    return QStringLiteral("User+%1").arg(type - int(QEvent::User));
}

QString laneName(LaneId lane)
{
    if (lane == NoLane)
        return {};
    const LaneInfo info = LaneRegistry::info(lane);
    QString name = TraceNames::name(info.name);
    return name.isEmpty() ? QStringLiteral("lane %1").arg(lane) : name;
}

QString laneNameOfThread(qint64 tid)
{
    const QList<LaneInfo> lanes = LaneRegistry::snapshot();
    for (const LaneInfo &lane : lanes) {
        if (lane.kind == LaneKind::Thread && qint64(lane.osThreadId) == tid)
            return TraceNames::name(lane.name);
    }
    return QStringLiteral("thread %1").arg(tid);
}

// Samples kept per alert for choosing a representative stack.
constexpr int MaxKeptStacks = 256;
constexpr int TopFrameCount = 12;

} // namespace

struct AlertEvidenceCollector::Resources
{
    Symbolizer symbolizer;
    std::unique_ptr<AlertJournal> journal;
    std::unique_ptr<DesktopNotifier> notifier;
};

struct AlertEvidenceCollector::AlertState
{
    AlertRecord record;
    struct FrameCount
    {
        AlertStackFrame frame;
        int count = 0;
        qint64 leafDistanceSum = 0;
    };
    QHash<QString, FrameCount> frames;
    std::vector<QList<AlertStackFrame>> keptStacks;
    // Indexes into record.sampleFrames and record.sampledStacks, by function and by stack.
    QHash<QString, int> sampleFrameIndex;
    QHash<QList<int>, int> sampledStackIndex;
    std::vector<qint64> roundTrips;
    QHash<QString, int> culpritVotes;
    QHash<QString, ActivityCapture> culpritCaptures;
    qint64 lastWorkersNs = 0;
    qint64 lastJournalNs = 0;
    // UI-thread state reads by kind (state letter and syscall): the most frequent one describes it.
    struct StateTally
    {
        int count = 0;
        ThreadStateSample sample;
    };
    QHash<QString, StateTally> states;
    ThreadStateSample lastState;
    AlertTier journaledTier = AlertTier::None;
    bool notified = false;
    bool notifiedCritical = false;
    ThreadStateSample firstState;
};

AlertEvidenceCollector::AlertEvidenceCollector(const UiWatchdogConfig &config, const QString &session, pid_t uiTid,
                                               std::vector<pid_t> ownTids, Deliver deliver)
    : m_config(config)
    , m_session(session)
    , m_uiTid(uiTid)
    , m_ownTids(std::move(ownTids))
    , m_deliver(std::move(deliver))
    , m_journalPath(config.journalPath.isEmpty() ? AlertJournal::defaultPath() : config.journalPath)
    , m_exePath(QFile::symLinkTarget(QStringLiteral("/proc/self/exe")))
{
}

AlertEvidenceCollector::~AlertEvidenceCollector()
{
    stop();
}

void AlertEvidenceCollector::start()
{
    if (m_thread.joinable())
        return;
    {
        std::lock_guard lock(m_mutex);
        m_stopping = false;
    }
    m_thread = std::thread([this] { run(); });
}

void AlertEvidenceCollector::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void AlertEvidenceCollector::post(AlertEvidenceMessage message)
{
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_back(std::move(message));
    }
    m_wake.notify_one();
}

QString AlertEvidenceCollector::journalError() const
{
    std::lock_guard lock(m_statusMutex);
    return m_journalError;
}

QString AlertEvidenceCollector::notificationStatus() const
{
    std::lock_guard lock(m_statusMutex);
    return m_notificationStatus;
}

QList<AlertRecord> AlertEvidenceCollector::loadPreviousSessions()
{
    AlertJournal journal(m_journalPath, m_session, m_config.journalMaxBytes);
    return journal.loadPreviousSessions();
}

void AlertEvidenceCollector::run()
{
    pthread_setname_np(pthread_self(), "ui-watchdog-ev");
    m_tid.store(gettid());
    LaneRegistry::nameCurrentThread(u"UI watchdog (evidence)");
    m_resources = std::make_unique<Resources>();
    if (m_config.journal) {
        m_resources->journal = std::make_unique<AlertJournal>(m_journalPath, m_session, m_config.journalMaxBytes);
        QString error;
        if (!m_resources->journal->open(&error)) {
            std::lock_guard lock(m_statusMutex);
            m_journalError = error;
        }
    }
    if (m_config.desktopNotifications) {
        m_resources->notifier = std::make_unique<DesktopNotifier>();
        std::lock_guard lock(m_statusMutex);
        m_notificationStatus = m_resources->notifier->available()
            ? QStringLiteral("desktop notifications via ") + m_resources->notifier->method()
            : QStringLiteral("desktop notifications off: ") + m_resources->notifier->unavailableReason();
    } else {
        std::lock_guard lock(m_statusMutex);
        m_notificationStatus = QStringLiteral("desktop notifications off (config)");
    }
    // The first DWARF lookup loads debug information (tens to hundreds of ms): pay it now.
    bool stopping = false;
    {
        std::lock_guard lock(m_mutex);
        stopping = m_stopping;
    }
    bool prewarming = !stopping && m_config.sampleStacks;
    if (prewarming)
        m_prewarmNs.store(m_resources->symbolizer.prewarm());

    for (;;) {
        AlertEvidenceMessage message;
        {
            std::unique_lock lock(m_mutex);
            // While idle, the other modules' symbol tables, one at a time between messages.
            while (prewarming && !m_stopping && m_queue.empty()) {
                lock.unlock();
                prewarming = m_resources->symbolizer.prewarmNextModule();
                lock.lock();
            }
            m_wake.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
            if (m_queue.empty())
                break;
            message = std::move(m_queue.front());
            m_queue.pop_front();
            stopping = m_stopping;
        }
        handle(message, stopping);
    }
    m_states.clear();
    m_resources.reset();
}

void AlertEvidenceCollector::mergeSamples(AlertState &state, const AlertEvidenceMessage &message, bool symbolize)
{
    state.record.sampleFailures += message.sampleFailures;
    for (const RawStack &raw : message.stacks) {
        ++state.record.sampleCount;
        state.roundTrips.push_back(raw.roundTripNs);
        if (!symbolize)
            continue;
        QList<AlertStackFrame> frames;
        frames.reserve(raw.depth);
        for (int i = 0; i < raw.depth; ++i) {
            frames.append(m_resources->symbolizer.symbolize(
                std::uint64_t(reinterpret_cast<std::uintptr_t>(raw.frames[i])), i > 0));
        }
        // Count each function once per sample, remembering how far from the leaf it sits.
        QHash<QString, bool> seen;
        for (qsizetype i = 0; i < frames.size(); ++i) {
            const AlertStackFrame &frame = frames.at(i);
            const QString key = frame.function == u"??"
                ? frame.module + QStringLiteral("+0x") + QString::number(frame.address, 16)
                : frame.function;
            if (seen.contains(key) || isInstrumentationFrame(frame.function))
                continue;
            seen.insert(key, true);
            AlertState::FrameCount &count = state.frames[key];
            if (count.count == 0)
                count.frame = frame;
            ++count.count;
            count.leafDistanceSum += i;
        }
        addSampledStack(state, frames);
        if (int(state.keptStacks.size()) < MaxKeptStacks)
            state.keptStacks.push_back(frames);
    }
    if (!state.roundTrips.empty()) {
        std::vector<qint64> sorted = state.roundTrips;
        std::nth_element(sorted.begin(), sorted.begin() + qsizetype(sorted.size() / 2), sorted.end());
        state.record.sampleRoundTripMedianNs = sorted[sorted.size() / 2];
    }
    if (state.frames.isEmpty())
        return;
    // Most frequent first; among equally frequent, the ones nearest the leaf (where time is spent).
    std::vector<const AlertState::FrameCount *> ranked;
    for (const AlertState::FrameCount &count : std::as_const(state.frames))
        ranked.push_back(&count);
    std::sort(ranked.begin(), ranked.end(), [](const auto *a, const auto *b) {
        if (a->count != b->count)
            return a->count > b->count;
        return double(a->leafDistanceSum) / a->count < double(b->leafDistanceSum) / b->count;
    });
    state.record.topFrames.clear();
    for (std::size_t i = 0; i < ranked.size() && int(i) < TopFrameCount; ++i) {
        AlertStackFrame frame = ranked[i]->frame;
        frame.count = ranked[i]->count;
        state.record.topFrames.append(frame);
    }
    // The representative stack: the kept sample with the most frequent leaf-side function.
    const QString topFunction = state.record.topFrames.first().function;
    for (const QList<AlertStackFrame> &stack : state.keptStacks) {
        if (std::any_of(stack.begin(), stack.end(),
                        [&](const AlertStackFrame &f) { return f.function == topFunction; })) {
            state.record.stack = stack;
            break;
        }
    }
}

void AlertEvidenceCollector::addSampledStack(AlertState &state, const QList<AlertStackFrame> &frames) const
{
    AlertRecord &r = state.record;
    QList<int> stack;
    for (const AlertStackFrame &frame : frames) {
        if (isInstrumentationFrame(frame.function))
            continue;
        if (stack.size() >= AlertRecord::MaxSampledDepth)
            break;
        // One entry per function (lines differ between samples), so equal prefixes merge.
        const QString key = frame.function == u"??"
            ? frame.module + QStringLiteral("+0x") + QString::number(frame.address, 16)
            : frame.function;
        auto it = state.sampleFrameIndex.constFind(key);
        if (it == state.sampleFrameIndex.cend()) {
            if (r.sampleFrames.size() >= AlertRecord::MaxSampleFrames) {
                ++r.samplesNotKept;
                return;
            }
            AlertStackFrame kept = frame;
            kept.count = 0;
            kept.ownCode = !m_exePath.isEmpty() && frame.module == m_exePath;
            it = state.sampleFrameIndex.insert(key, int(r.sampleFrames.size()));
            r.sampleFrames.append(kept);
        }
        stack.append(*it);
    }
    auto it = state.sampledStackIndex.constFind(stack);
    if (it == state.sampledStackIndex.cend()) {
        if (r.sampledStacks.size() >= AlertRecord::MaxSampledStacks) {
            ++r.samplesNotKept;
            return;
        }
        it = state.sampledStackIndex.insert(stack, int(r.sampledStacks.size()));
        r.sampledStacks.append(AlertSampledStack {stack, 0});
    }
    ++r.sampledStacks[*it].samples;
}

void AlertEvidenceCollector::resolveCulprit(AlertState &state)
{
    AlertRecord &r = state.record;
    // The most frequent span/coroutine combination seen across samples.
    QString best;
    int bestVotes = 0;
    for (auto it = state.culpritVotes.cbegin(); it != state.culpritVotes.cend(); ++it) {
        if (it.value() > bestVotes) {
            best = it.key();
            bestVotes = it.value();
        }
    }
    QStringList parts;
    if (bestVotes > 0) {
        const ActivityCapture capture = state.culpritCaptures.value(best);
        r.culpritSpans.clear();
        for (int i = 0; i < capture.depth && i < ActivityCapture::MaxScopes; ++i) {
            QString span = TraceNames::name(capture.scopeNames[std::size_t(i)]);
            const LaneId lane = capture.scopeLanes[std::size_t(i)];
            if (lane != NoLane && lane != UiThreadLane)
                span += QStringLiteral(" @") + laneName(lane);
            r.culpritSpans.append(span);
        }
        r.culpritCoroutine = laneName(capture.coroutine);
        if (!r.culpritSpans.isEmpty())
            parts.append(QStringLiteral("span '") + r.culpritSpans.last() + u'\'');
        if (!r.culpritCoroutine.isEmpty())
            parts.append(QStringLiteral("coroutine '") + r.culpritCoroutine + u'\'');
    }
    // The innermost frame of this program (not a library) among the top frames.
    QString appFrame;
    for (const AlertStackFrame &frame : std::as_const(r.topFrames)) {
        if (!m_exePath.isEmpty() && frame.module == m_exePath && frame.function != u"main") {
            appFrame = frame.toString();
            break;
        }
    }
    QString culprit = parts.join(QStringLiteral(" in "));
    if (culprit.isEmpty() && !r.dispatch.receiverClass.isEmpty()) {
        culprit = r.dispatch.receiverClass
            + (r.dispatch.objectName.isEmpty() ? QString() : QStringLiteral(" '") + r.dispatch.objectName + u'\'')
            + u' ' + r.dispatch.eventName;
    }
    if (!appFrame.isEmpty())
        culprit += (culprit.isEmpty() ? QString() : QStringLiteral(" — ")) + appFrame;
    if (culprit.isEmpty())
        culprit = QStringLiteral("(unknown)");
    r.culprit = culprit;
}

void AlertEvidenceCollector::collectWorkers(AlertState &state)
{
    AlertRecord &r = state.record;
    r.workers.clear();
    const QList<LaneInfo> lanes = LaneRegistry::snapshot();
    for (const LaneInfo &lane : lanes) {
        if (lane.kind != LaneKind::Thread || lane.endedNs >= 0 || lane.id == UiThreadLane || lane.osThreadId == 0)
            continue;
        const pid_t tid = pid_t(lane.osThreadId);
        if (std::find(m_ownTids.begin(), m_ownTids.end(), tid) != m_ownTids.end() || tid == gettid()
            || tid == m_excludedTid.load())
            continue;
        if (r.workers.size() >= m_config.maxWorkersInEvidence)
            continue;
        AlertWorkerActivity worker;
        worker.lane = TraceNames::name(lane.name);
        worker.tid = tid;
        const ThreadStateSample sample = ThreadStateReader::read(tid);
        if (!sample.valid)
            continue; // the thread is gone
        worker.state = ThreadStateReader::describe(tid, sample).summary;
        TraceRecorder::ActivitySnapshot activity;
        if (TraceRecorder::activity(lane.id, &activity)) {
            worker.coroutine = laneName(activity.coroutine);
            for (NameId name : std::as_const(activity.scopeNames))
                worker.spans.append(TraceNames::name(name));
        }
        r.workers.append(worker);
    }
}

void AlertEvidenceCollector::drawOnTimeline(const AlertRecord &record, bool ended)
{
    if (!m_config.timeline || record.debuggerAttached)
        return;
    // ns since the origin back to raw ticks, relative to now (the recorder stores ticks).
    const std::uint64_t nowTicks = TraceClock::ticks();
    const qint64 nowNs = TraceClock::toNs(nowTicks);
    auto toTicks = [&](qint64 ns) {
        const double delta = double(nowNs - ns) * TraceClock::ticksPerNs();
        return delta >= double(nowTicks) ? std::uint64_t(1) : nowTicks - std::uint64_t(delta);
    };
    const QString label = record.verdict == AlertVerdict::NestedModalLoop
        ? QStringLiteral("nested modal loop (not a hang)")
        : AlertRecord::tierName(record.tier) + QStringLiteral(": ") + AlertRecord::verdictName(record.verdict);
    const NameId name = TraceNames::intern(label);
    const std::uint64_t start = toTicks(record.startNs);
    const std::uint64_t end = ended ? qMax(start + 1, toTicks(record.startNs + record.durationNs + record.excludedNs))
                                    : 0;
    TraceRecorder::alert(UiThreadLane, name, record.id, start, end);
}

void AlertEvidenceCollector::notifyDesktop(const AlertRecord &record)
{
    DesktopNotifier *notifier = m_resources->notifier.get();
    if (!notifier || !notifier->available() || record.debuggerAttached
        || record.verdict == AlertVerdict::NestedModalLoop)
        return;
    const QString summary = QStringLiteral("Taskscope: UI thread %1 (%2)")
                                .arg(record.tier >= AlertTier::Severe ? QStringLiteral("frozen")
                                                                      : QStringLiteral("blocked"),
                                     AlertRecord::verdictName(record.verdict));
    QString body = QStringLiteral("%1 so far. %2").arg(AlertRecord::formatDuration(record.durationNs), record.culprit);
    if (!record.uiThread.summary.isEmpty())
        body += QStringLiteral("\nUI thread: ") + record.uiThread.summary;
    if (notifier->notify(summary, body, record.tier >= AlertTier::Critical))
        m_notificationsSent.fetch_add(1);
}

namespace {

void addNote(AlertRecord &r, const QString &note)
{
    if (!r.notes.contains(note))
        r.notes.append(note);
}

} // namespace

void AlertEvidenceCollector::handle(AlertEvidenceMessage &message, bool stopping)
{
    if (message.kind == AlertEvidenceMessage::Kind::Discard) {
        m_states.remove(message.id);
        return;
    }
    if (message.kind == AlertEvidenceMessage::Kind::Settled) {
        // Everything the watcher sent before it has been handled and delivered.
        AlertRecord marker;
        marker.id = message.id;
        m_deliver(message.kind, marker);
        return;
    }
    AlertState &state = stateFor(message);
    applyMessage(state.record, message);
    // Worker threads first (cheap, and they move on quickly), then the slower symbolization.
    const qint64 now = TraceClock::nowNs();
    const bool starting = message.kind == AlertEvidenceMessage::Kind::Start;
    const bool ending = message.kind == AlertEvidenceMessage::Kind::End;
    if (!stopping && (starting || (!ending && now - state.lastWorkersNs >= 1'000'000'000))) {
        collectWorkers(state);
        state.lastWorkersNs = now;
    }
    for (const ActivityCapture &capture : message.activities) {
        QString key = QString::number(capture.coroutine);
        for (int i = 0; i < capture.depth && i < ActivityCapture::MaxScopes; ++i)
            key += u'/' + QString::number(capture.scopeNames[std::size_t(i)]);
        state.culpritVotes[key] += 1;
        state.culpritCaptures.insert(key, capture);
    }
    mergeSamples(state, message, !stopping && m_config.sampleStacks);
    describeUiThread(state, message);
    resolveCulprit(state);
    if (!message.suppressed)
        publish(state, message.kind, stopping, now);
    m_deliver(message.kind, state.record);
    if (ending)
        m_states.remove(message.id);
}

AlertEvidenceCollector::AlertState &AlertEvidenceCollector::stateFor(const AlertEvidenceMessage &message)
{
    std::shared_ptr<AlertState> &slot = m_states[message.id];
    if (!slot) {
        slot = std::make_shared<AlertState>();
        AlertRecord &r = slot->record;
        r.id = message.id;
        r.session = m_session;
        r.pid = qint64(getpid());
        r.startWallMs = QDateTime::currentMSecsSinceEpoch() - (TraceClock::nowNs() - message.onsetNs) / 1'000'000;
        slot->firstState = message.firstState;
    }
    return *slot;
}

// What the watcher measured: verdict, tier, times, heartbeat latencies, the dispatch, notes.
void AlertEvidenceCollector::applyMessage(AlertRecord &r, const AlertEvidenceMessage &message)
{
    r.verdict = message.verdict;
    r.tier = message.tier;
    r.end = message.end;
    r.startNs = message.onsetNs;
    if (message.detectedNs)
        r.detectedNs = message.detectedNs;
    r.durationNs = message.elapsedNs;
    r.excludedNs = message.excludedNs;
    r.debuggerAttached = message.suppressed;
    if (message.heartbeatLatencyNs || message.priorityHeartbeatLatencyNs) {
        r.heartbeatLatencyNs = qMax(r.heartbeatLatencyNs, message.heartbeatLatencyNs);
        r.priorityHeartbeatLatencyNs = qMax(r.priorityHeartbeatLatencyNs, message.priorityHeartbeatLatencyNs);
    }
    if (message.haveDispatch) {
        r.dispatch.receiverClass = message.receiverClass ? QString::fromLatin1(message.receiverClass) : QString();
        r.dispatch.objectName = message.objectName;
        r.dispatch.eventType = message.eventType;
        r.dispatch.eventName = eventName(message.eventType);
        r.dispatch.depth = message.depth;
        r.dispatch.startNs = message.dispatchStartNs;
        r.dispatch.nestedEvents = message.nestedEvents;
    }
    if (message.budgetNs > 0 && message.budgetReason) {
        r.budget = TraceNames::name(message.budgetReason);
        addNote(r,
                QStringLiteral("exceeded its budget '%1' of %2")
                    .arg(r.budget, AlertRecord::formatDuration(message.budgetNs)));
    }
    for (const QString &note : std::as_const(message.notes))
        addNote(r, note);
}

// The UI thread's kernel state over the episode: the dominant state, busy vs starved, and the
// thread holding the lock it waits for (which then leads the worker list: it is the one to look at).
void AlertEvidenceCollector::describeUiThread(AlertState &state, const AlertEvidenceMessage &message)
{
    AlertRecord &r = state.record;
    for (const ThreadStateSample &sample : message.states) {
        if (!sample.valid)
            continue;
        const QString key = QString(QLatin1Char(sample.state)) + u'/' + QString::number(sample.syscall);
        AlertState::StateTally &tally = state.states[key];
        ++tally.count;
        tally.sample = sample;
        state.lastState = sample;
    }
    if (!state.states.isEmpty()) {
        const AlertState::StateTally *dominant = nullptr;
        for (const AlertState::StateTally &tally : std::as_const(state.states)) {
            if (!dominant || tally.count > dominant->count)
                dominant = &tally;
        }
        // Busy vs starved comes from the schedstat deltas over the whole episode so far.
        ThreadStateSample described = dominant->sample;
        const ThreadStateSample *previous = nullptr;
        if (state.firstState.valid && state.lastState.atNs > state.firstState.atNs) {
            described.runNs = state.lastState.runNs;
            described.waitNs = state.lastState.waitNs;
            described.atNs = state.lastState.atNs;
            previous = &state.firstState;
        }
        const qint64 ownerTid = r.uiThread.futexOwnerTid;
        const QString ownerName = r.uiThread.futexOwnerName;
        const quint64 ownerFutex = r.uiThread.futexAddress;
        r.uiThread = ThreadStateReader::describe(m_uiTid, described, previous);
        // The owner as read next to the futex wait; keep one found earlier for the same lock.
        if (!r.uiThread.futexOwnerTid && r.uiThread.futexAddress && r.uiThread.futexAddress == ownerFutex) {
            r.uiThread.futexOwnerTid = ownerTid;
            r.uiThread.futexOwnerName = ownerName;
        }
        if (r.uiThread.futexOwnerTid) {
            if (r.uiThread.futexOwnerName.isEmpty())
                r.uiThread.futexOwnerName = laneNameOfThread(r.uiThread.futexOwnerTid);
            r.uiThread.summary += QStringLiteral(" held by ") + r.uiThread.futexOwnerName
                + QStringLiteral(" (tid %1)").arg(r.uiThread.futexOwnerTid);
        }
        // Runnable but mostly waiting for a core: the machine is overloaded, not (only) the code.
        if (r.uiThread.summary.startsWith(u"CPU-starved"))
            addNote(r, QStringLiteral("the UI thread was starved of CPU by other load"));
    }
    if (const qint64 owner = r.uiThread.futexOwnerTid) {
        for (qsizetype i = 0; i < r.workers.size(); ++i) {
            if (r.workers[i].tid == owner) {
                r.workers.move(i, 0);
                break;
            }
        }
    }
}

// The alert leaves the collector three ways besides the delivery: its timeline band, the journal
// and a desktop notification.
void AlertEvidenceCollector::publish(AlertState &state, AlertEvidenceMessage::Kind kind, bool stopping, qint64 now)
{
    AlertRecord &r = state.record;
    const bool starting = kind == AlertEvidenceMessage::Kind::Start;
    const bool ending = kind == AlertEvidenceMessage::Kind::End;
    const bool isHang = r.verdict != AlertVerdict::NestedModalLoop;
    // A nested modal loop's band is drawn once it ends: an open band reads as a hang going on.
    if ((starting && isHang) || ending)
        drawOnTimeline(r, ending);
    if (AlertJournal *journal = m_resources ? m_resources->journal.get() : nullptr; journal && isHang) {
        if (starting) {
            journal->append(AlertJournal::Op::Start, r);
            state.lastJournalNs = now;
            state.journaledTier = r.tier;
        } else if (ending) {
            journal->append(AlertJournal::Op::End, r);
        } else if (r.tier > state.journaledTier || now - state.lastJournalNs >= 1'000'000'000) {
            journal->append(AlertJournal::Op::Update, r);
            state.lastJournalNs = now;
            state.journaledTier = r.tier;
        }
    }
    if (stopping || !isHang || !m_config.desktopNotifications || !r.isOngoing() || r.tier < m_config.notifyMinTier)
        return;
    if (!state.notified) {
        state.notified = true;
        notifyDesktop(r);
    } else if (r.tier >= AlertTier::Critical && !state.notifiedCritical) {
        state.notifiedCritical = true;
        notifyDesktop(r);
    }
}

} // namespace Taskscope::Watchdog
