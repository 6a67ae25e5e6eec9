#include "workers/watchdog/uiwatchdog.h"

#include "model/laneregistry.h"
#include "model/traceclock.h"
#include "model/tracerecorder.h"
#include "workers/watchdog/alertevidencecollector.h"
#include "workers/watchdog/dispatchprobe.h"
#include "workers/watchdog/hangclassifier.h"
#include "workers/watchdog/stacksampler.h"
#include "workers/watchdog/threadstate.h"

#include <QCoreApplication>
#include <QEvent>
#include <QThread>
#include <QTimer>
#include <QUuid>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace {

enum DeliveryKind { DeliverStart, DeliverUpdate, DeliverEnd, DeliverSuppressed, DeliverSettled };

QEvent::Type heartbeatEventType()
{
    static const auto type = QEvent::Type(QEvent::registerEventType());
    return type;
}

class HeartbeatEvent final : public QEvent
{
public:
    HeartbeatEvent(int kind, quint64 seq)
        : QEvent(heartbeatEventType())
        , m_kind(kind)
        , m_seq(seq)
    {
    }
    int kind() const { return m_kind; }
    quint64 seq() const { return m_seq; }

private:
    int m_kind;
    quint64 m_seq;
};

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

} // namespace

/// Lives on the UI thread and answers heartbeats: the time a posted event actually ran.
class HeartbeatTarget final : public QObject
{
    Q_DISABLE_COPY_MOVE(HeartbeatTarget)

public:
    explicit HeartbeatTarget(UiWatchdog *watchdog)
        : m_watchdog(watchdog)
    {
        setObjectName(QStringLiteral("UiWatchdog heartbeat"));
    }

    bool event(QEvent *event) override
    {
        if (event->type() != heartbeatEventType())
            return QObject::event(event);
        const auto *beat = static_cast<HeartbeatEvent *>(event);
        UiWatchdog::Heartbeat &heartbeat = m_watchdog->m_heartbeat[beat->kind()];
        heartbeat.answeredTicks.store(TraceClock::ticks(), std::memory_order_relaxed);
        heartbeat.answeredSeq.store(beat->seq(), std::memory_order_release);
        return true;
    }

private:
    UiWatchdog *m_watchdog;
};

