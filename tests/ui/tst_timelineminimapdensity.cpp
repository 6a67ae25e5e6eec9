// The minimap's density model: busy shares per column, coroutines by running time, alert columns.
#include "model/trace/tracenames.h"
#include "model/trace/tracestore.h"
#include "ui/timeline/minimapdensity.h"

#include <QTest>

using namespace Taskscope::Trace;
using namespace Taskscope::Ui;

using Timeline::MinimapDensity;

namespace {

constexpr qint64 Ms = 1'000'000;

void addLane(TraceStore &store, LaneId id, LaneKind kind)
{
    LaneInfo info;
    info.id = id;
    info.kind = kind;
    info.name = TraceNames::intern(QStringLiteral("lane %1").arg(id));
    store.setLane(info);
}

const MinimapDensity::Band *band(const MinimapDensity &d, LaneKind kind)
{
    for (const MinimapDensity::Band &b : d.bands()) {
        if (b.kind == kind)
            return &b;
    }
    return nullptr;
}

} // namespace

class TestTimelineMinimapDensity final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void busyShares_data();
    void busyShares();
    void alertColumnsAreMarked();
    void manyLanesAreSampledNotAll();
    void emptyRangeGivesNothing();
};

void TestTimelineMinimapDensity::busyShares_data()
{
    QTest::addColumn<int>("pattern");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QList<double>>("expected"); // 10 columns over 100 ms
    QTest::newRow("a thread busy the first half reads busy then idle")
        << 0 << int(LaneKind::Thread) << QList<double> {1, 1, 1, 1, 1, 0, 0, 0, 0, 0};
    QTest::newRow("a coroutine suspended after 20 ms reads idle, not busy")
        << 1 << int(LaneKind::Coroutine) << QList<double> {1, 1, 0, 0, 0, 0, 0, 0, 0, 0};
    QTest::newRow("sub-column coroutine segments count by their running share")
        << 2 << int(LaneKind::Coroutine) << QList<double> {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1};
    QTest::newRow("two threads, one busy, read one half")
        << 3 << int(LaneKind::Thread) << QList<double> {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5};
}

void TestTimelineMinimapDensity::busyShares()
{
    QFETCH(int, pattern);
    QFETCH(int, kind);
    QFETCH(QList<double>, expected);
    TraceStore store;
    const NameId work = TraceNames::intern(u"work");
    switch (pattern) {
    case 0:
        addLane(store, 2, LaneKind::Thread);
        store.addSpan(2, 0, 50 * Ms, work);
        store.addSpan(2, 99 * Ms, 99 * Ms, work); // marks the end of the range, zero length
        break;
    case 1:
        addLane(store, 2, LaneKind::Coroutine);
        store.setCoroutineState(2, NoLane, 0, CoroutineState::Running, 0);
        store.setCoroutineState(2, NoLane, 20 * Ms, CoroutineState::Suspended, work);
        store.setCoroutineState(2, NoLane, 100 * Ms, CoroutineState::Finished, 0);
        break;
    case 2:
        // 1 µs running, 9 µs suspended, over and over: far below a column (10 ms).
        addLane(store, 2, LaneKind::Coroutine);
        for (qint64 t = 0; t < 100 * Ms; t += 10'000) {
            store.setCoroutineState(2, NoLane, t, CoroutineState::Running, 0);
            store.setCoroutineState(2, NoLane, t + 1000, CoroutineState::Suspended, work);
        }
        store.setCoroutineState(2, NoLane, 100 * Ms, CoroutineState::Finished, 0);
        break;
    case 3:
        addLane(store, 2, LaneKind::Thread);
        addLane(store, 3, LaneKind::Thread);
        store.addSpan(2, 0, 100 * Ms, work);
        store.addSpan(3, 0, 0, work);
        break;
    }
    MinimapDensity density;
    density.compute(store, 0, 100 * Ms, 10);
    const MinimapDensity::Band *b = band(density, LaneKind(kind));
    QVERIFY(b);
    QCOMPARE(int(b->busy.size()), 10);
    for (int c = 0; c < 10; ++c) {
        QVERIFY2(
            std::abs(b->busy[std::size_t(c)] - expected[c]) <= 0.03,
            qPrintable(
                QStringLiteral("column %1: %2, expected %3").arg(c).arg(b->busy[std::size_t(c)]).arg(expected[c])));
    }
    QVERIFY(b->peak >= *std::max_element(b->busy.begin(), b->busy.end()));
}

void TestTimelineMinimapDensity::alertColumnsAreMarked()
{
    TraceStore store;
    addLane(store, 1, LaneKind::Thread);
    store.addSpan(1, 0, 100 * Ms, TraceNames::intern(u"loop"));
    store.setAlert(1, 7, TraceNames::intern(u"hang"), 31 * Ms, 38 * Ms);
    MinimapDensity density;
    density.compute(store, 0, 100 * Ms, 10);
    QCOMPARE(int(density.alerts().size()), 10);
    QVERIFY(density.alerts()[3]);
    QVERIFY(!density.alerts()[2]);
    QVERIFY(!density.alerts()[4]);
    QVERIFY(!density.alerts()[9]);
}

void TestTimelineMinimapDensity::manyLanesAreSampledNotAll()
{
    TraceStore store;
    const NameId work = TraceNames::intern(u"work");
    for (LaneId id = 2; id < 202; ++id) {
        addLane(store, id, LaneKind::Stream);
        store.addSpan(id, 0, 100 * Ms, work);
    }
    MinimapDensity density;
    density.compute(store, 0, 100 * Ms, 50);
    const MinimapDensity::Band *b = band(density, LaneKind::Stream);
    QVERIFY(b);
    QCOMPARE(b->lanes, 200);
    for (const float v : b->busy)
        QVERIFY(std::abs(v - 1.0f) < 0.01f);
}

void TestTimelineMinimapDensity::emptyRangeGivesNothing()
{
    TraceStore store;
    addLane(store, 1, LaneKind::Thread);
    store.addSpan(1, 0, Ms, TraceNames::intern(u"x"));
    MinimapDensity density;
    density.compute(store, 5, 5, 10);
    QVERIFY(density.bands().empty());
    density.compute(store, 0, Ms, 0);
    QVERIFY(density.bands().empty());
}

QTEST_GUILESS_MAIN(TestTimelineMinimapDensity)
#include "tst_timelineminimapdensity.moc"
