// The schedule shared by the window's and the headless scenario runs: which entries start at once,
// the order of delayed starts, stop-after counted from an entry's own start, the run's duration and
// timeout, cancel() dropping what is pending, and delays that a QTimer can hold.
#include "app/scenario/scenarioschedule.h"

#include <QSignalSpy>
#include <QtTest>

#include <cmath>
#include <limits>

using Taskscope::Scenarios::Scenario;
using Taskscope::Scenarios::ScenarioSchedule;

using namespace std::chrono_literals;

namespace {

Scenario scenarioWith(QList<std::pair<double, double>> startAndStopAfter, double durationS = 0, double timeoutS = 0)
{
    Scenario scenario;
    scenario.durationS = durationS;
    scenario.timeoutS = timeoutS;
    for (const auto &[startS, stopAfterS] : startAndStopAfter) {
        Scenario::Entry entry;
        entry.startS = startS;
        entry.stopAfterS = stopAfterS;
        scenario.workloads.append(entry);
    }
    return scenario;
}

QList<int> indices(const QSignalSpy &spy)
{
    QList<int> out;
    for (const QList<QVariant> &args : spy)
        out.append(args.at(0).toInt());
    return out;
}

} // namespace

class TestScenarioSchedule : public QObject
{
    Q_OBJECT

private slots:
    void delaysFitATimer_data();
    void delaysFitATimer();
    void entriesAtZeroStartAtOnceAndTheRestInOrder();
    void stopAfterCountsFromTheEntrysStart();
    void durationAndTimeoutAreAnnounced();
    void cancelDropsEverythingPending();
};

void TestScenarioSchedule::delaysFitATimer_data()
{
    QTest::addColumn<double>("seconds");
    QTest::addColumn<qint64>("expectedMs");
    const qint64 maxMs = std::numeric_limits<int>::max();
    QTest::newRow("zero") << 0.0 << qint64(0);
    QTest::newRow("negative") << -3.0 << qint64(0);
    QTest::newRow("not a number") << std::nan("") << qint64(0);
    QTest::newRow("a fraction of a millisecond rounds up") << 0.0004 << qint64(1);
    QTest::newRow("one and a half seconds") << 1.5 << qint64(1500);
    QTest::newRow("thirty days is held at the timer's limit") << 30.0 * 86400 << maxMs;
    QTest::newRow("infinity is held at the timer's limit") << std::numeric_limits<double>::infinity() << maxMs;
}

void TestScenarioSchedule::delaysFitATimer()
{
    QFETCH(double, seconds);
    QFETCH(qint64, expectedMs);
    QCOMPARE(qint64(ScenarioSchedule::delay(seconds).count()), expectedMs);
}

void TestScenarioSchedule::entriesAtZeroStartAtOnceAndTheRestInOrder()
{
    ScenarioSchedule schedule(scenarioWith({{0.06, 0}, {0, 0}, {0.03, 0}, {-1, 0}}));
    QSignalSpy due(&schedule, &ScenarioSchedule::entryDue);
    schedule.start();
    QCOMPARE(indices(due), (QList<int> {1, 3}));
    QTRY_COMPARE_WITH_TIMEOUT(due.size(), 4, 5000);
    QCOMPARE(indices(due), (QList<int> {1, 3, 2, 0}));
}

void TestScenarioSchedule::stopAfterCountsFromTheEntrysStart()
{
    ScenarioSchedule schedule(scenarioWith({{0.05, 0.01}, {0, 0}}));
    QList<QString> order;
    connect(&schedule, &ScenarioSchedule::entryDue, this,
            [&order](int i) { order << QStringLiteral("start %1").arg(i); });
    connect(&schedule, &ScenarioSchedule::entryStopDue, this,
            [&order](int i) { order << QStringLiteral("stop-after %1").arg(i); });
    schedule.start();
    QTRY_COMPARE_WITH_TIMEOUT(order.size(), 3, 5000);
    QCOMPARE(order,
             (QList<QString> {QStringLiteral("start 1"), QStringLiteral("start 0"), QStringLiteral("stop-after 0")}));
}

void TestScenarioSchedule::durationAndTimeoutAreAnnounced()
{
    ScenarioSchedule schedule(scenarioWith({{0, 0}}, 0.01, 0.02));
    QSignalSpy duration(&schedule, &ScenarioSchedule::durationReached);
    QSignalSpy timeout(&schedule, &ScenarioSchedule::timedOut);
    schedule.start();
    QVERIFY(timeout.wait(5000));
    QCOMPARE(duration.size(), 1);
    QCOMPARE(timeout.size(), 1);
}

void TestScenarioSchedule::cancelDropsEverythingPending()
{
    ScenarioSchedule schedule(scenarioWith({{0, 0.02}, {0.02, 0}}, 0.02, 0.02));
    QSignalSpy due(&schedule, &ScenarioSchedule::entryDue);
    QSignalSpy stopDue(&schedule, &ScenarioSchedule::entryStopDue);
    QSignalSpy duration(&schedule, &ScenarioSchedule::durationReached);
    QSignalSpy timeout(&schedule, &ScenarioSchedule::timedOut);
    schedule.start();
    QCOMPARE(due.size(), 1);
    schedule.cancel();
    QTest::qWait(100);
    QCOMPARE(due.size(), 1);
    QCOMPARE(stopDue.size(), 0);
    QCOMPARE(duration.size(), 0);
    QCOMPARE(timeout.size(), 0);
    QVERIFY(schedule.isCancelled());
}

QTEST_GUILESS_MAIN(TestScenarioSchedule)
#include "tst_scenarioschedule.moc"
