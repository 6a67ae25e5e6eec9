#include "model/trace/traceclock.h"

#include <QTest>
#include <QThread>

using namespace Taskscope::Trace;

class TestTraceClock : public QObject
{
    Q_OBJECT

private slots:
    void ticksNeverGoBackwardsOnOneThread();
    void nowAgreesWithSteadyClock();
    void durationOfASleepIsAtLeastTheSleep();
    void recalibrationKeepsTimeMonotonic();
};

void TestTraceClock::ticksNeverGoBackwardsOnOneThread()
{
    qint64 previous = TraceClock::nowNs();
    for (int i = 0; i < 200'000; ++i) {
        const qint64 now = TraceClock::nowNs();
        QVERIFY2(now >= previous, qPrintable(QStringLiteral("step %1 went back %2 ns").arg(i).arg(previous - now)));
        previous = now;
    }
}

void TestTraceClock::nowAgreesWithSteadyClock()
{
    // Both clocks are read back to back, so they must agree closely whatever the machine's load.
    const qint64 steadySinceOrigin = qint64(TraceClock::steadyNs() - TraceClock::originSteadyNs());
    const qint64 trace = TraceClock::nowNs();
    QVERIFY2(qAbs(trace - steadySinceOrigin) < 2'000'000,
             qPrintable(QStringLiteral("trace clock %1 ns vs steady %2 ns").arg(trace).arg(steadySinceOrigin)));
}

void TestTraceClock::durationOfASleepIsAtLeastTheSleep()
{
    const std::uint64_t before = TraceClock::ticks();
    QThread::msleep(20);
    const qint64 elapsed = TraceClock::durationNs(TraceClock::ticks() - before);
    QVERIFY2(elapsed >= 19'500'000, qPrintable(QString::number(elapsed)));
    QVERIFY2(elapsed < 10'000'000'000, qPrintable(QString::number(elapsed)));
}

void TestTraceClock::recalibrationKeepsTimeMonotonic()
{
    const qint64 before = TraceClock::nowNs();
    QThread::msleep(600); // long enough for recalibrate() to take a new baseline
    TraceClock::recalibrate();
    const qint64 after = TraceClock::nowNs();
    QVERIFY(after > before);
    QVERIFY(TraceClock::ticksPerNs() > 0);
}

QTEST_APPLESS_MAIN(TestTraceClock)
#include "tst_traceclock.moc"
