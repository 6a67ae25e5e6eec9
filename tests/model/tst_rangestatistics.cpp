// Per-name statistics of the spans that start in a time range.
#include "model/rangestatistics.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracestore.h"

#include <QTest>

using namespace Taskscope::Model;
using namespace Taskscope::Trace;

namespace {

constexpr qint64 Ms = 1'000'000;

void addLane(TraceStore &store, LaneId id, LaneKind kind, const char *name)
{
    LaneInfo info;
    info.id = id;
    info.kind = kind;
    info.name = TraceNames::intern(name);
    store.setLane(info);
}

const RangeStatistics::Row *rowNamed(const RangeStatistics::Result &result, const QString &name)
{
    for (const RangeStatistics::Row &row : result.rows) {
        if (row.name == name)
            return &row;
    }
    return nullptr;
}

} // namespace

class TestRangeStatistics final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void quantile_data();
    void quantile();
    void countsSpansStartingInTheRange_data();
    void countsSpansStartingInTheRange();
    void histogramOfAName();
    void coroutineStatesAreNamedAndNotCountedTwice();
    void capIsReported();
    void emptyRange();
};

void TestRangeStatistics::quantile_data()
{
    QTest::addColumn<QList<qint64>>("values");
    QTest::addColumn<double>("q");
    QTest::addColumn<qint64>("expected");
    QTest::newRow("median of one") << QList<qint64> {7} << 0.5 << qint64(7);
    QTest::newRow("median of four is the second (nearest rank)") << QList<qint64> {1, 2, 3, 4} << 0.5 << qint64(2);
    QTest::newRow("p99 of a hundred is the 99th") << [] {
        QList<qint64> v;
        for (int i = 1; i <= 100; ++i)
            v.append(i);
        return v;
    }() << 0.99 << qint64(99);
    QTest::newRow("p99 of ten is the largest") << QList<qint64> {1, 2, 3, 4, 5, 6, 7, 8, 9, 10} << 0.99 << qint64(10);
    QTest::newRow("nothing gives zero") << QList<qint64> {} << 0.5 << qint64(0);
}

void TestRangeStatistics::quantile()
{
    QFETCH(QList<qint64>, values);
    QFETCH(double, q);
    QFETCH(qint64, expected);
    const std::vector<qint64> sorted(values.begin(), values.end());
    QCOMPARE(RangeStatistics::quantile(sorted, q), expected);
}

void TestRangeStatistics::countsSpansStartingInTheRange_data()
{
    QTest::addColumn<qint64>("from");
    QTest::addColumn<qint64>("to");
    QTest::addColumn<quint64>("decodes");
    QTest::addColumn<qint64>("decodeTotal");
    QTest::addColumn<qint64>("decodeMax");
    // Ten "decode" spans of (i + 1) ms starting every 10 ms on one lane, one "send" on another.
    QTest::newRow("everything") << qint64(0) << 200 * Ms << quint64(10) << 55 * Ms << 10 * Ms;
    QTest::newRow("the first half") << qint64(0) << 50 * Ms << quint64(5) << 15 * Ms << 5 * Ms;
    QTest::newRow("a span that started before the range is not counted")
        << 5 * Ms << 25 * Ms << quint64(2) << 5 * Ms << 3 * Ms;
}

void TestRangeStatistics::countsSpansStartingInTheRange()
{
    QFETCH(qint64, from);
    QFETCH(qint64, to);
    QFETCH(quint64, decodes);
    QFETCH(qint64, decodeTotal);
    QFETCH(qint64, decodeMax);
    TraceStore store;
    addLane(store, 1, LaneKind::Thread, "UI thread");
    addLane(store, 2, LaneKind::Thread, "worker");
    for (int i = 0; i < 10; ++i)
        store.addSpan(1, i * 10 * Ms, i * 10 * Ms + (i + 1) * Ms, TraceNames::intern("decode"));
    store.addSpan(2, 1 * Ms, 3 * Ms, TraceNames::intern("send"));
    const LaneId lanes[] = {1, 2};
    const RangeStatistics::Result result = RangeStatistics::compute(store, lanes, from, to);
    const RangeStatistics::Row *decode = rowNamed(result, QStringLiteral("decode"));
    QVERIFY(decode);
    QCOMPARE(decode->count, decodes);
    QCOMPARE(decode->totalNs, decodeTotal);
    QCOMPARE(decode->maxNs, decodeMax);
    QVERIFY(decode->p50Ns <= decode->p99Ns);
    QVERIFY(decode->minNs <= decode->p50Ns);
    QCOMPARE(decode->lanes, 1);
    QCOMPARE(decode->histogram.total(), decodes);
    QVERIFY(!result.truncated);
    // Rows come largest total first.
    for (std::size_t i = 1; i < result.rows.size(); ++i)
        QVERIFY(result.rows[i - 1].totalNs >= result.rows[i].totalNs);
}

