// The timeline's controller: what follows the live edge and what stops it, zooming and panning,
// the counts of a paused view, scrolling to a lane, and when the layout is rebuilt.
#include "ui/timeline/controller.h"

#include <QSignalSpy>
#include <QTest>

#include "tests/ui/tracefixture.h"

using namespace Taskscope::Trace;
using namespace Taskscope::Ui;

using namespace TraceFixture;
using Timeline::Controller;

class TestTimelineController final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void followRules_data();
    void followRules();
    void zoomKeepsItsAnchor_data();
    void zoomKeepsItsAnchor();
    void panMovesByPixelsAndStaysNearTheData_data();
    void panMovesByPixelsAndStaysNearTheData();
    void pausedViewCountsWhatItMisses_data();
    void pausedViewCountsWhatItMisses();
    void followWindowHasAFloor();
    void zoomWhileFollowingSetsTheFollowWindow();
    void catchingUpReturnsToTheFollowWindow();
    void fitRun_data();
    void fitRun();
    void scrollsToALaneOnlyWhenItIsOutOfView_data();
    void scrollsToALaneOnlyWhenItIsOutOfView();
    void rebuildsTheLayoutOnlyWhenStale();

private:
    void show(bool live);

    static constexpr int Width = 800;
    std::unique_ptr<TraceStore> m_store;
    std::unique_ptr<Controller> m_controller;
};

void TestTimelineController::init()
{
    m_controller.reset();
    m_store = std::make_unique<TraceStore>();
    fill(*m_store);
    m_controller = std::make_unique<Controller>();
}

void TestTimelineController::show(bool live)
{
    m_controller->setStore(m_store.get(), live);
    m_controller->setContentWidth(Width);
    m_controller->resetView();
}

void TestTimelineController::followRules_data()
{
    QTest::addColumn<bool>("live");
    QTest::addColumn<QString>("action");
    QTest::addColumn<bool>("follows");
    QTest::addColumn<int>("changes"); // followLiveChanged signals the action caused

    QTest::newRow("a live store follows from the start") << true << QString() << true << 0;
    QTest::newRow("a loaded store never follows") << false << QStringLiteral("follow") << false << 0;
    QTest::newRow("pausing a live view stops following") << true << QStringLiteral("unfollow") << false << 1;
    QTest::newRow("panning stops following") << true << QStringLiteral("pan") << false << 1;
    QTest::newRow("zooming keeps following") << true << QStringLiteral("zoom") << true << 0;
    QTest::newRow("zooming to a range stops following") << true << QStringLiteral("range") << false << 1;
    QTest::newRow("fitting everything stops following") << true << QStringLiteral("fit") << false << 1;
    QTest::newRow("following again after a pan") << true << QStringLiteral("pan,follow") << true << 2;
}

void TestTimelineController::followRules()
{
    QFETCH(bool, live);
    QFETCH(QString, action);
    QFETCH(bool, follows);
    QFETCH(int, changes);
    show(live);
    QCOMPARE(m_controller->followsLive(), live);
    QSignalSpy spy(m_controller.get(), &Controller::followLiveChanged);
    for (const QString &step : action.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (step == QLatin1StringView("follow"))
            m_controller->setFollowLive(true);
        else if (step == QLatin1StringView("unfollow"))
            m_controller->setFollowLive(false);
        else if (step == QLatin1StringView("pan"))
            m_controller->panByPixels(50);
        else if (step == QLatin1StringView("zoom"))
            m_controller->zoomBy(2, 100);
        else if (step == QLatin1StringView("range"))
            m_controller->zoomToRange(10 * Ms, 20 * Ms);
        else if (step == QLatin1StringView("fit"))
            m_controller->fitAll();
        else
            QFAIL("unknown step");
    }
    QCOMPARE(m_controller->followsLive(), follows);
    QCOMPARE(spy.count(), changes);
}

void TestTimelineController::zoomKeepsItsAnchor_data()
{
    QTest::addColumn<bool>("live");
    QTest::addColumn<double>("factor");
    QTest::addColumn<double>("anchorX");
    QTest::newRow("zooming in around the left quarter") << false << 2.0 << 200.0;
    QTest::newRow("zooming out around the right edge") << false << 0.5 << 790.0;
    QTest::newRow("following, the live edge stays put whatever the anchor") << true << 4.0 << 10.0;
}

