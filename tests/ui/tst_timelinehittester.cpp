// Hit-testing the timeline: which span, alert band or gutter row is under a point, with the few
// pixels of tolerance narrow spans get.
#include "ui/timeline/controller.h"
#include "ui/timeline/geometry.h"
#include "ui/timeline/hittester.h"

#include <QTest>

#include "tests/ui/tracefixture.h"

using namespace Taskscope::Trace;
using namespace Taskscope::Ui;

using namespace TraceFixture;
using Timeline::Controller;
using Timeline::HitTester;

class TestTimelineHitTester final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void spanAt_data();
    void spanAt();
    void nothingIsHitOutsideTheContent_data();
    void nothingIsHitOutsideTheContent();
    void alertAt_data();
    void alertAt();
    void gutterRowAt_data();
    void gutterRowAt();

private:
    std::unique_ptr<TraceStore> m_store;
    std::unique_ptr<Controller> m_controller;
};

void TestTimelineHitTester::init()
{
    m_controller.reset();
    m_store = std::make_unique<TraceStore>();
    fill(*m_store);
    m_controller = std::make_unique<Controller>();
    m_controller->setStore(m_store.get(), false);
    m_controller->setContentWidth(784);
    m_controller->resetView();
    m_controller->zoomToRange(0, 60 * Ms); // about 100 µs per pixel
}

void TestTimelineHitTester::spanAt_data()
{
    QTest::addColumn<LaneId>("lane");
    QTest::addColumn<int>("depth");
    QTest::addColumn<qint64>("at");
    QTest::addColumn<int>("dx");
    QTest::addColumn<QString>("name"); // empty: no span
    QTest::newRow("the middle of a span") << Ui << 0 << 20 * Ms << 0 << QStringLiteral("onTimer");
    QTest::newRow("a nested span") << Ui << 1 << 15 * Ms << 0 << QStringLiteral("parse");
    QTest::newRow("two pixels past a span's end is within the tolerance")
        << Ui << 1 << 20 * Ms << 2 << QStringLiteral("parse");
    QTest::newRow("ten pixels past a span's end is not") << Ui << 1 << 20 * Ms << 10 << QString();
    QTest::newRow("a coroutine's suspended segment, named by what it awaits")
        << Coro << 0 << 10 * Ms << 0 << QStringLiteral("QTimer 20 ms");
    QTest::newRow("a coroutine run seen from the thread that ran it")
        << Worker << 1 << 28 * Ms << 0 << QStringLiteral("transcribe #1");
    QTest::newRow("a depth with nothing at that time") << Worker << 1 << 10 * Ms << 0 << QString();
}

void TestTimelineHitTester::spanAt()
{
    QFETCH(LaneId, lane);
    QFETCH(int, depth);
    QFETCH(qint64, at);
    QFETCH(int, dx);
    QFETCH(QString, name);
    const HitTester hits(*m_controller);
    const Timeline::SpanHit hit = hits.spanAt(m_controller->pointOf(lane, depth, at) + QPoint(dx, 0));
    QCOMPARE(hit.found, !name.isEmpty());
    if (hit.found) {
        QCOMPARE(hit.lane, lane);
        QCOMPARE(hit.depth, depth);
        QCOMPARE(TraceNames::name(hit.item.name), name);
    }
}

void TestTimelineHitTester::nothingIsHitOutsideTheContent_data()
{
    QTest::addColumn<bool>("inGutter"); // else in the ruler
    QTest::newRow("in the gutter, level with a span") << true;
    QTest::newRow("in the ruler, above a span") << false;
}

void TestTimelineHitTester::nothingIsHitOutsideTheContent()
{
    QFETCH(bool, inGutter);
    const QPoint onSpan = m_controller->pointOf(Ui, 0, 20 * Ms);
    QVERIFY(HitTester(*m_controller).spanAt(onSpan).found);
    const QPoint at = inGutter ? QPoint(Timeline::GutterWidth - 20, onSpan.y())
                               : QPoint(onSpan.x(), Timeline::RulerHeight - 4);
    QVERIFY(!HitTester(*m_controller).spanAt(at).found);
}

void TestTimelineHitTester::alertAt_data()
{
    QTest::addColumn<LaneId>("lane"); // NoLane: in the ruler
    QTest::addColumn<qint64>("at");
    QTest::addColumn<quint32>("alert");
    QTest::newRow("inside the band, on the lane that hung") << Ui << 50 * Ms << 7u;
    QTest::newRow("inside the band, in the ruler") << NoLane << 50 * Ms << 7u;
    QTest::newRow("inside the band's time, on another lane") << Worker << 55 * Ms << 0u;
    QTest::newRow("before the band, on the lane that hung") << Ui << 35 * Ms << 0u;
}

void TestTimelineHitTester::alertAt()
{
    QFETCH(LaneId, lane);
    QFETCH(qint64, at);
    QFETCH(quint32, alert);
    QPoint pos = m_controller->pointOf(lane == NoLane ? Ui : lane, 0, at);
    if (lane == NoLane)
        pos.setY(Timeline::RulerHeight / 2);
    QCOMPARE(HitTester(*m_controller).alertAt(pos), alert);
}

void TestTimelineHitTester::gutterRowAt_data()
{
    QTest::addColumn<int>("x");
    QTest::addColumn<bool>("hits");
    QTest::newRow("on the label") << 40 << true;
    QTest::newRow("right of the gutter") << Timeline::GutterWidth + 10 << false;
}

void TestTimelineHitTester::gutterRowAt()
{
    QFETCH(int, x);
    QFETCH(bool, hits);
    const int row = m_controller->layout().rowOfLane(Stream);
    const QPoint pos(x, m_controller->pointOf(Stream, 0, 0).y());
    QCOMPARE(HitTester(*m_controller).gutterRowAt(pos), hits ? row : -1);
    QCOMPARE(HitTester(*m_controller).gutterRowAt(QPoint(x, Timeline::RulerHeight - 1)), -1);
}

QTEST_MAIN(TestTimelineHitTester)
#include "tst_timelinehittester.moc"
