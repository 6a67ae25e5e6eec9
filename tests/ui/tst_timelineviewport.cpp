// Time <-> pixel math of the timeline, without a widget.
#include "ui/timelineviewport.h"

#include <QTest>

#include <cmath>

using namespace Taskscope::Ui;

class TestTimelineViewport final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void mapsBothWays_data();
    void mapsBothWays();
    void zoomKeepsTimeUnderCursor_data();
    void zoomKeepsTimeUnderCursor();
    void zoomStopsAtLimits_data();
    void zoomStopsAtLimits();
    void panMovesByPixels_data();
    void panMovesByPixels();
    void clampKeepsDataOnScreen_data();
    void clampKeepsDataOnScreen();
    void followPutsLiveEdgeAtRight_data();
    void followPutsLiveEdgeAtRight();
    void setRangeShowsRange_data();
    void setRangeShowsRange();
    void badInputChangesNothing();
};

void TestTimelineViewport::mapsBothWays_data()
{
    QTest::addColumn<double>("start");
    QTest::addColumn<double>("nsPerPx");
    QTest::addColumn<double>("x");
    QTest::addColumn<double>("time");
    QTest::newRow("origin at the left edge") << 0.0 << 1e6 << 0.0 << 0.0;
    QTest::newRow("one millisecond per pixel") << 0.0 << 1e6 << 500.0 << 5e8;
    QTest::newRow("negative start") << -1e9 << 2e6 << 250.0 << -5e8;
    QTest::newRow("sub-nanosecond pixels") << 1000.0 << 0.25 << 8.0 << 1002.0;
    QTest::newRow("an hour per pixel") << 0.0 << 3600e9 << 2.0 << 7200e9;
}

void TestTimelineViewport::mapsBothWays()
{
    QFETCH(double, start);
    QFETCH(double, nsPerPx);
    QFETCH(double, x);
    QFETCH(double, time);
    const TimelineViewport v(start, nsPerPx, 1000);
    QCOMPARE(v.timeAt(x), time);
    QCOMPARE(v.xOf(time), x);
}

void TestTimelineViewport::zoomKeepsTimeUnderCursor_data()
{
    QTest::addColumn<double>("start");
    QTest::addColumn<double>("nsPerPx");
    QTest::addColumn<double>("cursorX");
    QTest::addColumn<double>("factor");
    QTest::newRow("zoom in at the left edge") << 0.0 << 1e6 << 0.0 << 2.0;
    QTest::newRow("zoom in in the middle") << 5e9 << 1e6 << 850.0 << 1.25;
    QTest::newRow("zoom out at the right edge") << 5e9 << 1e6 << 1700.0 << 0.5;
    QTest::newRow("zoom in to nanoseconds") << 123456789.0 << 10.0 << 333.0 << 8.0;
    QTest::newRow("zoom out to hours") << 0.0 << 1e11 << 1200.0 << 1.0 / 16;
    QTest::newRow("cursor outside the view") << 0.0 << 1e6 << -100.0 << 3.0;
}

void TestTimelineViewport::zoomKeepsTimeUnderCursor()
{
    QFETCH(double, start);
    QFETCH(double, nsPerPx);
    QFETCH(double, cursorX);
    QFETCH(double, factor);
    TimelineViewport v(start, nsPerPx, 1700);
    const double before = v.timeAt(cursorX);
    v.zoomAround(cursorX, factor);
    QCOMPARE(v.nsPerPx(), nsPerPx / factor);
    // Within a thousandth of a pixel.
    QVERIFY2(std::abs(v.timeAt(cursorX) - before) <= v.nsPerPx() * 1e-3,
             qPrintable(QStringLiteral("%1 vs %2").arg(v.timeAt(cursorX), 0, 'f', 3).arg(before, 0, 'f', 3)));
}

void TestTimelineViewport::zoomStopsAtLimits_data()
{
    QTest::addColumn<double>("factor");
    QTest::addColumn<double>("expected");
    QTest::newRow("far in stops at the finest scale") << 1e12 << TimelineViewport::MinNsPerPx;
    QTest::newRow("far out stops at an hour per pixel") << 1e-12 << TimelineViewport::MaxNsPerPx;
}

void TestTimelineViewport::zoomStopsAtLimits()
{
    QFETCH(double, factor);
    QFETCH(double, expected);
    TimelineViewport v(1e9, 1e6, 1000);
    const double before = v.timeAt(400);
    v.zoomAround(400, factor);
    QCOMPARE(v.nsPerPx(), expected);
    QVERIFY(std::abs(v.timeAt(400) - before) <= std::max(1.0, v.nsPerPx() * 1e-3));
}

