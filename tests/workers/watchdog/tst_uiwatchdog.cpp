// Deliberate UI-thread blocks, each caught with the right verdict, tier, stack and culprit.
// Tiers are lowered so the suite stays fast; no assertion depends on a tight timing.
#include "model/trace/laneregistry.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracerecorder.h"
#include "model/trace/tracestore.h"
#include "workers/watchdog/alertjournal.h"
#include "workers/watchdog/dispatchprobe.h"
#include "workers/watchdog/hangclassifier.h"
#include "workers/watchdog/uiwatchdog.h"
#include "workers/watchdog/watchdogbudget.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <qcoro/qcorotask.h>
#include <qcoro/qcorotimer.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <thread>

#include <unistd.h>

using namespace Taskscope::Model;
using namespace Taskscope::Trace;
using namespace Taskscope::Watchdog;

using namespace std::chrono_literals;

// The blocking code lives in uniquely named functions so the stacks can be checked by name.
extern "C++" {
__attribute__((noinline)) void watchdogTestSleepInSlot(std::chrono::milliseconds duration)
{
    std::this_thread::sleep_for(duration);
    asm volatile("" ::: "memory");
}

__attribute__((noinline)) std::uint64_t watchdogTestBurnCpu(std::chrono::milliseconds duration)
{
    const auto end = std::chrono::steady_clock::now() + duration;
    std::uint64_t x = 88172645463325252ull;
    while (std::chrono::steady_clock::now() < end) {
        for (int i = 0; i < 1000; ++i) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }
    }
    asm volatile("" ::: "memory");
    return x;
}

__attribute__((noinline)) void watchdogTestLockMutex(std::mutex &mutex)
{
    std::lock_guard lock(mutex);
    asm volatile("" ::: "memory");
}

__attribute__((noinline)) void watchdogTestShortWork(std::chrono::microseconds duration)
{
    const auto end = std::chrono::steady_clock::now() + duration;
    while (std::chrono::steady_clock::now() < end) { }
    asm volatile("" ::: "memory");
}

__attribute__((noinline)) void watchdogTestSleepOutsideDispatch(std::chrono::milliseconds duration)
{
    std::this_thread::sleep_for(duration);
    asm volatile("" ::: "memory");
}

__attribute__((noinline)) void watchdogTestHangForever()
{
    for (;;)
        std::this_thread::sleep_for(1s);
}
}

