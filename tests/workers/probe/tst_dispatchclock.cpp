#include "model/trace/traceclock.h"
#include "workers/probe/dispatchclock.h"

#include <QtTest>

using namespace Taskscope::Probe;
using Taskscope::Trace::TraceClock;

class TestDispatchClock final : public QObject
{
    Q_OBJECT

private slots:
    void slowDispatchingReadsTheClock()
    {
        DispatchClock clock;
        clock.setDispatchRate(DispatchClock::FastDispatchRate / 10);
        QVERIFY(!clock.publishing());
        QVERIFY(!DispatchClock::tickPublished());
        const std::uint64_t before = TraceClock::ticks();
        const std::uint64_t stamp = DispatchClock::now(0);
        QVERIFY(stamp >= before);
        QVERIFY(stamp <= TraceClock::ticks());
    }

    void floodPublishesATickUntilItEnds()
    {
        DispatchClock clock;
        clock.setDispatchRate(DispatchClock::FastDispatchRate * 2);
        QVERIFY(clock.publishing());
        QTRY_VERIFY_WITH_TIMEOUT(DispatchClock::tickPublished(), 5000);
        // A published tick is a past clock reading, and it moves on.
        const std::uint64_t first = DispatchClock::now(0);
        QVERIFY(first <= TraceClock::ticks());
        QTRY_VERIFY_WITH_TIMEOUT(DispatchClock::now(0) > first, 5000);
        // Just under the threshold keeps it going (hysteresis); well under stops it.
        clock.setDispatchRate(DispatchClock::FastDispatchRate * 0.9);
        QVERIFY(clock.publishing());
        clock.setDispatchRate(DispatchClock::FastDispatchRate / 10);
        QVERIFY(!clock.publishing());
        QTRY_VERIFY_WITH_TIMEOUT(!DispatchClock::tickPublished(), 5000);
        // A second flood starts it again.
        clock.setDispatchRate(DispatchClock::FastDispatchRate * 2);
        QTRY_VERIFY_WITH_TIMEOUT(DispatchClock::tickPublished(), 5000);
        clock.stop();
        QVERIFY(!DispatchClock::tickPublished());
    }

    void stampsNeverGoBack()
    {
        DispatchClock clock;
        clock.setDispatchRate(DispatchClock::FastDispatchRate * 2);
        QTRY_VERIFY_WITH_TIMEOUT(DispatchClock::tickPublished(), 5000);
        // A thread's previous stamp from a clock read can be later than the published tick.
        const std::uint64_t later = TraceClock::ticks() + 1'000'000'000ull;
        QCOMPARE(DispatchClock::now(later), later);
        clock.stop();
        QCOMPARE(DispatchClock::now(later), later);
    }
};

QTEST_GUILESS_MAIN(TestDispatchClock)
#include "tst_dispatchclock.moc"