void TestTimelineViewport::panMovesByPixels_data()
{
    QTest::addColumn<double>("dx");
    QTest::addColumn<double>("expectedStart");
    QTest::newRow("drag right shows earlier times") << 100.0 << 1e9 - 100 * 1e6;
    QTest::newRow("drag left shows later times") << -250.0 << 1e9 + 250 * 1e6;
    QTest::newRow("no movement") << 0.0 << 1e9;
}

void TestTimelineViewport::panMovesByPixels()
{
    QFETCH(double, dx);
    QFETCH(double, expectedStart);
    TimelineViewport v(1e9, 1e6, 1000);
    v.panByPixels(dx);
    QCOMPARE(v.startNs(), expectedStart);
    QCOMPARE(v.nsPerPx(), 1e6);
}

void TestTimelineViewport::clampKeepsDataOnScreen_data()
{
    QTest::addColumn<double>("start");
    QTest::addColumn<double>("expectedStart");
    // Data spans [10 s, 20 s]; the view is 1 s wide; 10 % of it (0.1 s) must show data.
    QTest::newRow("inside the data stays") << 15e9 << 15e9;
    QTest::newRow("far before is pulled to the data's start") << 0.0 << 10e9 + 0.1e9 - 1e9;
    QTest::newRow("far after is pulled to the data's end") << 50e9 << 20e9 - 0.1e9;
    QTest::newRow("just enough before stays") << 9.1e9 << 9.1e9;
}

void TestTimelineViewport::clampKeepsDataOnScreen()
{
    QFETCH(double, start);
    QFETCH(double, expectedStart);
    TimelineViewport v(start, 1e6, 1000);
    v.clampTo(10e9, 20e9, 0.1);
    QCOMPARE(v.startNs(), expectedStart);
}

void TestTimelineViewport::followPutsLiveEdgeAtRight_data()
{
    QTest::addColumn<double>("nsPerPx");
    QTest::addColumn<double>("live");
    QTest::newRow("ten seconds at one millisecond per pixel") << 1e7 << 42e9;
    QTest::newRow("a fine scale") << 100.0 << 123456789.0;
}

void TestTimelineViewport::followPutsLiveEdgeAtRight()
{
    QFETCH(double, nsPerPx);
    QFETCH(double, live);
    TimelineViewport v(0, nsPerPx, 1000);
    v.followTo(live);
    const double liveX = v.xOf(live);
    QCOMPARE(liveX, 1000 * (1.0 - TimelineViewport::LiveEdgeMarginFraction));
    QCOMPARE(v.nsPerPx(), nsPerPx);
}

void TestTimelineViewport::setRangeShowsRange_data()
{
    QTest::addColumn<double>("t0");
    QTest::addColumn<double>("t1");
    QTest::addColumn<double>("expectedNsPerPx");
    QTest::addColumn<double>("expectedStart");
    QTest::newRow("ten seconds") << 0.0 << 10e9 << 1e7 << 0.0;
    QTest::newRow("narrower than the finest scale is centred")
        << 100.0 << 110.0 << TimelineViewport::MinNsPerPx << 105.0 - TimelineViewport::MinNsPerPx * 500;
}

void TestTimelineViewport::setRangeShowsRange()
{
    QFETCH(double, t0);
    QFETCH(double, t1);
    QFETCH(double, expectedNsPerPx);
    QFETCH(double, expectedStart);
    TimelineViewport v(0, 1, 1000);
    v.setRange(t0, t1);
    QCOMPARE(v.nsPerPx(), expectedNsPerPx);
    QCOMPARE(v.startNs(), expectedStart);
}

void TestTimelineViewport::badInputChangesNothing()
{
    TimelineViewport v(5e9, 1e6, 800);
    const TimelineViewport before = v;
    v.setRange(10, 10);
    v.setRange(20, 10);
    v.zoomAround(100, 0);
    v.zoomAround(100, -2);
    v.zoomAround(100, std::nan(""));
    v.panByPixels(std::nan(""));
    v.clampTo(10, 5);
    QCOMPARE(v, before);
    v.setWidth(-5);
    QCOMPARE(v.width(), 1);
}

QTEST_GUILESS_MAIN(TestTimelineViewport)
#include "tst_timelineviewport.moc"
