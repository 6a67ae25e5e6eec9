// The timeline widget: painting at any zoom, hit-testing clicks, wheel zoom, drag, pause and
// follow-live, groups folding, alerts.
#include "ui/timelinepalette.h"
#include "ui/timelineview.h"

#include <QApplication>
#include <QContextMenuEvent>
#include <QImage>
#include <QMenu>
#include <QPainter>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>
#include <QWheelEvent>

#include "tests/ui/tracefixture.h"

using namespace Taskscope::Trace;
using namespace Taskscope::Ui;

using namespace TraceFixture;

class TestTimelineView final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void paintsAtAnyZoom_data();
    void paintsAtAnyZoom();
    void paintsEmptyAndNullStores();
    void clickSelectsSpan_data();
    void clickSelectsSpan();
    void clickOnNothingClearsSelection();
    void clickOnFoldedBlockSelectsASpanInside();
    void wheelZoomsAroundCursor_data();
    void wheelZoomsAroundCursor();
    void dragPansAndStopsFollowing();
    void pauseCountsWhatTheViewMissesAndCatchesUp();
    void clickOnGroupExpandsIt();
    void clickOnAlertBandNamesIt();
    void doubleClickZoomsToSpan();
    void keysZoomAndPan();
    void contextMenuPinsALaneAndHidesAGroup();

private:
    void showView(bool live = false);
    int countColour(const QImage &image, const QColor &colour) const;

    std::unique_ptr<TraceStore> m_store;
    std::unique_ptr<TimelineView> m_view;
};

void TestTimelineView::init()
{
    m_store = std::make_unique<TraceStore>();
    fill(*m_store);
    m_view = std::make_unique<TimelineView>();
    m_view->resize(1000, 640);
}

void TestTimelineView::cleanup()
{
    m_view.reset();
    m_store.reset();
}

void TestTimelineView::showView(bool live)
{
    m_view->setStore(m_store.get(), live);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    if (!live)
        m_view->zoomToRange(0, 60 * Ms);
    m_view->relayout();
}

int TestTimelineView::countColour(const QImage &image, const QColor &colour) const
{
    int n = 0;
    const QRgb want = colour.rgb();
    for (int y = 0; y < image.height(); ++y) {
        const QRgb *line = reinterpret_cast<const QRgb *>(image.constScanLine(y));
        for (int x = TimelineView::GutterWidth; x < image.width(); ++x)
            n += (line[x] & 0xffffff) == (want & 0xffffff);
    }
    return n;
}

void TestTimelineView::paintsAtAnyZoom_data()
{
    QTest::addColumn<double>("nsPerPx");
    QTest::addColumn<qint64>("centre");
    QTest::addColumn<bool>("expectRunning");
    QTest::newRow("1 ns per pixel at the coroutine's first run") << 1.0 << qint64(200) << true;
    QTest::newRow("1 ns per pixel inside the folded tiny spans") << 1.0 << 100 * Ms + 5'000 << false;
    QTest::newRow("10 µs per pixel at the start") << 1e4 << 3 * Ms << true;
    QTest::newRow("1 ms per pixel") << 1e6 << 50 * Ms << false;
    QTest::newRow("1 s per pixel") << 1e9 << 0ll << false;
    QTest::newRow("1 h per pixel") << 3600e9 << 0ll << false;
    QTest::newRow("1 h per pixel, a thousand hours on") << 3600e9 << 1000ll * 3600 * 1'000'000'000 << false;
}

