// Frame times as the window reports them: from when a tick was due to the end of the repaint
// that follows, with the due time rescheduled as Qt reschedules a precise timer.
#include "app/gui/framemeter.h"

#include <QTest>

using namespace Taskscope::Gui;

class TestFrameMeter final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void frameTimeCountsFromTheDueTime_data();
    void frameTimeCountsFromTheDueTime();
    void tickWithoutRepaintIsNotAFrame();
    void resetStartsAFreshWindow();
};

namespace {

constexpr qint64 Ms = 1'000'000;

} // namespace

void TestFrameMeter::frameTimeCountsFromTheDueTime_data()
{
    // Ticks at these times (ms), each presented `paint` ms later; the last frame's time.
    QTest::addColumn<QList<qint64>>("ticksMs");
    QTest::addColumn<qint64>("paintMs");
    QTest::addColumn<qint64>("lastFrameMs");
    QTest::addColumn<quint64>("overBudget");

    QTest::newRow("on time") << QList<qint64> {100, 116, 132} << qint64(2) << qint64(2) << quint64(0);
    // Due at 132, ran at 135: the frame took the 3 ms it waited plus its paint.
    QTest::newRow("a tick late by 3 ms") << QList<qint64> {100, 116, 135} << qint64(2) << qint64(5) << quint64(0);
    // A late tick does not move the schedule: the next one is due at 148 and comes on time.
    QTest::newRow("the tick after a late one")
        << QList<qint64> {100, 116, 135, 148} << qint64(2) << qint64(2) << quint64(0);
    // Blocked for 50 ms: due at 132, ran at 182 (Qt then reschedules one period after 182).
    QTest::newRow("a blocked loop") << QList<qint64> {100, 116, 182} << qint64(2) << qint64(52) << quint64(1);
    QTest::newRow("after a blocked loop the schedule restarts")
        << QList<qint64> {100, 116, 182, 198} << qint64(2) << qint64(2) << quint64(1);
    QTest::newRow("a slow paint") << QList<qint64> {100, 116, 132} << qint64(20) << qint64(20) << quint64(3);
}

void TestFrameMeter::frameTimeCountsFromTheDueTime()
{
    QFETCH(QList<qint64>, ticksMs);
    QFETCH(qint64, paintMs);
    QFETCH(qint64, lastFrameMs);
    QFETCH(quint64, overBudget);

    FrameMeter meter(16 * Ms);
    for (const qint64 t : ticksMs) {
        meter.frame(t * Ms);
        meter.presented((t + paintMs) * Ms);
    }
    QCOMPARE(meter.frameTimes().count(), quint64(ticksMs.size()));
    QCOMPARE(meter.intervals().count(), quint64(ticksMs.size() - 1));
    QCOMPARE(meter.frameTimes().max() >= quint64(lastFrameMs * Ms), true);
    QCOMPARE(meter.overBudgetFrames(), overBudget);
    // The last frame alone, in a fresh meter fed the same history without its presentations.
    FrameMeter last(16 * Ms);
    for (int i = 0; i < ticksMs.size(); ++i) {
        last.frame(ticksMs[i] * Ms);
        if (i + 1 == ticksMs.size())
            last.presented((ticksMs[i] + paintMs) * Ms);
    }
    QCOMPARE(last.frameTimes().count(), quint64(1));
    QCOMPARE(qint64(last.frameTimes().max()), lastFrameMs * Ms);
}

void TestFrameMeter::tickWithoutRepaintIsNotAFrame()
{
    FrameMeter meter(16 * Ms);
    meter.frame(100 * Ms);
    meter.frame(116 * Ms);
    meter.presented(117 * Ms);
    meter.presented(118 * Ms); // a second repaint of the same tick closes nothing
    QCOMPARE(meter.frameTimes().count(), quint64(1));
    QCOMPARE(qint64(meter.frameTimes().max()), 1 * Ms);
}

void TestFrameMeter::resetStartsAFreshWindow()
{
    FrameMeter meter(16 * Ms);
    meter.frame(100 * Ms);
    meter.presented(160 * Ms);
    QCOMPARE(meter.overBudgetFrames(), quint64(1));
    meter.reset();
    QCOMPARE(meter.frameTimes().count(), quint64(0));
    QCOMPARE(meter.overBudgetFrames(), quint64(0));
    meter.frame(500 * Ms);
    meter.presented(501 * Ms);
    QCOMPARE(qint64(meter.frameTimes().max()), 1 * Ms);
    QVERIFY(meter.describe().contains(QStringLiteral("frame time p50")));
    QVERIFY(meter.toJson().contains(QStringLiteral("frameTimeMs")));
}

QTEST_GUILESS_MAIN(TestFrameMeter)
#include "tst_framemeter.moc"
