// The minimap over the timeline: it spans the session, dragging its rectangle moves the timeline's
// view (and stops following live), a click elsewhere centres the view there, a double-click follows
// live again.
#include "model/trace/traceclock.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracestore.h"
#include "ui/timeline/minimap.h"
#include "ui/timelinepane.h"
#include "ui/timelineview.h"

#include <QTest>

using namespace Taskscope::Trace;
using namespace Taskscope::Ui;

namespace {

constexpr qint64 S = 1'000'000'000;

// Ten seconds of work on one thread from a second ahead of the trace clock (which counts from
// process start), shown as live: the live edge is then its last event.
qint64 fill(TraceStore &store)
{
    LaneInfo info;
    info.id = 2;
    info.kind = LaneKind::Thread;
    info.name = TraceNames::intern(u"worker");
    store.setLane(info);
    const qint64 base = TraceClock::nowNs() + S;
    const NameId work = TraceNames::intern(u"work");
    for (qint64 t = base; t < base + 10 * S; t += 10'000'000)
        store.addSpan(2, t, t + 5'000'000, work);
    return base;
}

} // namespace

class TestTimelineMinimap final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void draggingTheRectangleMovesTheView();
    void clickingElsewhereCentresTheView();
    void doubleClickFollowsLiveAgain();
};

void TestTimelineMinimap::draggingTheRectangleMovesTheView()
{
    TraceStore store;
    const qint64 base = fill(store);
    TimelinePane pane;
    pane.resize(1100, 500);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    pane.setStore(&store, true);
    pane.timeline()->showRange(base + 1 * S, base + 2 * S);
    QVERIFY(!pane.timeline()->followsLive());
    Timeline::Minimap *minimap = pane.minimap();
    minimap->repaint(); // builds the density and the session range
    QVERIFY(minimap->sessionStartNs() <= base);
    QVERIFY(minimap->sessionEndNs() >= base + 9 * S);
    QVERIFY(minimap->rebuilds() >= 1);

    const QRectF before = minimap->viewRect();
    const double startBefore = pane.timeline()->viewport().startNs();
    const double rangeBefore = pane.timeline()->viewport().rangeNs();
    const QPoint from = before.center().toPoint();
    const QPoint to = from + QPoint(300, 0);
    QTest::mousePress(minimap, Qt::LeftButton, {}, from);
    QTest::mouseMove(minimap, from + QPoint(150, 0));
    QTest::mouseMove(minimap, to);
    QTest::mouseRelease(minimap, Qt::LeftButton, {}, to);

    // 300 px of a strip that spans about ten seconds is a few seconds later; the width is kept.
    const double moved = pane.timeline()->viewport().startNs() - startBefore;
    const double expected = 300.0 / (minimap->width() - TimelineView::GutterWidth)
        * double(minimap->sessionEndNs() - minimap->sessionStartNs());
    QVERIFY2(std::abs(moved - expected) < 0.05 * expected,
             qPrintable(QStringLiteral("moved %1 ns, expected %2").arg(moved).arg(expected)));
    QVERIFY(std::abs(pane.timeline()->viewport().rangeNs() - rangeBefore) < rangeBefore * 0.01);
    QVERIFY(!pane.timeline()->followsLive());
    QVERIFY(minimap->viewRect().left() > before.left() + 250);
}

void TestTimelineMinimap::clickingElsewhereCentresTheView()
{
    TraceStore store;
    const qint64 base = fill(store);
    TimelinePane pane;
    pane.resize(1100, 500);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    pane.setStore(&store, true);
    pane.timeline()->showRange(base + 1 * S, base + 2 * S);
    Timeline::Minimap *minimap = pane.minimap();
    minimap->repaint();
    // Three quarters of the way along the strip.
    const int strip = minimap->width() - TimelineView::GutterWidth;
    const int x = TimelineView::GutterWidth + strip * 3 / 4;
    QTest::mouseClick(minimap, Qt::LeftButton, {}, QPoint(x, minimap->height() / 2));
    const TimelineViewport &v = pane.timeline()->viewport();
    const double centre = v.startNs() + v.rangeNs() / 2;
    const double wanted = double(minimap->sessionStartNs())
        + 0.75 * double(minimap->sessionEndNs() - minimap->sessionStartNs());
    QVERIFY2(std::abs(centre - wanted) < 0.2 * S, qPrintable(QString::number((centre - wanted) / 1e9)));
}

void TestTimelineMinimap::doubleClickFollowsLiveAgain()
{
    TraceStore store;
    const qint64 base = fill(store);
    TimelinePane pane;
    pane.resize(1100, 500);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    pane.setStore(&store, true);
    pane.timeline()->showRange(base + 1 * S, base + 2 * S);
    QVERIFY(!pane.timeline()->followsLive());
    QTest::mouseDClick(pane.minimap(), Qt::LeftButton, {},
                       QPoint(TimelineView::GutterWidth + 20, pane.minimap()->height() / 2));
    QVERIFY(pane.timeline()->followsLive());
}

QTEST_MAIN(TestTimelineMinimap)
#include "tst_timelineminimap.moc"