UiWatchdog::UiWatchdog(const UiWatchdogConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_session(QUuid::createUuid().toString(QUuid::WithoutBraces))
    , m_uiTid(gettid())
    , m_uiActivity(TraceRecorder::currentThreadActivity())
{
    Q_ASSERT_X(QCoreApplication::instance() && QThread::currentThread() == QCoreApplication::instance()->thread(),
               "UiWatchdog", "construct on the UI thread after the application object");
    qRegisterMetaType<AlertRecord>();
    m_model.setMaxRows(m_config.maxAlertsKept);
    m_heartbeatTarget = std::make_unique<HeartbeatTarget>(this);
}

UiWatchdog::~UiWatchdog()
{
    stop();
}

bool UiWatchdog::start()
{
    if (isRunning() || !m_config.validate().isEmpty())
        return false;
    m_probeActive = m_config.dispatchProbe && m_config.installDispatchProbe ? DispatchProbe::install() : false;
    if (m_config.dispatchProbe && !m_config.installDispatchProbe) {
        // The app brackets dispatches itself (DispatchProbe::Scope in its notify()).
        DispatchProbe::setObservedThread();
        m_probeActive = true;
    }
    m_samplingActive = m_config.sampleStacks && StackSampler::install();
    for (Heartbeat &heartbeat : m_heartbeat) {
        heartbeat.postedSeq.store(0);
        heartbeat.answeredSeq.store(0);
        heartbeat.answeredTicks.store(TraceClock::ticks());
    }
    m_stopWord.store(0);
    m_collector = std::make_unique<AlertEvidenceCollector>(
        m_config, m_session, m_uiTid, std::vector<pid_t> {},
        [this](AlertEvidenceMessage::Kind kind, const AlertRecord &record) {
            int delivery = DeliverUpdate;
            if (kind == AlertEvidenceMessage::Kind::Settled) {
                enqueueDelivery(DeliverSettled, record);
                return;
            }
            if (record.debuggerAttached) {
                if (kind != AlertEvidenceMessage::Kind::End)
                    return;
                delivery = DeliverSuppressed;
            } else if (kind == AlertEvidenceMessage::Kind::Start) {
                delivery = DeliverStart;
            } else if (kind == AlertEvidenceMessage::Kind::End) {
                delivery = DeliverEnd;
            }
            if (m_config.alertObserver && delivery != DeliverSuppressed)
                m_config.alertObserver(record, delivery == DeliverStart ? 0 : delivery == DeliverEnd ? 2 : 1);
            enqueueDelivery(delivery, record);
        });
    m_collector->start();
    m_watcher = std::thread([this] { watch(); });
    // The collector leaves the watcher out of the worker list.
    while (m_watcherTid.load() == 0)
        std::this_thread::yield();
    m_collector->excludeThread(m_watcherTid.load());
    return true;
}

void UiWatchdog::stop()
{
    if (m_watcher.joinable()) {
        m_stopWord.store(1);
        syscall(SYS_futex, &m_stopWord, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
        m_watcher.join();
        m_watcherTid.store(0);
    }
    if (m_collector) {
        m_collector->stop();
        {
            std::lock_guard lock(m_statsMutex);
            m_stats.symbolizerPrewarmNs = m_collector->prewarmNs();
            m_stats.notificationsSent = m_collector->notificationsSent();
        }
    }
    if (m_probeActive && m_config.installDispatchProbe)
        DispatchProbe::uninstall();
    else if (m_probeActive)
        DispatchProbe::setObservedThread(false);
    if (m_samplingActive)
        StackSampler::uninstall();
    m_probeActive = false;
    m_samplingActive = false;
    // Deliver what the collector finished (e.g. alerts ended by the stop) before returning.
    if (QThread::currentThread() == thread())
        deliverPending();
}

QList<AlertRecord> UiWatchdog::loadPreviousSessionAlerts()
{
    QList<AlertRecord> records;
    if (m_collector) {
        records = m_collector->loadPreviousSessions();
    } else {
        AlertEvidenceCollector reader(m_config, m_session, m_uiTid, {}, {});
        records = reader.loadPreviousSessions();
    }
    for (const AlertRecord &record : std::as_const(records))
        m_model.upsert(record);
    return records;
}

QJsonArray UiWatchdog::alertsJson() const
{
    QJsonArray array;
    for (const AlertRecord &record : m_alerts)
        array.append(record.toJson());
    return array;
}

void UiWatchdog::settle(std::chrono::milliseconds timeout, std::function<void(bool settled)> done)
{
    if (!isRunning()) {
        deliverPending();
        done(true);
        return;
    }
    // Answered by number; the time tells the watcher which heartbeat answer proves the loop ran.
    m_settleRequestNs.store(TraceClock::nowNs(), std::memory_order_relaxed);
    const quint64 request = m_settleRequest.fetch_add(1, std::memory_order_release) + 1;
    struct Pending
    {
        std::function<void(bool)> done;
        bool finished = false;
    };
    auto pending = std::make_shared<Pending>(Pending {std::move(done), false});
    auto *context = new QObject(this); // carries both triggers; deleted with them
    const auto finish = [pending, context](bool ok) {
        if (pending->finished)
            return;
        pending->finished = true;
        context->deleteLater();
        pending->done(ok);
    };
    connect(this, &UiWatchdog::settled, context, [finish, request](quint64 answered) {
        if (answered >= request)
            finish(true);
    });
    QTimer::singleShot(timeout, context, [this, finish] {
        deliverPending(); // whatever did arrive
        finish(false);
    });
}

void UiWatchdog::pause()
{
    m_pauseCount.fetch_add(1, std::memory_order_relaxed);
}

void UiWatchdog::resume()
{
    int count = m_pauseCount.load(std::memory_order_relaxed);
    while (count > 0 && !m_pauseCount.compare_exchange_weak(count, count - 1, std::memory_order_relaxed)) { }
}

QString UiWatchdog::journalPath() const
{
    if (!m_config.journal)
        return {};
    return m_collector ? m_collector->journalPath()
                       : AlertEvidenceCollector(m_config, m_session, 0, {}, {}).journalPath();
}

QString UiWatchdog::notificationStatus() const
{
    return m_collector ? m_collector->notificationStatus() : QString();
}

int UiWatchdog::signalNumber() const
{
    return m_samplingActive ? StackSampler::signalNumber() : 0;
}

UiWatchdog::Stats UiWatchdog::stats() const
{
    std::lock_guard lock(m_statsMutex);
    Stats stats = m_stats;
    if (m_collector) {
        stats.symbolizerPrewarmNs = m_collector->prewarmNs();
        stats.notificationsSent = m_collector->notificationsSent();
    }
    return stats;
}

void UiWatchdog::enqueueDelivery(int kind, const AlertRecord &record)
{
    bool post = false;
    {
        std::lock_guard lock(m_deliveryMutex);
        // While the UI is frozen, keep only the latest update of an alert.
        if (kind == DeliverUpdate && !m_deliveries.isEmpty() && m_deliveries.last().first == DeliverUpdate
            && m_deliveries.last().second.id == record.id) {
            m_deliveries.last().second = record;
        } else {
            post = m_deliveries.isEmpty();
            m_deliveries.append({kind, record});
        }
    }
    if (post)
        QMetaObject::invokeMethod(this, &UiWatchdog::deliverPending, Qt::QueuedConnection);
}

void UiWatchdog::deliverPending()
{
    QList<QPair<int, AlertRecord>> deliveries;
    {
        std::lock_guard lock(m_deliveryMutex);
        deliveries.swap(m_deliveries);
    }
    for (const auto &[kind, record] : std::as_const(deliveries)) {
        if (kind == DeliverSettled) {
            emit settled(record.id);
            continue;
        }
        if (kind == DeliverSuppressed) {
            {
                std::lock_guard lock(m_statsMutex);
                ++m_stats.suppressed;
            }
            emit suppressedAlert(record);
            continue;
        }
        m_model.upsert(record);
        bool found = false;
        for (qsizetype i = m_alerts.size() - 1; i >= 0; --i) {
            if (m_alerts[i].id == record.id) {
                m_alerts[i] = record;
                found = true;
                break;
            }
        }
        if (!found) {
            if (m_alerts.size() >= m_config.maxAlertsKept)
                m_alerts.removeFirst();
            m_alerts.append(record);
        }
        if (kind == DeliverStart)
            emit alertStarted(record);
        else if (kind == DeliverEnd)
            emit alertEnded(record);
        else
            emit alertUpdated(record);
    }
}

void UiWatchdog::watch()
{
    pthread_setname_np(pthread_self(), "ui-watchdog");
    m_watcherTid.store(gettid());

    const WatchdogTiers tiers {
        std::chrono::nanoseconds(m_config.suspicion).count(),
        std::chrono::nanoseconds(m_config.hang).count(),
        std::chrono::nanoseconds(m_config.severe).count(),
        std::chrono::nanoseconds(m_config.critical).count(),
    };
    const qint64 pollNs = std::chrono::nanoseconds(m_config.pollInterval).count();
    const qint64 heartbeatNs = std::chrono::nanoseconds(m_config.heartbeatInterval).count();
    const qint64 sampleNs = std::chrono::nanoseconds(m_config.sampleInterval).count();
    const qint64 updateNs = std::chrono::nanoseconds(m_config.updateInterval).count();
    const qint64 toleranceNs = std::chrono::nanoseconds(m_config.latenessTolerance).count();
    const qint64 debuggerCheckNs = std::chrono::nanoseconds(m_config.debuggerCheckInterval).count();
    const auto debuggerProbe = m_config.debuggerAttached ? m_config.debuggerAttached
                                                         : std::function<bool()>(defaultDebuggerProbe);

    HangClassifier classifier(tiers);
    DispatchProbe::Snapshot probe;
    quint32 nextId = 1;
    quint64 settledRequest = m_settleRequest.load();

    // The episode being watched (hang track) and the modal-loop record (modal track).
    struct Watched
    {
        bool active = false;
        bool alerted = false;
        bool suppressed = false;
        quint32 id = 0;
        AlertEvidenceMessage pending; // evidence gathered since the last message
        qint64 nextSampleNs = 0;
        qint64 lastStateReadNs = 0;
        qint64 lastUpdateNs = 0;
        int samplesTaken = 0;
        NameId budgetReason = 0;
        ThreadStateSample firstState;
    };
    Watched hang;
    Watched modal;
    qint64 lastPollNs = TraceClock::nowNs();
    qint64 lastDebuggerCheckNs = 0;
    bool debugger = false;
    quint64 localPolls = 0, localHeartbeats = 0, localSamples = 0, localFailures = 0, localLate = 0, localDiscarded = 0;
    QStringList gapNotes;
    std::uint64_t enteredAtNormalPost = 0;
    int lastDepth = 0;
    std::uint64_t lastEntered = 0;
    qint64 lastProgressSeenNs = 0;
    std::array<std::uint64_t, DispatchProbe::MaxLevels> seenEntryId {};
    std::array<qint64, DispatchProbe::MaxLevels> seenEntryStartNs {};
    QString starvedNote;
    // The watcher's own run-queue wait (schedstat field 2), read through a kept descriptor.
    char schedstatPath[64];
    std::snprintf(schedstatPath, sizeof schedstatPath, "/proc/self/task/%d/schedstat", int(gettid()));
    const int schedstatFd = ::open(schedstatPath, O_RDONLY | O_CLOEXEC);
    auto ownRunQueueNs = [schedstatFd]() -> qint64 {
        char buffer[96];
        if (schedstatFd < 0)
            return -1;
        const ssize_t n = ::pread(schedstatFd, buffer, sizeof buffer - 1, 0);
        if (n <= 0)
            return -1;
        buffer[n] = '\0';
        char *end = nullptr;
        std::strtoull(buffer, &end, 10);
        return qint64(std::strtoull(end, nullptr, 10));
    };
    qint64 lastRunQueueNs = ownRunQueueNs();

    auto fillDispatch = [&](AlertEvidenceMessage &message, int level, qint64 nowNs) {
        if (level < 0 || level >= probe.depth || level >= DispatchProbe::MaxLevels) {
            message.haveDispatch = probe.depth > 0;
            level = qMin(probe.depth, DispatchProbe::MaxLevels) - 1;
            if (level < 0)
                return;
        } else {
            message.haveDispatch = true;
        }
        const DispatchProbe::Level &l = probe.levels[level];
        message.receiverClass = l.receiverClass;
        message.objectName = QString::fromUtf16(l.objectName, l.objectNameLength);
        message.eventType = l.eventType;
        message.depth = level + 1;
        message.dispatchStartNs = qMin(seenEntryStartNs[std::size_t(level)], nowNs);
        message.nestedEvents = probe.enteredSince[level];
    };
    auto heartbeatLatencies = [&](AlertEvidenceMessage &message, const HangObservation &o) {
        message.heartbeatLatencyNs = o.normalPendingSinceNs ? o.nowNs - o.normalPendingSinceNs : 0;
        message.priorityHeartbeatLatencyNs = o.priorityPendingSinceNs ? o.nowNs - o.priorityPendingSinceNs : 0;
    };
    auto send = [&](Watched &watched, AlertEvidenceMessage::Kind kind, const HangClassifier::Episode &episode) {
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
        if (!gapNotes.isEmpty() && episode.excludedNs > 0)
            message.notes += gapNotes;
        if (watched.suppressed)
            message.notes.append(QStringLiteral("a debugger was attached (TracerPid): annotated, not alerted"));
        if (!starvedNote.isEmpty()) {
            message.notes.append(starvedNote);
            starvedNote.clear();
        }
        m_collector->post(std::move(message));
    };

    for (;;) {
        if (!sleepUnlessStopped(&m_stopWord, qint64(TraceClock::steadyNs()) + pollNs))
            break;
        const qint64 now = TraceClock::nowNs();
        const qint64 previousPollNs = lastPollNs;
        ++localPolls;
        // Woke far too late. If the watcher sat on a run queue meanwhile, the machine is overloaded
        // (the UI thread likely starved too: that counts). If it did not, the process or the
        // machine was stopped (SIGSTOP, suspend): that time is nobody's hang.
        const qint64 overslept = now - lastPollNs - pollNs;
        const qint64 runQueueNs = ownRunQueueNs();
        if (overslept > toleranceNs) {
            const qint64 waited = runQueueNs - lastRunQueueNs;
            if (runQueueNs >= 0 && lastRunQueueNs >= 0 && waited >= overslept / 2) {
                starvedNote = QStringLiteral("the watchdog itself waited %1 for a CPU: the machine is overloaded")
                                  .arg(AlertRecord::formatDuration(waited));
            } else {
                classifier.noteWatcherGap(now, overslept);
                ++localLate;
                gapNotes = {QStringLiteral(
                                "the watcher was stopped for %1 (system suspend or SIGSTOP); that time is not counted")
                                .arg(AlertRecord::formatDuration(overslept))};
            }
        }
        lastRunQueueNs = runQueueNs;
        lastPollNs = now;

        if (now - lastDebuggerCheckNs >= debuggerCheckNs) {
            debugger = debuggerProbe();
            lastDebuggerCheckNs = now;
        }

        // Heartbeats: one outstanding per kind. With the dispatch probe the high-priority kind
        // tells nothing the probe does not (a backlog shows as entries while the normal heartbeat
        // waits, a blocked loop as none), and every post takes the UI thread's posted-event lock,
        // which a flood holds most of the time (perf: the watcher waiting in
        // lockThreadPostEventList, the UI thread making futex hand-offs). So only the normal
        // heartbeat goes out then.
        const int heartbeatKinds = m_probeActive ? 1 : 2;
        for (int kind = 0; kind < heartbeatKinds; ++kind) {
            Heartbeat &heartbeat = m_heartbeat[kind];
            const quint64 posted = heartbeat.postedSeq.load(std::memory_order_relaxed);
            if (heartbeat.answeredSeq.load(std::memory_order_acquire) != posted)
                continue;
            if (now - heartbeat.postedNs.load(std::memory_order_relaxed) < heartbeatNs && posted != 0)
                continue;
            heartbeat.postedNs.store(now, std::memory_order_relaxed);
            if (kind == 0)
                enteredAtNormalPost = DispatchProbe::enteredCount();
            heartbeat.postedSeq.store(posted + 1, std::memory_order_relaxed);
            QCoreApplication::postEvent(m_heartbeatTarget.get(), new HeartbeatEvent(kind, posted + 1),
                                        kind == 0 ? Qt::NormalEventPriority : Qt::HighEventPriority);
            ++localHeartbeats;
        }

        HangObservation o;
        o.nowNs = now;
        o.probeActive = m_probeActive;
        for (int kind = 0; kind < 2; ++kind) {
            const Heartbeat &heartbeat = m_heartbeat[kind];
            const bool pending = heartbeat.answeredSeq.load(std::memory_order_acquire)
                != heartbeat.postedSeq.load(std::memory_order_relaxed);
            const qint64 since = pending ? heartbeat.postedNs.load(std::memory_order_relaxed) : 0;
            (kind == 0 ? o.normalPendingSinceNs : o.priorityPendingSinceNs) = since;
            const qint64 answeredNs = TraceClock::toNs(heartbeat.answeredTicks.load(std::memory_order_relaxed));
            o.lastAnswerNs = qMax(o.lastAnswerNs, answeredNs);
            if (kind == 0)
                o.lastNormalAnswerNs = answeredNs;
        }
        if (m_probeActive) {
            DispatchProbe::snapshot(&probe);
            o.depth = probe.depth;
            o.levels = qMin(probe.depth, DispatchProbe::MaxLevels);
            // The probe reads no clock: an entry the watcher has not seen before began after the
            // previous poll (and after a heartbeat answered since, which ran before it at its depth
            // or above). Taking that earliest moment means a tier is never reached late, and a
            // duration is over-stated by at most one poll.
            const qint64 entryFloorNs = o.lastAnswerNs >= previousPollNs ? qMin(o.lastAnswerNs + 1, now)
                                                                         : previousPollNs;
            for (int level = 0; level < o.levels; ++level) {
                const std::size_t l = std::size_t(level);
                if (probe.levels[level].entryId != seenEntryId[l]) {
                    seenEntryId[l] = probe.levels[level].entryId;
                    seenEntryStartNs[l] = entryFloorNs;
                }
                o.levelStartNs[l] = seenEntryStartNs[l];
            }
            // Progress (an entry, or an exit seen as a lower depth) happened between the two polls:
            // the midpoint is within half a poll of it.
            if (probe.depth != lastDepth || probe.entered != lastEntered) {
                lastDepth = probe.depth;
                lastEntered = probe.entered;
                lastProgressSeenNs = previousPollNs + (now - previousPollNs) / 2;
            }
            o.lastProgressNs = lastProgressSeenNs;
        }
        if (o.normalPendingSinceNs)
            o.enteredSinceNormalPost = probe.entered - enteredAtNormalPost;
        o.paused = m_pauseCount.load(std::memory_order_relaxed) > 0;
        o.budgetNs = m_budgetNs.load(std::memory_order_acquire);

        const HangClassifier::Step step = classifier.update(o);

        // Hang track.
        if (step.endChange == HangClassifier::Change::AlertEnded && hang.active) {
            hang.pending.end = AlertEnd::Recovered;
            if (const QString history = phaseHistory(step.ended, step.ended.endNs); !history.isEmpty())
                hang.pending.notes.append(history);
            send(hang, AlertEvidenceMessage::Kind::End, step.ended);
            hang = Watched {};
            gapNotes.clear();
        } else if (step.endChange == HangClassifier::Change::Discarded && hang.active) {
            ++localDiscarded;
            hang = Watched {};
            gapNotes.clear();
        }
        const HangClassifier::Episode &episode = classifier.episode();
        if (episode.active && !hang.active) {
            hang.active = true;
            hang.suppressed = debugger;
            hang.nextSampleNs = now;
            hang.firstState = ThreadStateReader::read(m_uiTid);
            hang.lastStateReadNs = now;
            hang.pending.activities.push_back(captureActivity(m_uiActivity));
        }
        if (hang.active) {
            if (debugger)
                hang.suppressed = true;
            if (o.budgetNs > 0)
                hang.budgetReason = m_budgetReason.load(std::memory_order_relaxed);
            // Its kernel state, read before sampling: a sample wakes the thread for a moment.
            if (now - hang.lastStateReadNs >= 20'000'000 || step.change == HangClassifier::Change::AlertStarted) {
                hang.pending.states.push_back(ThreadStateReader::read(m_uiTid));
                hang.lastStateReadNs = now;
            }
            // Stack samples while it lasts: from the suspicion tier, slower past the cap.
            const qint64 interval = hang.samplesTaken >= m_config.maxSamplesPerAlert ? sampleNs * 10 : sampleNs;
            if (m_samplingActive && !hang.suppressed && now >= hang.nextSampleNs) {
                RawStack raw;
                if (StackSampler::sample(&raw)) {
                    hang.pending.stacks.push_back(raw);
                    ++localSamples;
                } else {
                    ++hang.pending.sampleFailures;
                    ++localFailures;
                }
                ++hang.samplesTaken;
                hang.pending.activities.push_back(captureActivity(m_uiActivity));
                hang.nextSampleNs = now + interval;
            }
            if (step.change == HangClassifier::Change::AlertStarted) {
                hang.alerted = true;
                // Numbered when it becomes an alert: a suspicion that passes takes no number, so
                // "Alert #2" always has an alert #1.
                hang.id = nextId++;
                fillDispatch(hang.pending, episode.level, now);
                heartbeatLatencies(hang.pending, o);
                send(hang, AlertEvidenceMessage::Kind::Start, episode);
                hang.lastUpdateNs = now;
            } else if (hang.alerted
                       && (step.change == HangClassifier::Change::AlertUpdated
                           || now - hang.lastUpdateNs >= updateNs)) {
                if (episode.verdictChanged && episode.verdict == AlertVerdict::LongDispatch)
                    fillDispatch(hang.pending, episode.level, now);
                heartbeatLatencies(hang.pending, o);
                send(hang, AlertEvidenceMessage::Kind::Update, episode);
                hang.lastUpdateNs = now;
            }
        }

        // A settle request is answered once the loop ran a heartbeat after it and no episode is
        // open; the collector handles the answer after everything sent before it.
        if (const quint64 request = m_settleRequest.load(std::memory_order_acquire); request > settledRequest
            && o.lastNormalAnswerNs >= m_settleRequestNs.load(std::memory_order_relaxed)
            && !classifier.episode().active) {
            settledRequest = request;
            AlertEvidenceMessage marker;
            marker.kind = AlertEvidenceMessage::Kind::Settled;
            marker.id = quint32(request);
            m_collector->post(std::move(marker));
        }

        // Modal track: reported, never a hang; no sampling.
        if (step.modalEnd == HangClassifier::ModalChange::Ended && modal.active) {
            modal.pending.end = AlertEnd::Recovered;
            send(modal, AlertEvidenceMessage::Kind::End, step.modalEnded);
            modal = Watched {};
        }
        if (step.modal == HangClassifier::ModalChange::Started) {
            modal.active = true;
            modal.alerted = true;
            modal.id = nextId++;
            modal.suppressed = false;
            fillDispatch(modal.pending, classifier.modal().level, now);
            modal.pending.activities.push_back(captureActivity(m_uiActivity));
            modal.pending.notes.append(QStringLiteral("events kept flowing inside the nested loop: not a hang"));
            send(modal, AlertEvidenceMessage::Kind::Start, classifier.modal());
            modal.lastUpdateNs = now;
        } else if (modal.active && now - modal.lastUpdateNs >= updateNs) {
            fillDispatch(modal.pending, classifier.modal().level, now);
            send(modal, AlertEvidenceMessage::Kind::Update, classifier.modal());
            modal.lastUpdateNs = now;
        }

        if ((localPolls & 63) == 0) {
            std::lock_guard lock(m_statsMutex);
            m_stats.polls += localPolls;
            m_stats.heartbeatsPosted += localHeartbeats;
            m_stats.samples += localSamples;
            m_stats.sampleFailures += localFailures;
            m_stats.lateWakeups += localLate;
            m_stats.discarded += localDiscarded;
            localPolls = localHeartbeats = localSamples = localFailures = localLate = localDiscarded = 0;
        }
    }

    // Stopping: close what is open so the journal does not read it as a kill next time.
    const qint64 now = TraceClock::nowNs();
    if (hang.active && hang.alerted) {
        HangClassifier::Episode episode = classifier.episode();
        episode.elapsedNs = qMax<qint64>(0, now - episode.onsetNs - episode.excludedNs);
        hang.pending.end = AlertEnd::WatchdogStopped;
        if (const QString history = phaseHistory(episode, now); !history.isEmpty())
            hang.pending.notes.append(history);
        send(hang, AlertEvidenceMessage::Kind::End, episode);
    }
    if (modal.active) {
        HangClassifier::Episode episode = classifier.modal();
        episode.elapsedNs = qMax<qint64>(0, now - episode.onsetNs - episode.excludedNs);
        modal.pending.end = AlertEnd::WatchdogStopped;
        send(modal, AlertEvidenceMessage::Kind::End, episode);
    }
    if (schedstatFd >= 0)
        ::close(schedstatFd);
    std::lock_guard lock(m_statsMutex);
    m_stats.polls += localPolls;
    m_stats.heartbeatsPosted += localHeartbeats;
    m_stats.samples += localSamples;
    m_stats.sampleFailures += localFailures;
    m_stats.lateWakeups += localLate;
    m_stats.discarded += localDiscarded;
}