namespace {

UiWatchdogConfig fastConfig(const QString &journalPath)
{
    UiWatchdogConfig config;
    config.suspicion = 30ms;
    config.hang = 80ms;
    config.severe = 600ms;
    config.critical = 3000ms;
    config.updateInterval = 50ms;
    config.journalPath = journalPath;
    config.desktopNotifications = false;
    return config;
}

// The tier an alert of this duration must have under fastConfig() (the duration itself depends on
// the machine's load, so tests check consistency rather than a fixed tier).
AlertTier tierOf(const AlertRecord &alert)
{
    const UiWatchdogConfig config = fastConfig({});
    const WatchdogTiers tiers {
        std::chrono::nanoseconds(config.suspicion).count(), std::chrono::nanoseconds(config.hang).count(),
        std::chrono::nanoseconds(config.severe).count(), std::chrono::nanoseconds(config.critical).count()};
    return tiers.tierFor(alert.durationNs);
}

bool framesContain(const AlertRecord &alert, QStringView function)
{
    for (const AlertStackFrame &frame : alert.topFrames) {
        if (frame.function.contains(function))
            return true;
    }
    for (const AlertStackFrame &frame : alert.stack) {
        if (frame.function.contains(function))
            return true;
    }
    return false;
}

QString describe(const AlertRecord &alert)
{
    return QString::fromUtf8(QJsonDocument(alert.toJson()).toJson(QJsonDocument::Indented));
}

// The alerts a spy on one of UiWatchdog's alert signals caught, in order.
QList<AlertRecord> caughtAlerts(const QSignalSpy &spy)
{
    QList<AlertRecord> alerts;
    for (const QList<QVariant> &arguments : spy)
        alerts.append(arguments.at(0).value<AlertRecord>());
    return alerts;
}

// Runs `block` on the UI thread from inside an event dispatch and returns the alerts that ended.
QList<AlertRecord> runBlock(UiWatchdog &watchdog, const std::function<void()> &block, int expectedEnds = 1)
{
    QSignalSpy ended(&watchdog, &UiWatchdog::alertEnded);
    QTimer::singleShot(0, &watchdog, block);
    QElapsedTimer timer;
    timer.start();
    while (ended.count() < expectedEnds && timer.elapsed() < 10'000)
        ended.wait(200);
    return caughtAlerts(ended);
}

QCoro::Task<> parseCoroutine(LaneId lane)
{
    TraceRecorder::coroutineState(lane, CoroutineState::Suspended, TraceNames::intern(u"timer"));
    co_await QCoro::sleepFor(5ms);
    TraceRecorder::coroutineState(lane, CoroutineState::Running);
    {
        TraceScope scope(TraceNames::intern(u"parse document"));
        watchdogTestBurnCpu(200ms);
    }
    TraceRecorder::coroutineState(lane, CoroutineState::Finished);
}

QCoro::Task<> streamCoroutine(LaneId lane, std::atomic<bool> *stop, std::atomic<int> *finished)
{
    const NameId chunk = TraceNames::intern(u"send chunk");
    const NameId timer = TraceNames::intern(u"pacing timer");
    while (!stop->load()) {
        TraceRecorder::coroutineState(lane, CoroutineState::Running);
        {
            TraceScope scope(lane, chunk);
            watchdogTestShortWork(20us);
        }
        TraceRecorder::coroutineState(lane, CoroutineState::Suspended, timer);
        co_await QCoro::sleepFor(20ms);
    }
    TraceRecorder::coroutineState(lane, CoroutineState::Finished);
    finished->fetch_add(1);
}

} // namespace

class TestUiWatchdog final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void sleepInSlotIsALongDispatch_data();
    void sleepInSlotIsALongDispatch();
    void cpuLoopInCoroutineNamesTheCoroutine();
    void mutexHeldByWorkerShowsTheFutexAndOwner();
    void floodOfShortEventsIsBacklogSaturation();
    void freezeWithEventsQueuedBehindItIsOneAlert();
    void nestedEventLoopIsNotAHang();
    void blockOutsideAnyDispatch();
    void alertsStartWhileTheBlockLasts();
    void suspicionsThatPassTakeNoAlertNumber();
    void sixtyFourStreamsRaiseNoAlert();
    void journalSurvivesAKill();
    void debuggerAttachedAnnotatesInsteadOfAlerting();
    void stoppedProcessIsNotAHang();
    void budgetExcusesKnownLongWork_data();
    void budgetExcusesKnownLongWork();
    void pauseSilencesDetection();
    void appNotifyScopeWorksWithoutTheCallback();
    void withoutTheProbeStacksStillNameTheBlock();
    void stopEndsOngoingAlertsAndJoins();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString journalPath() const { return m_dir->filePath(QStringLiteral("journal.jsonl")); }
};

void TestUiWatchdog::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestUiWatchdog::cleanup()
{
    m_dir.reset();
}

void TestUiWatchdog::sleepInSlotIsALongDispatch_data()
{
    QTest::addColumn<int>("sleepMs");
    QTest::addColumn<int>("tier");
    QTest::newRow("sleep past the hang tier") << 250 << int(AlertTier::Hang);
    QTest::newRow("sleep past the severe tier") << 900 << int(AlertTier::Severe);
}