void TestTimelineView::paintsAtAnyZoom()
{
    QFETCH(double, nsPerPx);
    QFETCH(qint64, centre);
    QFETCH(bool, expectRunning);
    m_view->setStore(m_store.get(), false);
    // zoomToRange adds 15 % each side: ask for the range that gives nsPerPx.
    const double width = double(m_view->viewport().width());
    const double range = nsPerPx * width / 1.3;
    m_view->zoomToRange(centre - qint64(range / 2), centre + qint64(range / 2));
    QVERIFY(std::abs(m_view->viewport().nsPerPx()
                     - std::clamp(nsPerPx, TimelineViewport::MinNsPerPx, TimelineViewport::MaxNsPerPx))
            <= nsPerPx * 0.01 + 1e-9);
    for (const bool dark : {false, true}) {
        QPalette palette;
        palette.setColor(QPalette::Window, dark ? QColor(0x20, 0x20, 0x20) : QColor(0xf0, 0xf0, 0xf0));
        m_view->setPalette(palette);
        QImage image(m_view->size(), QImage::Format_RGB32);
        image.fill(Qt::magenta);
        QPainter painter(&image);
        m_view->render(painter, image.size());
        painter.end();
        // Everything was painted over (no magenta left) ...
        QCOMPARE(countColour(image, Qt::magenta), 0);
        // ... and the running segment shows in running green when it is in view.
        if (expectRunning)
            QVERIFY(countColour(image, TimelinePalette::running()) > 20);
    }
}

void TestTimelineView::paintsEmptyAndNullStores()
{
    QImage image(800, 400, QImage::Format_RGB32);
    QPainter painter(&image);
    m_view->setStore(nullptr, false);
    m_view->render(painter, image.size());
    TraceStore empty;
    m_view->setStore(&empty, true);
    m_view->render(painter, image.size());
    m_view->onFrame(0);
    m_view->fitAll();
    m_view->render(painter, image.size());
    QVERIFY(!m_view->selection().valid);
}

void TestTimelineView::clickSelectsSpan_data()
{
    QTest::addColumn<LaneId>("lane");
    QTest::addColumn<int>("depth");
    QTest::addColumn<qint64>("at");
    QTest::addColumn<QString>("title");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("thread");
    QTest::addColumn<QString>("coroutine");
    QTest::addColumn<qint64>("start");
    QTest::addColumn<qint64>("duration");
    QTest::newRow("a span on the UI thread") << Ui << 0 << 20 * Ms << QStringLiteral("onTimer") << int(SpanKind::Span)
                                             << QStringLiteral("UI thread") << QString() << 10 * Ms << 20 * Ms;
    QTest::newRow("its nested child") << Ui << 1 << 15 * Ms << QStringLiteral("parse") << int(SpanKind::Span)
                                      << QStringLiteral("UI thread") << QString() << 12 * Ms << 8 * Ms;
    QTest::newRow("a suspended coroutine segment")
        << Coro << 0 << 10 * Ms << QStringLiteral("suspended: QTimer 20 ms") << int(SpanKind::CoroutineSuspended)
        << QString() << QStringLiteral("transcribe #1") << Ms / 2 << 25 * Ms - Ms / 2;
    QTest::newRow("a ready coroutine segment")
        << Coro << 0 << 26 * Ms << QStringLiteral("ready") << int(SpanKind::CoroutineReady) << QString()
        << QStringLiteral("transcribe #1") << 25 * Ms << 2 * Ms;
    QTest::newRow("the coroutine running on the worker, seen from the worker")
        << Worker << 1 << 28 * Ms << QStringLiteral("transcribe #1") << int(SpanKind::ThreadRunsCoroutine)
        << QStringLiteral("worker") << QStringLiteral("transcribe #1") << 27 * Ms << 3 * Ms;
    QTest::newRow("the same run, seen from the coroutine")
        << Coro << 0 << 28 * Ms << QStringLiteral("running") << int(SpanKind::CoroutineRunning)
        << QStringLiteral("worker") << QStringLiteral("transcribe #1") << 27 * Ms << 3 * Ms;
}