void TestTimelineController::zoomKeepsItsAnchor()
{
    QFETCH(bool, live);
    QFETCH(double, factor);
    QFETCH(double, anchorX);
    // An event 100 s in puts the live edge there, not at the clock's now (which moves on).
    if (live)
        m_store->addSpan(Worker, 100'000 * Ms, 100'001 * Ms, TraceNames::intern("late"));
    show(live);
    if (!live)
        m_controller->zoomToRange(10 * Ms, 50 * Ms);
    const TimelineViewport before = m_controller->viewport();
    const double anchorTime = before.timeAt(anchorX);
    m_controller->zoomBy(factor, anchorX);
    const TimelineViewport after = m_controller->viewport();
    QVERIFY(std::abs(after.nsPerPx() - before.nsPerPx() / factor) <= before.nsPerPx() * 1e-9);
    if (live) {
        // The live edge stays where it was, at the right less the follow margin.
        const double edge = double(m_controller->liveEdgeNs());
        QCOMPARE(edge, 100'001.0 * Ms);
        QVERIFY(before.xOf(edge) > Width * 0.9 && before.xOf(edge) < Width);
        QVERIFY2(std::abs(after.xOf(edge) - before.xOf(edge)) < 0.5, qPrintable(QString::number(after.xOf(edge))));
    } else {
        QVERIFY(std::abs(after.timeAt(anchorX) - anchorTime) <= after.nsPerPx() * 0.01);
    }
}

void TestTimelineController::panMovesByPixelsAndStaysNearTheData_data()
{
    QTest::addColumn<double>("dx");
    QTest::addColumn<bool>("exact");
    QTest::newRow("a small pan inside the data moves by exactly its pixels") << -100.0 << true;
    QTest::newRow("a pan far past the start is held with data on screen") << 1e6 << false;
    QTest::newRow("a pan far past the end is held with data on screen") << -1e6 << false;
}

void TestTimelineController::panMovesByPixelsAndStaysNearTheData()
{
    QFETCH(double, dx);
    QFETCH(bool, exact);
    show(false);
    m_controller->zoomToRange(20 * Ms, 60 * Ms);
    const TimelineViewport before = m_controller->viewport();
    m_controller->panByPixels(dx);
    const TimelineViewport after = m_controller->viewport();
    if (exact) {
        QCOMPARE(after.startNs(), before.startNs() - dx * before.nsPerPx());
    } else {
        QVERIFY(after.endNs() > double(m_store->firstNs()));
        QVERIFY(after.startNs() < double(m_store->lastNs()));
    }
}

void TestTimelineController::pausedViewCountsWhatItMisses_data()
{
    QTest::addColumn<bool>("pause");
    QTest::addColumn<quint64>("behind");
    QTest::newRow("following, nothing is missed") << false << quint64(0);
    QTest::newRow("paused, every drained event is counted") << true << quint64(175);
}

void TestTimelineController::pausedViewCountsWhatItMisses()
{
    QFETCH(bool, pause);
    QFETCH(quint64, behind);
    show(true);
    if (pause)
        m_controller->setFollowLive(false);
    const TimelineViewport frozen = m_controller->viewport();
    m_controller->onFrame(100);
    m_controller->onFrame(75);
    QCOMPARE(m_controller->eventsBehind(), behind);
    if (pause) {
        QCOMPARE(m_controller->viewport(), frozen);
        m_controller->setFollowLive(true);
        QCOMPARE(m_controller->eventsBehind(), quint64(0));
    }
}

void TestTimelineController::followWindowHasAFloor()
{
    show(true);
    m_controller->setFollowWindowNs(10);
    QCOMPARE(m_controller->followWindowNs(), Controller::MinFollowWindowNs);
    m_controller->setFollowWindowNs(5 * Ms);
    QCOMPARE(m_controller->followWindowNs(), 5 * Ms);
    QVERIFY(std::abs(m_controller->viewport().rangeNs() - 5 * Ms) <= 1);
}

void TestTimelineController::zoomWhileFollowingSetsTheFollowWindow()
{
    show(true);
    const double before = m_controller->viewport().rangeNs();
    m_controller->zoomBy(4.0, 100);
    QVERIFY(m_controller->followsLive());
    const double after = m_controller->viewport().rangeNs();
    QVERIFY(std::abs(after - before / 4) <= before * 0.01);
    QVERIFY(std::abs(double(m_controller->followWindowNs()) - after) <= 1);
    // A frame later the view still follows at the new scale.
    m_controller->onFrame(10);
    QVERIFY(m_controller->followsLive());
    QVERIFY(std::abs(m_controller->viewport().rangeNs() - after) <= 1);
}

void TestTimelineController::catchingUpReturnsToTheFollowWindow()
{
    show(true);
    const qint64 window = m_controller->followWindowNs();
    // Pause, then zoom far in on some detail.
    m_controller->setFollowLive(false);
    m_controller->zoomToRange(10 * Ms, 10 * Ms + 20'000);
    QVERIFY(m_controller->viewport().rangeNs() < 1e6);
    m_controller->setFollowLive(true);
    QVERIFY(std::abs(m_controller->viewport().rangeNs() - double(window)) <= 1);
    QVERIFY(m_controller->viewport().endNs() >= double(m_controller->liveEdgeNs()));
}

void TestTimelineController::fitRun_data()
{
    QTest::addColumn<bool>("live");
    QTest::addColumn<qint64>("start");
    QTest::addColumn<qint64>("end");
    QTest::addColumn<bool>("follows");
    QTest::newRow("a finished run is shown whole, paused") << true << 10 * Ms << 30 * Ms << false;
    QTest::newRow("a run still going is followed from its start") << true << 10 * Ms << qint64(-1) << true;
    QTest::newRow("in a loaded trace a run is shown whole") << false << 5 * Ms << 50 * Ms << false;
}

void TestTimelineController::fitRun()
{
    QFETCH(bool, live);
    QFETCH(qint64, start);
    QFETCH(qint64, end);
    QFETCH(bool, follows);
    show(live);
    m_controller->fitRun(start, end);
    QCOMPARE(m_controller->followsLive(), follows);
    const TimelineViewport &v = m_controller->viewport();
    QVERIFY(v.startNs() <= double(start));
    if (end >= 0) {
        QVERIFY(v.endNs() >= double(end));
        // Whole, and not much more: the run fills most of the width.
        QVERIFY(double(end - start) / v.rangeNs() > 0.9);
    } else {
        QVERIFY(v.endNs() >= double(m_controller->liveEdgeNs()));
        QVERIFY(std::abs(double(m_controller->followWindowNs()) - v.rangeNs()) <= 1);
    }
}

void TestTimelineController::scrollsToALaneOnlyWhenItIsOutOfView_data()
{
    QTest::addColumn<int>("visibleHeight");
    QTest::addColumn<bool>("scrolls");
    QTest::newRow("a tall view shows the stream lane already") << 2000 << false;
    QTest::newRow("a short view scrolls down to it") << 60 << true;
}

void TestTimelineController::scrollsToALaneOnlyWhenItIsOutOfView()
{
    QFETCH(int, visibleHeight);
    QFETCH(bool, scrolls);
    show(false);
    const int y = m_controller->scrollYForLane(Stream, visibleHeight);
    QCOMPARE(y >= 0, scrolls);
    if (scrolls) {
        const TimelineRow &row = m_controller->layout().rows()[std::size_t(m_controller->layout().rowOfLane(Stream))];
        QCOMPARE(y, std::max(0, row.y - visibleHeight / 4));
    }
    QCOMPARE(m_controller->scrollYForLane(LaneId(999), visibleHeight), -1);
}

void TestTimelineController::rebuildsTheLayoutOnlyWhenStale()
{
    m_controller->setStore(m_store.get(), false);
    const quint64 version = m_controller->layoutVersion();
    QVERIFY(!m_controller->ensureLayout());
    QCOMPARE(m_controller->layoutVersion(), version);
    m_controller->invalidateLayout();
    QVERIFY(m_controller->ensureLayout());
    QCOMPARE(m_controller->layoutVersion(), version + 1);
    // A new lane makes the layout stale by itself.
    lane(*m_store, 50, LaneKind::Thread, "late thread");
    m_store->addSpan(50, 0, Ms, TraceNames::intern("work"));
    QVERIFY(m_controller->ensureLayout());
    QVERIFY(m_controller->layout().rowOfLane(50) >= 0);
}

QTEST_MAIN(TestTimelineController)
#include "tst_timelinecontroller.moc"