void TestUiWatchdog::sleepInSlotIsALongDispatch()
{
    QFETCH(int, sleepMs);
    QFETCH(int, tier);
    UiWatchdog watchdog(fastConfig(journalPath()));
    QVERIFY(watchdog.start());
    QVERIFY(watchdog.dispatchProbeActive());
    QSignalSpy started(&watchdog, &UiWatchdog::alertStarted);
    const NameId span = TraceNames::intern(u"blocking sleep");
    const QList<AlertRecord> alerts = runBlock(watchdog, [&] {
        TraceScope scope(span);
        watchdogTestSleepInSlot(std::chrono::milliseconds(sleepMs));
    });
    QCOMPARE(alerts.size(), 1);
    const AlertRecord &alert = alerts.first();
    QVERIFY2(alert.verdict == AlertVerdict::LongDispatch, qPrintable(describe(alert)));
    QVERIFY2(int(alert.tier) == tier && alert.tier == tierOf(alert), qPrintable(describe(alert)));
    QCOMPARE(alert.end, AlertEnd::Recovered);
    QCOMPARE(started.count(), 1);
    QVERIFY2(framesContain(alert, u"watchdogTestSleepInSlot"), qPrintable(describe(alert)));
    QVERIFY2(alert.culprit.contains(u"blocking sleep"), qPrintable(alert.culprit));
    QVERIFY2(alert.uiThread.summary.contains(u"sleeping"), qPrintable(alert.uiThread.summary));
    QCOMPARE(alert.dispatch.depth, 1);
    QVERIFY(!alert.dispatch.receiverClass.isEmpty());
    QVERIFY(alert.sampleCount > 0);
    QVERIFY(alert.durationNs >= 80'000'000);
    QVERIFY(alert.detectedNs >= alert.startNs);
    // The journal holds it, ended.
    QFile journal(journalPath());
    QVERIFY(journal.open(QIODevice::ReadOnly));
    const QByteArray text = journal.readAll();
    QVERIFY(text.contains("\"op\":\"start\""));
    QVERIFY(text.contains("\"op\":\"end\""));
    // The timeline has the band.
    TraceStore store;
    TraceRecorder::drain(store);
    bool banded = false;
    for (const AlertBand &band : store.alertBands())
        banded = banded || (band.alertId == alert.id && band.lane == UiThreadLane && band.endNs != StoredSpan::OpenEnd);
    QVERIFY(banded);
    // And the model.
    QCOMPARE(watchdog.model()->rowCount(), 1);
    QCOMPARE(watchdog.alerts().size(), 1);
}

void TestUiWatchdog::cpuLoopInCoroutineNamesTheCoroutine()
{
    UiWatchdog watchdog(fastConfig(journalPath()));
    QVERIFY(watchdog.start());
    const LaneId lane = LaneRegistry::create(LaneKind::Coroutine, u"parseCoroutine#1", u"parseCoroutine");
    QSignalSpy ended(&watchdog, &UiWatchdog::alertEnded);
    QCoro::waitFor(parseCoroutine(lane));
    QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 10'000);
    const AlertRecord alert = ended.first().at(0).value<AlertRecord>();
    QVERIFY2(alert.verdict == AlertVerdict::LongDispatch, qPrintable(describe(alert)));
    QVERIFY2(alert.tier >= AlertTier::Hang && alert.tier == tierOf(alert), qPrintable(describe(alert)));
    QVERIFY2(alert.culprit.contains(u"parseCoroutine#1"), qPrintable(alert.culprit));
    QVERIFY2(alert.culprit.contains(u"parse document"), qPrintable(alert.culprit));
    QCOMPARE(alert.culpritCoroutine, QStringLiteral("parseCoroutine#1"));
    QVERIFY2(framesContain(alert, u"watchdogTestBurnCpu"), qPrintable(describe(alert)));
    QVERIFY2(alert.uiThread.state == u"R", qPrintable(describe(alert)));
}

