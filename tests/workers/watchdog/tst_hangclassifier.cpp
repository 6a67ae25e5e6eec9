// The watchdog's decisions on synthetic timelines (no threads, no clocks).
#include "workers/watchdog/hangclassifier.h"

#include <QTest>

using namespace Taskscope::Model;
using namespace Taskscope::Watchdog;

namespace {

constexpr qint64 Ms = 1'000'000;

WatchdogTiers tiers()
{
    return WatchdogTiers {100 * Ms, 250 * Ms, 1000 * Ms, 5000 * Ms};
}

// A UI thread that answered a heartbeat at `answeredMs` and is inside one dispatch since `startMs`.
HangObservation inDispatch(qint64 nowMs, qint64 startMs, qint64 answeredMs)
{
    HangObservation o;
    o.nowNs = nowMs * Ms;
    o.depth = 1;
    o.levels = 1;
    o.levelStartNs[0] = startMs * Ms;
    o.lastProgressNs = startMs * Ms;
    o.lastAnswerNs = answeredMs * Ms;
    o.lastNormalAnswerNs = o.lastAnswerNs;
    o.normalPendingSinceNs = (answeredMs + 20) * Ms < o.nowNs ? (answeredMs + 20) * Ms : 0;
    o.priorityPendingSinceNs = o.normalPendingSinceNs;
    return o;
}

HangObservation idle(qint64 nowMs)
{
    HangObservation o;
    o.nowNs = nowMs * Ms;
    o.lastAnswerNs = (nowMs - 2) * Ms;
    o.lastNormalAnswerNs = o.lastAnswerNs;
    o.lastProgressNs = o.lastAnswerNs;
    return o;
}

} // namespace

class TestHangClassifier final : public QObject
{
    Q_OBJECT

private slots:
    void tiersFollowThresholds_data();
    void tiersFollowThresholds();
    void longDispatchGoesThroughSuspicionHangSevere();
    void shortDispatchIsDiscardedAfterSuspicion();
    void backlogWhenDispatchesKeepCompleting();
    void backlogStaysOneAlertThroughALongQueuedEvent();
    void fewDispatchesThenAStallIsNotABacklog();
    void oneFreezeIsOneAlertThroughTheQueueDraining_data();
    void oneFreezeIsOneAlertThroughTheQueueDraining();
    void followOnDispatchContinuesTheEpisode();
    void answeredHeartbeatEndsTheEpisode();
    void blockedOutsideDispatchWithoutAHandler_data();
    void blockedOutsideDispatchWithoutAHandler();
    void nestedLoopWithAnswersIsModalNotHang();
    void hangInsideANestedLoopIsALongDispatch();
    void watcherGapIsNotCounted();
    void budgetShiftsTheTiers();
    void pauseEndsDetection();
};

void TestHangClassifier::tiersFollowThresholds_data()
{
    QTest::addColumn<qint64>("elapsedMs");
    QTest::addColumn<int>("tier");
    QTest::newRow("below suspicion") << qint64(99) << int(AlertTier::None);
    QTest::newRow("suspicion") << qint64(100) << int(AlertTier::Suspicion);
    QTest::newRow("hang") << qint64(250) << int(AlertTier::Hang);
    QTest::newRow("severe") << qint64(1000) << int(AlertTier::Severe);
    QTest::newRow("critical") << qint64(5000) << int(AlertTier::Critical);
}

void TestHangClassifier::tiersFollowThresholds()
{
    QFETCH(qint64, elapsedMs);
    QFETCH(int, tier);
    QCOMPARE(int(tiers().tierFor(elapsedMs * Ms)), tier);
}