void TestTimelineView::clickSelectsSpan()
{
    QFETCH(LaneId, lane);
    QFETCH(int, depth);
    QFETCH(qint64, at);
    QFETCH(QString, title);
    QFETCH(int, kind);
    QFETCH(QString, thread);
    QFETCH(QString, coroutine);
    QFETCH(qint64, start);
    QFETCH(qint64, duration);
    showView();
    QSignalSpy spy(m_view.get(), &TimelineView::selectionChanged);
    const QPoint point = m_view->pointOf(lane, depth, at);
    QVERIFY(m_view->contentRect().contains(point));
    QTest::mouseClick(m_view.get(), Qt::LeftButton, {}, point);
    QCOMPARE(spy.count(), 1);
    const SpanSelection s = m_view->selection();
    QVERIFY(s.valid);
    QCOMPARE(s.lane, lane);
    QCOMPARE(s.depth, depth);
    QCOMPARE(s.title, title);
    QCOMPARE(int(s.kind), kind);
    QCOMPARE(s.threadName, thread);
    QCOMPARE(s.coroutineName, coroutine);
    QCOMPARE(s.startNs, start);
    QCOMPARE(s.durationNs(), duration);
}

void TestTimelineView::clickOnNothingClearsSelection()
{
    showView();
    QVERIFY(m_view->selectSpanAt(Ui, 0, 20 * Ms));
    QVERIFY(m_view->selection().valid);
    QSignalSpy spy(m_view.get(), &TimelineView::selectionChanged);
    // The worker's second depth at 10 ms holds nothing.
    QTest::mouseClick(m_view.get(), Qt::LeftButton, {}, m_view->pointOf(Worker, 1, 10 * Ms));
    QCOMPARE(spy.count(), 1);
    QVERIFY(!m_view->selection().valid);
}

void TestTimelineView::clickOnFoldedBlockSelectsASpanInside()
{
    showView();
    // At 60 ms across ~800 px the 10 µs "tiny" spans at 100..104 ms are off screen; show them folded.
    m_view->zoomToRange(0, 200 * Ms);
    QTest::mouseClick(m_view.get(), Qt::LeftButton, {}, m_view->pointOf(Ui, 0, 102 * Ms));
    const SpanSelection s = m_view->selection();
    QVERIFY(s.valid);
    QCOMPARE(s.title, QStringLiteral("tiny"));
    QVERIFY(s.startNs >= 100 * Ms && s.startNs < 104 * Ms);
}

void TestTimelineView::wheelZoomsAroundCursor_data()
{
    QTest::addColumn<int>("x");
    QTest::addColumn<int>("delta");
    QTest::addColumn<Qt::KeyboardModifiers>("modifiers");
    QTest::addColumn<double>("factor");
    QTest::newRow("one notch in near the left")
        << TimelineView::GutterWidth + 40 << 120 << Qt::KeyboardModifiers() << 1.25;
    QTest::newRow("one notch out near the right") << 900 << -120 << Qt::KeyboardModifiers() << 1 / 1.25;
    QTest::newRow("two notches in") << 600 << 240 << Qt::KeyboardModifiers() << 1.25 * 1.25;
    QTest::newRow("fine zoom with Ctrl") << 500 << 120 << Qt::KeyboardModifiers(Qt::ControlModifier) << 1.05;
}

void TestTimelineView::wheelZoomsAroundCursor()
{
    QFETCH(int, x);
    QFETCH(int, delta);
    QFETCH(Qt::KeyboardModifiers, modifiers);
    QFETCH(double, factor);
    showView();
    const TimelineViewport before = m_view->viewport();
    const double timeUnderCursor = before.timeAt(x - TimelineView::GutterWidth);
    const QPointF pos(x, 200);
    QWheelEvent wheel(pos, m_view->mapToGlobal(pos), QPoint(), QPoint(0, delta), Qt::NoButton, modifiers,
                      Qt::NoScrollPhase, false);
    QApplication::sendEvent(m_view.get(), &wheel);
    const TimelineViewport after = m_view->viewport();
    QVERIFY(std::abs(after.nsPerPx() - before.nsPerPx() / factor) < before.nsPerPx() * 1e-9);
    QVERIFY(std::abs(after.timeAt(x - TimelineView::GutterWidth) - timeUnderCursor) <= after.nsPerPx() * 0.01);
}