void TestUiWatchdog::mutexHeldByWorkerShowsTheFutexAndOwner()
{
    UiWatchdog watchdog(fastConfig(journalPath()));
    QVERIFY(watchdog.start());
    std::mutex mutex;
    std::mutex ready;
    std::condition_variable readyWake;
    bool locked = false;
    std::atomic<pid_t> holderTid {0};
    std::thread holder([&] {
        LaneRegistry::nameCurrentThread(u"lock-holder");
        TraceScope scope(TraceNames::intern(u"hold the cache lock"));
        holderTid.store(gettid());
        std::lock_guard lock(mutex);
        {
            std::lock_guard r(ready);
            locked = true;
        }
        readyWake.notify_all();
        std::this_thread::sleep_for(400ms);
    });
    {
        std::unique_lock r(ready);
        readyWake.wait(r, [&] { return locked; });
    }
    const QList<AlertRecord> alerts = runBlock(watchdog, [&] { watchdogTestLockMutex(mutex); });
    holder.join();
    QCOMPARE(alerts.size(), 1);
    const AlertRecord &alert = alerts.first();
    QCOMPARE(alert.verdict, AlertVerdict::LongDispatch);
    QVERIFY2(alert.tier >= AlertTier::Hang && alert.tier == tierOf(alert), qPrintable(describe(alert)));
    QVERIFY2(alert.uiThread.summary.contains(u"futex"), qPrintable(describe(alert)));
    QCOMPARE(alert.uiThread.futexAddress, quint64(reinterpret_cast<std::uintptr_t>(&mutex)));
    QCOMPARE(alert.uiThread.futexOwnerTid, qint64(holderTid.load()));
    QCOMPARE(alert.uiThread.futexOwnerName, QStringLiteral("lock-holder"));
    QVERIFY2(framesContain(alert, u"watchdogTestLockMutex"), qPrintable(describe(alert)));
    // The owner comes first among the workers, with what it was doing.
    QVERIFY(!alert.workers.isEmpty());
    QCOMPARE(alert.workers.first().lane, QStringLiteral("lock-holder"));
    QVERIFY(alert.workers.first().spans.contains(QStringLiteral("hold the cache lock")));
}

void TestUiWatchdog::floodOfShortEventsIsBacklogSaturation()
{
    UiWatchdog watchdog(fastConfig(journalPath()));
    QVERIFY(watchdog.start());
    QObject context;
    const QList<AlertRecord> alerts = runBlock(watchdog, [&] {
        // 200 queued calls of 1 ms each: no single dispatch is long, the queue is.
        for (int i = 0; i < 200; ++i)
            QMetaObject::invokeMethod(
                &context, [] { watchdogTestShortWork(1ms); }, Qt::QueuedConnection);
    });
    QCOMPARE(alerts.size(), 1);
    const AlertRecord &alert = alerts.first();
    QVERIFY2(alert.verdict == AlertVerdict::BacklogSaturation, qPrintable(describe(alert)));
    QVERIFY2(alert.tier >= AlertTier::Hang && alert.tier == tierOf(alert), qPrintable(describe(alert)));
    QVERIFY(alert.heartbeatLatencyNs >= 80'000'000);
    QVERIFY2(framesContain(alert, u"watchdogTestShortWork"), qPrintable(describe(alert)));
}

void TestUiWatchdog::freezeWithEventsQueuedBehindItIsOneAlert()
{
    UiWatchdog watchdog(fastConfig(journalPath()));
    QVERIFY(watchdog.start());
    QSignalSpy started(&watchdog, &UiWatchdog::alertStarted);
    QObject context;
    QElapsedTimer blocked;
    qint64 blockedNs = 0;
    const QList<AlertRecord> alerts = runBlock(watchdog, [&] {
        blocked.start();
        // Events that pile up behind the freeze run when it ends (a backlog the freeze caused):
        // the same episode, not a second alert.
        for (int i = 0; i < 20; ++i)
            QMetaObject::invokeMethod(
                &context, [] { watchdogTestShortWork(200us); }, Qt::QueuedConnection);
        QMetaObject::invokeMethod(
            &context, [&] { blockedNs = blocked.nsecsElapsed(); }, Qt::QueuedConnection);
        watchdogTestSleepInSlot(300ms);
    });
    QTest::qWait(200); // a second alert would have started by now
    QCOMPARE(started.count(), 1);
    QCOMPARE(alerts.size(), 1);
    const AlertRecord &alert = alerts.first();
    QVERIFY2(alert.verdict == AlertVerdict::LongDispatch, qPrintable(describe(alert)));
    // Onset at most one poll before the block began; the end when the heartbeat queued behind it
    // ran, right after the events queued before it.
    const qint64 pollNs = std::chrono::nanoseconds(fastConfig({}).pollInterval).count();
    QVERIFY2(alert.durationNs >= blockedNs - pollNs && alert.durationNs <= blockedNs + 2 * pollNs + 5'000'000,
             qPrintable(QStringLiteral("%1 ns for %2 ns blocked").arg(alert.durationNs).arg(blockedNs)));
}