void TestRangeStatistics::histogramOfAName()
{
    // Spans of 1, 2, …, 10 ms: one in [1, 2 ms), three in [2, 5 ms), five in [5, 10 ms), one at 10 ms.
    TraceStore store;
    addLane(store, 1, LaneKind::Thread, "UI thread");
    for (int i = 0; i < 10; ++i)
        store.addSpan(1, i * 20 * Ms, i * 20 * Ms + (i + 1) * Ms, TraceNames::intern("decode"));
    const LaneId lanes[] = {1};
    const RangeStatistics::Result result = RangeStatistics::compute(store, lanes, 0, 400 * Ms);
    const RangeStatistics::Row *decode = rowNamed(result, QStringLiteral("decode"));
    QVERIFY(decode);
    QList<qint64> lows;
    QList<quint64> counts;
    for (const DurationHistogram::Bucket &b : decode->histogram.buckets()) {
        lows.append(b.lowNs);
        counts.append(b.count);
    }
    QCOMPARE(lows, (QList<qint64> {1 * Ms, 2 * Ms, 5 * Ms, 10 * Ms}));
    QCOMPARE(counts, (QList<quint64> {1, 3, 5, 1}));
}

void TestRangeStatistics::coroutineStatesAreNamedAndNotCountedTwice()
{
    TraceStore store;
    addLane(store, 1, LaneKind::Thread, "UI thread");
    addLane(store, 2, LaneKind::Coroutine, "transcribe");
    const NameId timer = TraceNames::intern("QTimer 20 ms");
    for (int i = 0; i < 4; ++i) {
        const qint64 t = i * 30 * Ms;
        store.setCoroutineState(2, 1, t, CoroutineState::Running, 0);
        store.setCoroutineState(2, NoLane, t + 1 * Ms, CoroutineState::Suspended, timer);
        store.setCoroutineState(2, NoLane, t + 21 * Ms, CoroutineState::Ready, 0);
    }
    store.setCoroutineState(2, NoLane, 120 * Ms, CoroutineState::Finished, 0);
    const LaneId lanes[] = {1, 2};
    const RangeStatistics::Result result = RangeStatistics::compute(store, lanes, 0, 200 * Ms);
    const RangeStatistics::Row *suspended = rowNamed(result, QStringLiteral("suspended: QTimer 20 ms"));
    QVERIFY(suspended);
    QCOMPARE(suspended->count, quint64(4));
    QCOMPARE(suspended->p50Ns, 20 * Ms);
    const RangeStatistics::Row *running = rowNamed(result, QStringLiteral("coroutine running"));
    QVERIFY(running);
    // Running segments are also drawn on the UI thread's lane; they count once.
    QCOMPARE(running->count, quint64(4));
    QVERIFY(rowNamed(result, QStringLiteral("coroutine ready (waiting for its event loop)")));
    QCOMPARE(result.rows.front().name, QStringLiteral("suspended: QTimer 20 ms"));
}

void TestRangeStatistics::capIsReported()
{
    TraceStore store;
    addLane(store, 1, LaneKind::Thread, "UI thread");
    for (int i = 0; i < 100; ++i)
        store.addSpan(1, i * Ms, i * Ms + 1000, TraceNames::intern("tick"));
    const LaneId lanes[] = {1};
    const RangeStatistics::Result result = RangeStatistics::compute(store, lanes, 0, 200 * Ms, 10);
    QVERIFY(result.truncated);
    QCOMPARE(result.spans, quint64(10));
    QCOMPARE(result.rows.front().count, quint64(10));
}

void TestRangeStatistics::emptyRange()
{
    TraceStore store;
    addLane(store, 1, LaneKind::Thread, "UI thread");
    store.addSpan(1, 0, Ms, TraceNames::intern("tick"));
    const LaneId lanes[] = {1};
    const RangeStatistics::Result result = RangeStatistics::compute(store, lanes, 5 * Ms, 5 * Ms);
    QVERIFY(result.rows.empty());
    QCOMPARE(result.spans, quint64(0));
}

QTEST_GUILESS_MAIN(TestRangeStatistics)
#include "tst_rangestatistics.moc"
