// The epoll dispatcher's timers on a synthetic clock: order, precise/coarse/very coarse deadlines,
// zero timers once per pass, drift-free re-arming, and timers killed or added by a handler.
#include "workers/execution/timerqueue.h"

#include <QTimerEvent>
#include <QtTest>

#include <functional>
#include <vector>

using Taskscope::Execution::TimerQueue;

namespace {

constexpr qint64 Ms = 1'000'000;
constexpr qint64 Start = 1'000'000'000'000; // an arbitrary monotonic time, on a whole second

class Recorder final : public QObject
{
public:
    std::vector<int> fired;
    std::function<void(int)> onTimer;

protected:
    void timerEvent(QTimerEvent *event) override
    {
        fired.push_back(event->timerId());
        if (onTimer)
            onTimer(event->timerId());
    }
};

} // namespace

class TestTimerQueue : public QObject
{
    Q_OBJECT

private slots:
    void firesInDeadlineOrder();
    void deadlineByType_data();
    void deadlineByType();
    void zeroTimerFiresOncePerPass();
    void rearmsWithoutDrift();
    void skipsMissedExpiriesWhenBehind();
    void handlerKillsAnotherDueTimer();
    void handlerAddsATimerThatIsAlreadyDue();
    void removeAllForgetsOnlyThatObject();
};

void TestTimerQueue::firesInDeadlineOrder()
{
    TimerQueue q;
    Recorder r;
    q.add(1, 30, Qt::PreciseTimer, &r, Start);
    q.add(2, 10, Qt::PreciseTimer, &r, Start);
    q.add(3, 20, Qt::PreciseTimer, &r, Start);
    QCOMPARE(q.nextDeadlineNs(), Start + 10 * Ms);
    QCOMPARE(q.fireDue(Start + 9 * Ms), 0);
    QCOMPARE(q.fireDue(Start + 30 * Ms), 3);
    QCOMPARE(r.fired, (std::vector<int> {2, 3, 1}));
}