void TestUiWatchdog::nestedEventLoopIsNotAHang()
{
    UiWatchdog watchdog(fastConfig(journalPath()));
    QVERIFY(watchdog.start());
    QSignalSpy started(&watchdog, &UiWatchdog::alertStarted);
    int ticks = 0;
    const QList<AlertRecord> alerts = runBlock(watchdog, [&] {
        QEventLoop loop;
        QTimer tick;
        QObject::connect(&tick, &QTimer::timeout, &loop, [&] { ++ticks; });
        tick.start(10);
        QTimer::singleShot(400, &loop, &QEventLoop::quit);
        loop.exec();
    });
    QCOMPARE(alerts.size(), 1);
    QVERIFY(ticks > 5);
    const AlertRecord &alert = alerts.first();
    QVERIFY2(alert.verdict == AlertVerdict::NestedModalLoop, qPrintable(describe(alert)));
    QCOMPARE(alert.tier, AlertTier::None);
    QCOMPARE(alert.dispatch.depth, 1);
    QVERIFY(alert.dispatch.nestedEvents > 5);
    // Only the modal-loop record: no hang alert.
    QCOMPARE(started.count(), 1);
    QVERIFY(!QFile(journalPath()).exists() || !QFile(journalPath()).size());
}

void TestUiWatchdog::blockOutsideAnyDispatch()
{
    UiWatchdog watchdog(fastConfig(journalPath()));
    QVERIFY(watchdog.start());
    QSignalSpy ended(&watchdog, &UiWatchdog::alertEnded);
    QTest::qWait(100);
    // Test functions run from main(), outside any event dispatch: the loop cannot pick up the
    // heartbeat, yet no handler is running.
    watchdogTestSleepOutsideDispatch(250ms);
    QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 5000);
    const AlertRecord alert = ended.first().at(0).value<AlertRecord>();
    QVERIFY2(alert.verdict == AlertVerdict::BlockedOutsideDispatch, qPrintable(describe(alert)));
    QVERIFY2(alert.tier >= AlertTier::Hang && alert.tier == tierOf(alert), qPrintable(describe(alert)));
    QCOMPARE(alert.dispatch.depth, 0);
    QVERIFY2(framesContain(alert, u"watchdogTestSleepOutsideDispatch"), qPrintable(describe(alert)));
}

void TestUiWatchdog::alertsStartWhileTheBlockLasts()
{
    UiWatchdog watchdog(fastConfig(journalPath()));
    QVERIFY(watchdog.start());
    // Blocked until the journal shows the alert: proves detection does not wait for the end.
    std::atomic<bool> seenInJournal {false};
    const QString path = journalPath();
    QSignalSpy started(&watchdog, &UiWatchdog::alertStarted);
    QSignalSpy updated(&watchdog, &UiWatchdog::alertUpdated);
    const QList<AlertRecord> alerts = runBlock(watchdog, [&] {
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 8000 && !seenInJournal.load()) {
            watchdogTestSleepInSlot(20ms);
            QFile journal(path);
            if (journal.open(QIODevice::ReadOnly) && journal.readAll().contains("\"op\":\"start\""))
                seenInJournal.store(true);
        }
        watchdogTestSleepInSlot(150ms); // let a few updates through
    });
    QVERIFY(seenInJournal.load());
    QCOMPARE(alerts.size(), 1);
    QCOMPARE(started.count(), 1);
    const AlertRecord first = started.first().at(0).value<AlertRecord>();
    QCOMPARE(first.end, AlertEnd::Ongoing);
    QVERIFY(first.durationNs < alerts.first().durationNs);
    QVERIFY(updated.count() >= 1);
}

void TestUiWatchdog::suspicionsThatPassTakeNoAlertNumber()
{
    // A block past the suspicion tier but short of the hang tier is watched (sampled) and then
    // discarded; the next real alert must still be alert #1.
    UiWatchdog watchdog(fastConfig(journalPath()));
    QVERIFY(watchdog.start());
    QSignalSpy ended(&watchdog, &UiWatchdog::alertEnded);
    bool shortDone = false;
    QTimer::singleShot(0, &watchdog, [&] {
        watchdogTestSleepInSlot(50ms); // suspicion at 30 ms, hang at 80 ms
        shortDone = true;
    });
    QTRY_VERIFY(shortDone);
    QTest::qWait(50);
    runBlock(
        watchdog, [] { watchdogTestSleepInSlot(250ms); }, ended.count() + 1);
    watchdog.stop();
    const QList<AlertRecord> alerts = caughtAlerts(ended);
    QVERIFY(!alerts.isEmpty());
    // On a loaded machine the short block may itself become an alert; numbering must hold anyway.
    for (qsizetype i = 0; i < alerts.size(); ++i)
        QCOMPARE(alerts[i].id, quint32(i + 1));
    QVERIFY2(watchdog.stats().discarded >= 1 || alerts.size() == 2,
             "the short block was neither discarded nor an alert");
}