void TestHangClassifier::longDispatchGoesThroughSuspicionHangSevere()
{
    HangClassifier classifier(tiers());
    QCOMPARE(classifier.update(inDispatch(1050, 1000, 995)).change, HangClassifier::Change::None);
    QCOMPARE(classifier.update(inDispatch(1100, 1000, 995)).change, HangClassifier::Change::SamplingStarted);
    QCOMPARE(classifier.update(inDispatch(1200, 1000, 995)).change, HangClassifier::Change::None);
    const HangClassifier::Step started = classifier.update(inDispatch(1250, 1000, 995));
    QCOMPARE(started.change, HangClassifier::Change::AlertStarted);
    QCOMPARE(classifier.episode().verdict, AlertVerdict::LongDispatch);
    QCOMPARE(classifier.episode().tier, AlertTier::Hang);
    QCOMPARE(classifier.episode().onsetNs, 1000 * Ms);
    QCOMPARE(classifier.episode().detectedNs, 1250 * Ms);
    QCOMPARE(classifier.episode().level, 0);
    QCOMPARE(classifier.update(inDispatch(2000, 1000, 995)).change, HangClassifier::Change::AlertUpdated);
    QCOMPARE(classifier.episode().tier, AlertTier::Severe);
    // The handler returns at 2100 and the heartbeat runs at 2101.
    HangObservation after = idle(2105);
    after.lastProgressNs = 2100 * Ms;
    after.lastAnswerNs = 2101 * Ms;
    after.lastNormalAnswerNs = 2101 * Ms;
    const HangClassifier::Step ended = classifier.update(after);
    QCOMPARE(ended.endChange, HangClassifier::Change::AlertEnded);
    QCOMPARE(ended.ended.elapsedNs, 1101 * Ms); // onset to the first progress after it
    QCOMPARE(ended.ended.tier, AlertTier::Severe);
    QVERIFY(!classifier.episode().active);
}

void TestHangClassifier::shortDispatchIsDiscardedAfterSuspicion()
{
    HangClassifier classifier(tiers());
    QCOMPARE(classifier.update(inDispatch(1150, 1000, 995)).change, HangClassifier::Change::SamplingStarted);
    const HangClassifier::Step step = classifier.update(idle(1200));
    QCOMPARE(step.endChange, HangClassifier::Change::Discarded);
    QCOMPARE(step.change, HangClassifier::Change::None);
}

void TestHangClassifier::backlogWhenDispatchesKeepCompleting()
{
    HangClassifier classifier(tiers());
    for (qint64 now = 1000; now <= 1300; now += 5) {
        // Each dispatch is 1 ms; the normal heartbeat posted at 1000 waits behind them.
        HangObservation o = inDispatch(now, now - 1, 990);
        o.lastAnswerNs = (now - 2) * Ms; // high-priority or earlier heartbeats keep the probe's view fresh
        o.normalPendingSinceNs = 1000 * Ms;
        o.priorityPendingSinceNs = 0;
        o.enteredSinceNormalPost = quint64(now - 1000);
        classifier.update(o);
    }
    QVERIFY(classifier.episode().alerted);
    QCOMPARE(classifier.episode().verdict, AlertVerdict::BacklogSaturation);
    QCOMPARE(classifier.episode().onsetNs, 1000 * Ms);
    QCOMPARE(classifier.episode().tier, AlertTier::Hang);
}

void TestHangClassifier::fewDispatchesThenAStallIsNotABacklog()
{
    HangClassifier classifier(tiers());
    // An outer dispatch since 1000 whose start the probe did not see after an answer (a nested
    // loop answered at 1005); five short dispatches ran by 1010, then nothing moves until 1800.
    for (qint64 now = 1015; now <= 1800; now += 5) {
        HangObservation o;
        o.nowNs = now * Ms;
        o.depth = 1;
        o.levels = 1;
        o.levelStartNs[0] = 1000 * Ms;
        o.lastAnswerNs = 1005 * Ms;
        o.lastNormalAnswerNs = 1005 * Ms;
        o.lastProgressNs = 1010 * Ms;
        o.normalPendingSinceNs = 1006 * Ms;
        o.enteredSinceNormalPost = 5;
        classifier.update(o);
    }
    QVERIFY(classifier.episode().alerted);
    QVERIFY(classifier.episode().verdict != AlertVerdict::BacklogSaturation);
    QCOMPARE(classifier.episode().verdict, AlertVerdict::BlockedOutsideDispatch);
}