void TestTimelineView::dragPansAndStopsFollowing()
{
    showView(true);
    QVERIFY(m_view->followsLive());
    QSignalSpy follow(m_view.get(), &TimelineView::followLiveChanged);
    const double start = m_view->viewport().startNs();
    const double nsPerPx = m_view->viewport().nsPerPx();
    const QPoint from(600, 120);
    QTest::mousePress(m_view.get(), Qt::LeftButton, {}, from);
    QTest::mouseMove(m_view.get(), from + QPoint(40, 0));
    QTest::mouseMove(m_view.get(), from + QPoint(100, 0));
    QTest::mouseRelease(m_view.get(), Qt::LeftButton, {}, from + QPoint(100, 0));
    QVERIFY(!m_view->followsLive());
    QCOMPARE(follow.count(), 1);
    QCOMPARE(follow.at(0).at(0).toBool(), false);
    // Dragging right shows earlier times (the live view is younger than its window, so clamping
    // to the data may move it further).
    QVERIFY(m_view->viewport().startNs() < start);
    QVERIFY(!m_view->selection().valid); // a drag is not a click

    // Inside the data, a drag moves the view by exactly the dragged pixels.
    m_view->zoomToRange(20 * Ms, 60 * Ms);
    const double before = m_view->viewport().startNs();
    QTest::mousePress(m_view.get(), Qt::LeftButton, {}, from);
    QTest::mouseMove(m_view.get(), from + QPoint(-30, 0));
    QTest::mouseMove(m_view.get(), from + QPoint(-100, 0));
    QTest::mouseRelease(m_view.get(), Qt::LeftButton, {}, from + QPoint(-100, 0));
    QCOMPARE(m_view->viewport().startNs(), before + 100 * m_view->viewport().nsPerPx());
    Q_UNUSED(nsPerPx);
}

void TestTimelineView::pauseCountsWhatTheViewMissesAndCatchesUp()
{
    showView(true);
    QVERIFY(m_view->followsLive());
    QTest::keyClick(m_view.get(), Qt::Key_Space);
    QVERIFY(!m_view->followsLive());
    const TimelineViewport frozen = m_view->viewport();
    m_view->onFrame(100);
    m_view->onFrame(50);
    QCOMPARE(m_view->eventsBehind(), quint64(150));
    QCOMPARE(m_view->viewport(), frozen); // the view stays put while capture goes on
    QVERIFY(m_view->nsBehind() >= 0);
    QImage image(m_view->size(), QImage::Format_RGB32);
    QPainter painter(&image);
    m_view->render(painter, image.size());
    painter.end();
    QVERIFY(!m_view->badgeRect().isEmpty());
    QTest::mouseClick(m_view.get(), Qt::LeftButton, {}, m_view->badgeRect().center());
    QVERIFY(m_view->followsLive());
    QCOMPARE(m_view->eventsBehind(), quint64(0));
    // Following, frames keep the view at the live edge and count nothing.
    m_view->onFrame(10);
    QCOMPARE(m_view->eventsBehind(), quint64(0));
    QTest::keyClick(m_view.get(), Qt::Key_Space);
    QTest::keyClick(m_view.get(), Qt::Key_F);
    QVERIFY(m_view->followsLive());
}

void TestTimelineView::clickOnGroupExpandsIt()
{
    showView();
    const int rowsBefore = int(m_view->layout().rows().size());
    const int groupRow = m_view->layout().rowOfLane(GroupFirst);
    const TimelineRow &row = m_view->layout().rows()[std::size_t(groupRow)];
    QVERIFY(row.type == TimelineRow::Type::Group && row.collapsed);
    const QPoint inGutter(40, row.y - m_view->scrollY() + TimelineView::RulerHeight + 8);
    QTest::mouseClick(m_view.get(), Qt::LeftButton, {}, inGutter);
    QCOMPARE(int(m_view->layout().rows().size()), rowsBefore + GroupSize);
    QCOMPARE(m_view->layout().rows()[std::size_t(m_view->layout().rowOfLane(GroupFirst))].type,
             TimelineRow::Type::Lane);
}

void TestTimelineView::clickOnAlertBandNamesIt()
{
    showView();
    QSignalSpy spy(m_view.get(), &TimelineView::alertClicked);
    // 50 ms on the UI thread: no span there, inside alert 7's band.
    QTest::mouseClick(m_view.get(), Qt::LeftButton, {}, m_view->pointOf(Ui, 0, 50 * Ms));
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toUInt(), 7u);
}