void TestUiWatchdog::sixtyFourStreamsRaiseNoAlert()
{
    // Default tiers: this is the no-false-alert check at the shipped settings.
    UiWatchdogConfig config;
    config.journalPath = journalPath();
    config.desktopNotifications = false;
    UiWatchdog watchdog(config);
    QVERIFY(watchdog.start());
    std::atomic<bool> stop {false};
    std::atomic<int> finished {0};
    std::vector<QCoro::Task<>> streams;
    for (int i = 0; i < 64; ++i) {
        const LaneId lane = LaneRegistry::create(LaneKind::Coroutine, QStringLiteral("stream#%1").arg(i), u"stream");
        streams.push_back(streamCoroutine(lane, &stop, &finished));
    }
    TraceStore store;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 3000) {
        QTest::qWait(16);
        TraceRecorder::drain(store); // like the window at frame rate
    }
    stop.store(true);
    QTRY_COMPARE_WITH_TIMEOUT(finished.load(), 64, 5000);
    watchdog.stop();
    // On an overloaded machine the UI thread can be starved of CPU for real; such an alert says so.
    // Anything else is a false alert.
    for (const AlertRecord &alert : watchdog.alerts())
        QVERIFY2(alert.notes.join(u' ').contains(u"starved of CPU"), qPrintable(describe(alert)));
    QVERIFY(watchdog.stats().heartbeatsPosted > 50);
}