void TestHangClassifier::backlogStaysOneAlertThroughALongQueuedEvent()
{
    HangClassifier classifier(tiers());
    int started = 0;
    int ended = 0;
    auto feed = [&](const HangObservation &o) {
        const HangClassifier::Step step = classifier.update(o);
        started += step.change == HangClassifier::Change::AlertStarted;
        ended += step.endChange == HangClassifier::Change::AlertEnded;
    };
    for (qint64 now = 1000; now <= 1400; now += 5) {
        HangObservation o = inDispatch(now, now - 1, now - 2);
        o.lastNormalAnswerNs = 990 * Ms; // only high-priority heartbeats get through
        o.normalPendingSinceNs = 1000 * Ms;
        o.enteredSinceNormalPost = quint64(now - 1000);
        feed(o);
    }
    // One queued event of 300 ms in the middle of the backlog, the heartbeat still waiting.
    for (qint64 now = 1405; now <= 1700; now += 5) {
        HangObservation o = inDispatch(now, 1401, 1399);
        o.lastNormalAnswerNs = 990 * Ms;
        o.normalPendingSinceNs = 1000 * Ms;
        o.enteredSinceNormalPost = 400;
        feed(o);
    }
    QCOMPARE(started, 1);
    QCOMPARE(ended, 0);
    // 405 ms of backlog outweigh the 300 ms event; both are in its history.
    QCOMPARE(classifier.episode().verdict, AlertVerdict::BacklogSaturation);
    QCOMPARE(classifier.episode().phaseCount, 2);
    QCOMPARE(classifier.episode().phases[1].verdict, AlertVerdict::LongDispatch);
}

// The UI thread blocked in one handler from 1000 to `blockedUntilMs` (normal heartbeat posted at
// 1020); then the events queued meanwhile run (1 ms each) until the heartbeat's turn at
// `answeredMs`. Counts the steps' changes.
struct FreezeCounts
{
    int started = 0;
    int updated = 0;
    int ended = 0;
    HangClassifier::Episode last;
};

FreezeCounts feedFreezeThenDrain(HangClassifier &classifier, qint64 blockedUntilMs, qint64 answeredMs)
{
    FreezeCounts counts;
    auto feed = [&](const HangObservation &o) {
        const HangClassifier::Step step = classifier.update(o);
        counts.started += step.change == HangClassifier::Change::AlertStarted;
        counts.updated += step.change == HangClassifier::Change::AlertUpdated;
        if (step.endChange == HangClassifier::Change::AlertEnded) {
            ++counts.ended;
            counts.last = step.ended;
        }
    };
    for (qint64 now = 1002; now < blockedUntilMs; now += 2)
        feed(inDispatch(now, 1000, 990));
    quint64 entered = 0;
    for (qint64 now = blockedUntilMs; now < answeredMs; now += 2) {
        HangObservation o = inDispatch(now, now - 1, 990);
        o.lastProgressNs = (now - 1) * Ms;
        o.normalPendingSinceNs = 1020 * Ms;
        entered += 2;
        o.enteredSinceNormalPost = entered;
        feed(o);
    }
    HangObservation after = idle(answeredMs + 2);
    after.lastAnswerNs = answeredMs * Ms;
    after.lastNormalAnswerNs = answeredMs * Ms;
    feed(after);
    return counts;
}

void TestHangClassifier::oneFreezeIsOneAlertThroughTheQueueDraining_data()
{
    QTest::addColumn<qint64>("blockedUntilMs");
    QTest::addColumn<qint64>("answeredMs");
    QTest::addColumn<int>("phases");
    QTest::addColumn<int>("verdict");
    QTest::newRow("the queue drains in 16 ms: no phase of its own")
        << qint64(8650) << qint64(8666) << 1 << int(AlertVerdict::LongDispatch);
    QTest::newRow("a 300 ms drain is a phase, the freeze's cause stays")
        << qint64(8650) << qint64(8950) << 2 << int(AlertVerdict::LongDispatch);
    QTest::newRow("a drain longer than the block changes the verdict")
        << qint64(1400) << qint64(2000) << 2 << int(AlertVerdict::BacklogSaturation);
}