void TestTimerQueue::deadlineByType_data()
{
    QTest::addColumn<Qt::TimerType>("type");
    QTest::addColumn<qint64>("intervalMs");
    QTest::addColumn<qint64>("earliestMs"); // relative to Start
    QTest::addColumn<qint64>("latestMs");
    QTest::newRow("precise 7 ms") << Qt::PreciseTimer << qint64(7) << qint64(7) << qint64(7);
    QTest::newRow("coarse 15 ms is precise") << Qt::CoarseTimer << qint64(15) << qint64(15) << qint64(15);
    QTest::newRow("coarse 333 ms, within 5 %") << Qt::CoarseTimer << qint64(333) << qint64(333) << qint64(349);
    QTest::newRow("coarse 30 s is very coarse")
        << Qt::CoarseTimer << qint64(30'000) << qint64(30'000) << qint64(30'000);
    QTest::newRow("very coarse 1.4 s is 1 s") << Qt::VeryCoarseTimer << qint64(1400) << qint64(1000) << qint64(1000);
    QTest::newRow("very coarse 100 ms is 1 s") << Qt::VeryCoarseTimer << qint64(100) << qint64(1000) << qint64(1000);
}

void TestTimerQueue::deadlineByType()
{
    QFETCH(Qt::TimerType, type);
    QFETCH(qint64, intervalMs);
    QFETCH(qint64, earliestMs);
    QFETCH(qint64, latestMs);
    TimerQueue q;
    Recorder r;
    q.add(1, intervalMs, type, &r, Start + 3 * Ms); // not on a boundary
    const qint64 deadline = q.nextDeadlineNs() - Start - 3 * Ms;
    QVERIFY2(deadline >= earliestMs * Ms - 3 * Ms && deadline <= latestMs * Ms,
             qPrintable(QString::number(double(deadline) / Ms)));
    // Never early for precise and coarse timers (from 20 s on, coarse ones count whole seconds).
    if (type != Qt::VeryCoarseTimer && intervalMs < 20'000)
        QVERIFY(deadline >= intervalMs * Ms);
}

void TestTimerQueue::zeroTimerFiresOncePerPass()
{
    TimerQueue q;
    Recorder r;
    q.add(1, 0, Qt::PreciseTimer, &r, Start);
    QCOMPARE(q.fireDue(Start), 1);
    QCOMPARE(q.fireDue(Start + 1), 1);
    QCOMPARE(q.fireDue(Start + 2), 1);
    QCOMPARE(r.fired.size(), std::size_t(3));
}

void TestTimerQueue::rearmsWithoutDrift()
{
    TimerQueue q;
    Recorder r;
    q.add(1, 20, Qt::PreciseTimer, &r, Start);
    // Handled 3 ms late each time: the next deadline still counts from the ideal one.
    for (int k = 1; k <= 5; ++k) {
        QCOMPARE(q.fireDue(Start + k * 20 * Ms + 3 * Ms), 1);
        QCOMPARE(q.nextDeadlineNs(), Start + (k + 1) * 20 * Ms);
    }
}

void TestTimerQueue::skipsMissedExpiriesWhenBehind()
{
    TimerQueue q;
    Recorder r;
    q.add(1, 10, Qt::PreciseTimer, &r, Start);
    // 55 ms late: one expiry, then one interval from now (no burst of five).
    QCOMPARE(q.fireDue(Start + 65 * Ms), 1);
    QCOMPARE(q.nextDeadlineNs(), Start + 75 * Ms);
    QCOMPARE(q.remainingMs(1, Start + 65 * Ms), 10);
}

void TestTimerQueue::handlerKillsAnotherDueTimer()
{
    TimerQueue q;
    Recorder r;
    q.add(1, 10, Qt::PreciseTimer, &r, Start);
    q.add(2, 10, Qt::PreciseTimer, &r, Start);
    r.onTimer = [&](int id) {
        if (id == 1)
            QVERIFY(q.remove(2));
    };
    QCOMPARE(q.fireDue(Start + 10 * Ms), 1);
    QCOMPARE(r.fired, (std::vector<int> {1}));
    QCOMPARE(q.size(), 1);
    QCOMPARE(q.remainingMs(2, Start), -1);
}

void TestTimerQueue::handlerAddsATimerThatIsAlreadyDue()
{
    TimerQueue q;
    Recorder r;
    q.add(1, 10, Qt::PreciseTimer, &r, Start);
    r.onTimer = [&](int id) {
        if (id == 1)
            q.add(2, 0, Qt::PreciseTimer, &r, Start + 10 * Ms);
    };
    // Added during the pass: it waits for the next one.
    QCOMPARE(q.fireDue(Start + 10 * Ms), 1);
    r.onTimer = nullptr;
    QCOMPARE(q.fireDue(Start + 11 * Ms), 1);
    QCOMPARE(r.fired, (std::vector<int> {1, 2}));
}

void TestTimerQueue::removeAllForgetsOnlyThatObject()
{
    TimerQueue q;
    Recorder a;
    Recorder b;
    q.add(1, 10, Qt::PreciseTimer, &a, Start);
    q.add(2, 20, Qt::CoarseTimer, &a, Start);
    q.add(3, 30, Qt::PreciseTimer, &b, Start);
    QCOMPARE(q.timersOf(&a).size(), 2);
    QVERIFY(q.removeAll(&a));
    QVERIFY(!q.removeAll(&a));
    QVERIFY(q.timersOf(&a).isEmpty());
    QCOMPARE(q.timersOf(&b).size(), 1);
    QCOMPARE(q.timersOf(&b).constFirst().timerId, 3);
    QCOMPARE(q.nextDeadlineNs(), Start + 30 * Ms);
}

QTEST_GUILESS_MAIN(TestTimerQueue)
#include "tst_timerqueue.moc"