void TestTimelineView::doubleClickZoomsToSpan()
{
    showView();
    QTest::mouseDClick(m_view.get(), Qt::LeftButton, {}, m_view->pointOf(Ui, 1, 15 * Ms));
    const TimelineViewport v = m_view->viewport();
    // "parse" [12, 20) ms fills the view, with margins.
    QVERIFY(v.startNs() < 12 * Ms && v.startNs() > 9 * Ms);
    QVERIFY(v.endNs() > 20 * Ms && v.endNs() < 23 * Ms);
}

void TestTimelineView::keysZoomAndPan()
{
    showView();
    const TimelineViewport before = m_view->viewport();
    QTest::keyClick(m_view.get(), Qt::Key_W);
    QVERIFY(m_view->viewport().nsPerPx() < before.nsPerPx());
    QTest::keyClick(m_view.get(), Qt::Key_S);
    QVERIFY(std::abs(m_view->viewport().nsPerPx() - before.nsPerPx()) < before.nsPerPx() * 1e-9);
    const double start = m_view->viewport().startNs();
    QTest::keyClick(m_view.get(), Qt::Key_D);
    QVERIFY(m_view->viewport().startNs() > start);
    QTest::keyClick(m_view.get(), Qt::Key_Home);
    QVERIFY(m_view->viewport().startNs() <= 0);
    QVERIFY(m_view->viewport().endNs() >= 104 * Ms);
}

namespace {

// Right-clicks `at` and triggers the menu's action whose text starts with `prefix`; returns the
// texts of the actions the menu offered.
QStringList rightClick(TimelineView *view, const QPoint &at, const QString &prefix)
{
    QStringList offered;
    QTimer::singleShot(0, view, [&] {
        auto *menu = qobject_cast<QMenu *>(QApplication::activePopupWidget());
        if (!menu)
            return;
        for (QAction *action : menu->actions()) {
            offered.append(action->text());
            if (action->text().startsWith(prefix))
                action->trigger();
        }
        menu->close();
    });
    QContextMenuEvent event(QContextMenuEvent::Mouse, at, view->mapToGlobal(at));
    QApplication::sendEvent(view, &event);
    return offered;
}

} // namespace

void TestTimelineView::contextMenuPinsALaneAndHidesAGroup()
{
    showView();
    const TimelineLayout &layout = m_view->layout();
    QVERIFY(layout.rowOfLane(Ui) < layout.rowOfLane(Worker));
    const QStringList laneMenu = rightClick(m_view.get(), m_view->pointOf(Worker, 0, 20 * Ms), QStringLiteral("Pin"));
    QCOMPARE(laneMenu, QStringList {QStringLiteral("Pin lane to the top")});
    QVERIFY(layout.isPinned(Worker));
    // Pinned: ahead of the UI thread, which otherwise always leads the threads.
    QVERIFY(layout.rowOfLane(Worker) < layout.rowOfLane(Ui));
    QVERIFY(layout.rows()[std::size_t(layout.rowOfLane(Worker))].pinned);
    // And unpinned again from the same menu.
    rightClick(m_view.get(), m_view->pointOf(Worker, 0, 20 * Ms), QStringLiteral("Unpin"));
    QVERIFY(!layout.isPinned(Worker));

    QSignalSpy hide(m_view.get(), &TimelineView::hideGroupRequested);
    const QStringList groupMenu = rightClick(m_view.get(), m_view->pointOf(GroupFirst, 0, 2 * Ms),
                                             QStringLiteral("Hide group"));
    QVERIFY2(groupMenu.contains(QStringLiteral("Hide group “fetchChunk”")), qPrintable(groupMenu.join(u'|')));
    QCOMPARE(hide.count(), 1);
    QCOMPARE(hide.first().first().toString(), QStringLiteral("Coroutines/fetchChunk"));
}

QTEST_MAIN(TestTimelineView)
#include "tst_timelineview.moc"