void TestHangClassifier::oneFreezeIsOneAlertThroughTheQueueDraining()
{
    QFETCH(qint64, blockedUntilMs);
    QFETCH(qint64, answeredMs);
    QFETCH(int, phases);
    QFETCH(int, verdict);
    HangClassifier classifier(tiers());
    const FreezeCounts counts = feedFreezeThenDrain(classifier, blockedUntilMs, answeredMs);
    QCOMPARE(counts.started, 1);
    QCOMPARE(counts.ended, 1);
    QVERIFY(!classifier.episode().active);
    QCOMPARE(counts.last.onsetNs, 1000 * Ms);
    QCOMPARE(counts.last.elapsedNs, (answeredMs - 1000) * Ms); // until the loop ran a posted event again
    QCOMPARE(counts.last.phaseCount, phases);
    QCOMPARE(int(counts.last.verdict), verdict);
    QCOMPARE(counts.last.phases[0].verdict, AlertVerdict::LongDispatch);
}

void TestHangClassifier::followOnDispatchContinuesTheEpisode()
{
    HangClassifier classifier(tiers());
    int started = 0;
    int ended = 0;
    HangClassifier::Episode last;
    auto feed = [&](const HangObservation &o) {
        const HangClassifier::Step step = classifier.update(o);
        started += step.change == HangClassifier::Change::AlertStarted;
        if (step.endChange == HangClassifier::Change::AlertEnded) {
            ++ended;
            last = step.ended;
        }
    };
    // Handler A 1000-1400, then handler B 1400-1800, the heartbeat posted at 1020 runs at 1801.
    for (qint64 now = 1002; now < 1400; now += 2)
        feed(inDispatch(now, 1000, 990));
    for (qint64 now = 1400; now <= 1800; now += 2) {
        HangObservation o = inDispatch(now, 1400, 990);
        o.enteredSinceNormalPost = 1;
        feed(o);
    }
    HangObservation after = idle(1803);
    after.lastNormalAnswerNs = after.lastAnswerNs = 1801 * Ms;
    feed(after);
    QCOMPARE(started, 1);
    QCOMPARE(ended, 1);
    QCOMPARE(last.elapsedNs, 801 * Ms);
    QCOMPARE(last.verdict, AlertVerdict::LongDispatch);
    QCOMPARE(last.phaseCount, 1);
}

void TestHangClassifier::answeredHeartbeatEndsTheEpisode()
{
    // Two freezes with the loop running a posted event between them are two alerts.
    HangClassifier classifier(tiers());
    int started = 0;
    for (qint64 now = 1002; now <= 1400; now += 2)
        started += classifier.update(inDispatch(now, 1000, 990)).change == HangClassifier::Change::AlertStarted;
    for (qint64 now = 1404; now <= 1800; now += 2)
        started += classifier.update(inDispatch(now, 1403, 1402)).change == HangClassifier::Change::AlertStarted;
    QCOMPARE(started, 2);
    QCOMPARE(classifier.episode().onsetNs, 1403 * Ms);
}

void TestHangClassifier::blockedOutsideDispatchWithoutAHandler_data()
{
    QTest::addColumn<bool>("priorityHeartbeat");
    QTest::newRow("with the probe: normal heartbeat only") << false;
    QTest::newRow("both heartbeats pending") << true;
}

void TestHangClassifier::blockedOutsideDispatchWithoutAHandler()
{
    QFETCH(bool, priorityHeartbeat);
    HangClassifier classifier(tiers());
    for (qint64 now = 1000; now <= 1300; now += 5) {
        HangObservation o;
        o.nowNs = now * Ms;
        o.lastProgressNs = 990 * Ms;
        o.lastAnswerNs = 990 * Ms;
        o.normalPendingSinceNs = 1000 * Ms;
        o.priorityPendingSinceNs = priorityHeartbeat ? 1000 * Ms : 0;
        classifier.update(o);
    }
    QVERIFY(classifier.episode().alerted);
    QCOMPARE(classifier.episode().verdict, AlertVerdict::BlockedOutsideDispatch);
    QCOMPARE(classifier.episode().onsetNs, 1000 * Ms);
}