void TestUiWatchdog::journalSurvivesAKill()
{
    QProcess child;
    child.setProgram(QCoreApplication::applicationFilePath());
    child.setArguments({QStringLiteral("--hang-child"), journalPath()});
    child.start();
    QVERIFY(child.waitForStarted());
    // Wait (without blocking the event loop) until the child journaled its hang as started.
    QTRY_VERIFY_WITH_TIMEOUT(
        QFile::exists(journalPath()) &&
            [&] {
                QFile journal(journalPath());
                return journal.open(QIODevice::ReadOnly) && journal.readAll().contains("\"op\":\"start\"");
            }(),
        15'000);
    QTest::qWait(300); // let it pass a tier and journal an update
    const qint64 childPid = child.processId();
    child.kill();
    QVERIFY(child.waitForFinished(5000));

    UiWatchdog watchdog(fastConfig(journalPath()));
    const QList<AlertRecord> previous = watchdog.loadPreviousSessionAlerts();
    QCOMPARE(previous.size(), 1);
    const AlertRecord &alert = previous.first();
    QCOMPARE(alert.end, AlertEnd::KilledWhileHung);
    QCOMPARE(alert.verdict, AlertVerdict::LongDispatch);
    QVERIFY(alert.previousSession);
    QVERIFY(alert.tier >= AlertTier::Hang);
    QCOMPARE(alert.pid, childPid);
    QVERIFY2(framesContain(alert, u"watchdogTestHangForever"), qPrintable(describe(alert)));
    QCOMPARE(watchdog.model()->rowCount(), 1);
    QVERIFY(watchdog.model()->index(0, AlertListModel::DurationColumn).data().toString().contains(u"killed"));
    // Reported once as killed; the next launch reads it as ended history, still killed.
    UiWatchdog again(fastConfig(journalPath()));
    const QList<AlertRecord> later = again.loadPreviousSessionAlerts();
    QCOMPARE(later.size(), 1);
    QCOMPARE(later.first().end, AlertEnd::KilledWhileHung);
}

void TestUiWatchdog::debuggerAttachedAnnotatesInsteadOfAlerting()
{
    UiWatchdogConfig config = fastConfig(journalPath());
    config.debuggerAttached = [] { return true; };
    UiWatchdog watchdog(config);
    QVERIFY(watchdog.start());
    QSignalSpy started(&watchdog, &UiWatchdog::alertStarted);
    QSignalSpy suppressed(&watchdog, &UiWatchdog::suppressedAlert);
    QTimer::singleShot(0, &watchdog, [] { watchdogTestSleepInSlot(250ms); });
    QVERIFY(suppressed.wait(5000));
    QCOMPARE(started.count(), 0);
    const AlertRecord alert = suppressed.first().at(0).value<AlertRecord>();
    QVERIFY(alert.debuggerAttached);
    QCOMPARE(alert.verdict, AlertVerdict::LongDispatch);
    QCOMPARE(alert.sampleCount, 0); // no signals sent into a debugged thread
    QVERIFY(alert.notes.join(u' ').contains(u"debugger"));
    QCOMPARE(watchdog.model()->rowCount(), 0);
    QVERIFY(!QFile(journalPath()).exists() || !QFile(journalPath()).size());
}

void TestUiWatchdog::stoppedProcessIsNotAHang()
{
    UiWatchdog watchdog(fastConfig(journalPath()));
    QVERIFY(watchdog.start());
    QSignalSpy started(&watchdog, &UiWatchdog::alertStarted);
    QTest::qWait(100);
    // A helper stops this whole process for 500 ms (like a laptop suspend or Ctrl-Z), then resumes it.
    QProcess stopper;
    stopper.start(
        QStringLiteral("/bin/sh"),
        {QStringLiteral("-c"), QStringLiteral("sleep 0.2; kill -STOP %1; sleep 0.5; kill -CONT %1").arg(getpid())});
    QVERIFY(stopper.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(stopper.state() == QProcess::NotRunning, 10'000);
    QTest::qWait(300);
    watchdog.stop();
    QVERIFY(watchdog.stats().lateWakeups >= 1);
    QCOMPARE(started.count(), 0);
}

void TestUiWatchdog::budgetExcusesKnownLongWork_data()
{
    QTest::addColumn<int>("budgetMs");
    QTest::addColumn<int>("workMs");
    QTest::addColumn<bool>("alerted");
    QTest::newRow("work within its budget") << 600 << 250 << false;
    QTest::newRow("work overrunning its budget") << 100 << 400 << true;
}

void TestUiWatchdog::budgetExcusesKnownLongWork()
{
    QFETCH(int, budgetMs);
    QFETCH(int, workMs);
    QFETCH(bool, alerted);
    UiWatchdog watchdog(fastConfig(journalPath()));
    QVERIFY(watchdog.start());
    QSignalSpy ended(&watchdog, &UiWatchdog::alertEnded);
    bool done = false;
    QTimer::singleShot(0, &watchdog, [&] {
        WatchdogBudget budget(watchdog, std::chrono::milliseconds(budgetMs), u"loading file");
        watchdogTestSleepInSlot(std::chrono::milliseconds(workMs));
        done = true;
    });
    QTRY_VERIFY(done);
    if (alerted)
        QTRY_VERIFY_WITH_TIMEOUT(!ended.isEmpty(), 10'000);
    else
        QVERIFY(!ended.wait(500));
    if (alerted) {
        const AlertRecord alert = ended.first().at(0).value<AlertRecord>();
        QCOMPARE(alert.budget, QStringLiteral("loading file"));
        QVERIFY(alert.durationNs >= std::chrono::nanoseconds(std::chrono::milliseconds(workMs)).count() / 2);
    }
}

void TestUiWatchdog::pauseSilencesDetection()
{
    UiWatchdog watchdog(fastConfig(journalPath()));
    QVERIFY(watchdog.start());
    QSignalSpy started(&watchdog, &UiWatchdog::alertStarted);
    watchdog.pause();
    bool done = false;
    QTimer::singleShot(0, &watchdog, [&] {
        watchdogTestSleepInSlot(250ms);
        done = true;
    });
    QTRY_VERIFY(done);
    QTest::qWait(200);
    QCOMPARE(started.count(), 0);
    watchdog.resume();
    runBlock(watchdog, [] { watchdogTestSleepInSlot(250ms); });
    QCOMPARE(started.count(), 1);
}

// An app that brackets dispatches from its own notify() override gets the same verdicts.
class ScopedNotifyApp final : public QObject
{
public:
    bool event(QEvent *event) override
    {
        DispatchProbe::Scope scope(this, event);
        return QObject::event(event);
    }
};

void TestUiWatchdog::appNotifyScopeWorksWithoutTheCallback()
{
    UiWatchdogConfig config = fastConfig(journalPath());
    config.installDispatchProbe = false;
    UiWatchdog watchdog(config);
    QVERIFY(watchdog.start());
    QVERIFY(!DispatchProbe::isInstalled());
    ScopedNotifyApp receiver;
    const QList<AlertRecord> alerts = runBlock(watchdog, [&] {
        QMetaObject::invokeMethod(
            &receiver, [] { watchdogTestSleepInSlot(250ms); }, Qt::QueuedConnection);
    });
    QCOMPARE(alerts.size(), 1);
    QCOMPARE(alerts.first().verdict, AlertVerdict::LongDispatch);
}

void TestUiWatchdog::withoutTheProbeStacksStillNameTheBlock()
{
    // Heartbeats and stack samples only: nothing is bracketed, not even through the app's notify().
    UiWatchdogConfig config = fastConfig(journalPath());
    config.dispatchProbe = false;
    config.installDispatchProbe = false;
    UiWatchdog watchdog(config);
    QVERIFY(watchdog.start());
    QVERIFY(!watchdog.dispatchProbeActive());
    QVERIFY(!DispatchProbe::isInstalled());
    const std::uint64_t enteredBefore = DispatchProbe::enteredCount();
    ScopedNotifyApp receiver;
    const QList<AlertRecord> alerts = runBlock(watchdog, [&] {
        QMetaObject::invokeMethod(
            &receiver, [] { watchdogTestSleepInSlot(300ms); }, Qt::QueuedConnection);
    });
    QCOMPARE(DispatchProbe::enteredCount(), enteredBefore); // the Scope stayed idle
    QCOMPARE(alerts.size(), 1);
    const AlertRecord &alert = alerts.first();
    QVERIFY2(alert.verdict == AlertVerdict::LongDispatch, qPrintable(describe(alert)));
    QVERIFY2(framesContain(alert, u"watchdogTestSleepInSlot"), qPrintable(describe(alert)));
    QVERIFY2(alert.dispatch.receiverClass.isEmpty(), qPrintable(describe(alert)));
    QVERIFY(alert.sampleCount > 0);
}

void TestUiWatchdog::stopEndsOngoingAlertsAndJoins()
{
    UiWatchdog watchdog(fastConfig(journalPath()));
    QVERIFY(watchdog.start());
    QSignalSpy ended(&watchdog, &UiWatchdog::alertEnded);
    QTimer::singleShot(0, &watchdog, [&] {
        watchdogTestSleepInSlot(250ms);
        watchdog.stop(); // from inside the blocked dispatch, while the alert is ongoing
    });
    QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 5000);
    QVERIFY(!watchdog.isRunning());
    QCOMPARE(ended.first().at(0).value<AlertRecord>().end, AlertEnd::WatchdogStopped);
    // Nothing left for the next launch to report as a kill.
    AlertJournal journal(journalPath(), QStringLiteral("another session"));
    const QList<AlertRecord> previous = journal.loadPreviousSessions();
    QCOMPARE(previous.size(), 1);
    QCOMPARE(previous.first().end, AlertEnd::WatchdogStopped);
}

// The child of journalSurvivesAKill: hangs its UI thread until it is killed.
static int runHangChild(int argc, char *argv[], const QString &journal)
{
    QCoreApplication app(argc, argv);
    UiWatchdog watchdog(fastConfig(journal));
    watchdog.start();
    QTimer::singleShot(50, &watchdog, [] { watchdogTestHangForever(); });
    return app.exec();
}

int main(int argc, char *argv[])
{
    if (argc >= 3 && qstrcmp(argv[1], "--hang-child") == 0)
        return runHangChild(1, argv, QString::fromLocal8Bit(argv[2]));
    QCoreApplication app(argc, argv);
    TestUiWatchdog test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_uiwatchdog.moc"