void TestHangClassifier::nestedLoopWithAnswersIsModalNotHang()
{
    HangClassifier classifier(tiers());
    bool modalStarted = false;
    for (qint64 now = 1000; now <= 1600; now += 5) {
        // Outer dispatch since 1000 runs a loop: heartbeats answered every 20 ms inside it.
        HangObservation o = inDispatch(now, 1000, now - (now % 20));
        o.depth = 1;
        o.normalPendingSinceNs = 0;
        o.priorityPendingSinceNs = 0;
        const HangClassifier::Step step = classifier.update(o);
        QCOMPARE(step.change, HangClassifier::Change::None);
        modalStarted = modalStarted || step.modal == HangClassifier::ModalChange::Started;
    }
    QVERIFY(modalStarted);
    QVERIFY(!classifier.episode().active);
    QCOMPARE(classifier.modal().verdict, AlertVerdict::NestedModalLoop);
    QCOMPARE(classifier.modal().tier, AlertTier::None);
    const HangClassifier::Step end = classifier.update(idle(1700));
    QCOMPARE(end.modalEnd, HangClassifier::ModalChange::Ended);
}

void TestHangClassifier::hangInsideANestedLoopIsALongDispatch()
{
    HangClassifier classifier(tiers());
    // Outer loop since 1000 with answers up to 1500; then a nested handler (depth 2) blocks.
    for (qint64 now = 1505; now <= 1800; now += 5) {
        HangObservation o;
        o.nowNs = now * Ms;
        o.depth = 2;
        o.levels = 2;
        o.levelStartNs[0] = 1000 * Ms;
        o.levelStartNs[1] = 1501 * Ms;
        o.lastAnswerNs = 1500 * Ms;
        o.lastNormalAnswerNs = 1500 * Ms;
        o.lastProgressNs = 1501 * Ms;
        o.normalPendingSinceNs = 1510 * Ms;
        o.priorityPendingSinceNs = 1510 * Ms;
        classifier.update(o);
    }
    QVERIFY(classifier.episode().alerted);
    QCOMPARE(classifier.episode().verdict, AlertVerdict::LongDispatch);
    QCOMPARE(classifier.episode().level, 1);
    QCOMPARE(classifier.episode().onsetNs, 1501 * Ms);
    QVERIFY(classifier.modal().active); // the outer loop is still the modal one
}

void TestHangClassifier::watcherGapIsNotCounted()
{
    HangClassifier classifier(tiers());
    classifier.update(inDispatch(1050, 1000, 995));
    // The whole process was stopped from 1060 to 1560: the watcher wakes 500 ms late.
    classifier.noteWatcherGap(1560 * Ms, 500 * Ms);
    const HangClassifier::Step step = classifier.update(inDispatch(1560, 1000, 995));
    QCOMPARE(step.change, HangClassifier::Change::None); // 60 ms of it ran: not even suspicion
    QVERIFY(!classifier.episode().active);
    // It still counts what happens after.
    classifier.update(inDispatch(1800, 1000, 995));
    QVERIFY(classifier.episode().alerted);
    QCOMPARE(classifier.episode().elapsedNs, 300 * Ms);
    QCOMPARE(classifier.episode().excludedNs, 500 * Ms);
}

void TestHangClassifier::budgetShiftsTheTiers()
{
    HangClassifier classifier(tiers());
    HangObservation o = inDispatch(1600, 1000, 995);
    o.budgetNs = 500 * Ms;
    classifier.update(o);
    // 600 ms elapsed, 100 past a 500 ms budget: suspicion only (sampling, no alert).
    QVERIFY(classifier.episode().active);
    QVERIFY(!classifier.episode().alerted);
    QCOMPARE(classifier.episode().tier, AlertTier::Suspicion);
    o.nowNs = 1750 * Ms;
    classifier.update(o);
    QCOMPARE(classifier.episode().tier, AlertTier::Hang);
    QCOMPARE(classifier.episode().budgetNs, 500 * Ms);
    QCOMPARE(classifier.episode().elapsedNs, 750 * Ms); // the duration stays honest
}

void TestHangClassifier::pauseEndsDetection()
{
    HangClassifier classifier(tiers());
    HangObservation o = inDispatch(1300, 1000, 995);
    o.paused = true;
    QCOMPARE(classifier.update(o).change, HangClassifier::Change::None);
    QVERIFY(!classifier.episode().active);
    QVERIFY(!classifier.modal().active);
}

QTEST_APPLESS_MAIN(TestHangClassifier)
#include "tst_hangclassifier.moc"
