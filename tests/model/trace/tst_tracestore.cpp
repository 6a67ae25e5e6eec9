#include "model/trace/tracenames.h"
#include "model/trace/tracestore.h"

#include <QTest>

#include <limits>
#include <random>

using namespace Taskscope::Trace;

namespace {

constexpr qint64 Min = std::numeric_limits<qint64>::min() / 4;
constexpr qint64 Max = std::numeric_limits<qint64>::max() / 4;

LaneInfo makeLane(LaneId id, LaneKind kind = LaneKind::Stream)
{
    LaneInfo info;
    info.id = id;
    info.kind = kind;
    info.name = TraceNames::intern(QStringLiteral("lane %1").arg(id));
    return info;
}

quint64 foldedCount(const std::vector<SpanItem> &items)
{
    quint64 n = 0;
    for (const SpanItem &item : items)
        n += item.count;
    return n;
}

// At most `perColumn` items may start in any pixel column of any depth.
bool itemsPerColumnAtMost(const std::vector<SpanItem> &items, qint64 t0, double nsPerPx, int perColumn)
{
    QHash<QPair<int, qint64>, int> perCell;
    for (const SpanItem &item : items) {
        const qint64 column = qint64(double(std::max(item.startNs, t0) - t0) / nsPerPx);
        if (++perCell[qMakePair(int(item.depth), column)] > perColumn)
            return false;
    }
    return true;
}

// One run of `spans` 1 ms spans from startNs on lane 1, fed in batches like the live drain.
void feedRun(TraceStore &store, quint64 id, qint64 startNs, int spans)
{
    const NameId n = TraceNames::intern(u"work");
    store.beginRun(id, startNs);
    for (int i = 0; i < spans; ++i) {
        const qint64 t = startNs + qint64(i) * 1'000'000;
        store.addSpan(1, t, t + 500'000, n);
        if (i % 100 == 99)
            store.afterIngest();
    }
    store.endRun(id, startNs + qint64(spans) * 1'000'000);
    store.afterIngest();
}

} // namespace

class TestTraceStore : public QObject
{
    Q_OBJECT

private slots:
    void emptyStoreAnswersNothing();
    void oneSpanInsideAndOutsideTheWindow_data();
    void oneSpanInsideAndOutsideTheWindow();
    void nestedSpansTakeDepths();
    void subPixelFloodIsFoldedWithCounts_data();
    void subPixelFloodIsFoldedWithCounts();
    void wideSpanAmongTinyOnesStaysVisible();
    void coroutineFoldsCarryStateShares_data();
    void coroutineFoldsCarryStateShares();
    void hitTestFindsTheSpanUnderTheCursor();
    void interleavedWritersNeverOverlapOnADepth();
    void retentionDropsOldDataAndCountsIt();
    void openSpansSurviveRetention();
    void capacityBoundsTheStore();
    void retentionKeepsWholeRuns_data();
    void retentionKeepsWholeRuns();
    void alertsGoWithTheirRun();
    void instantsMergePerPixelColumn();
    void countersGiveMinMaxPerColumn();
    void alertBandsOpenAndClose();
    void coroutineOnANewThreadLaneClosesItsMirror();
    void spanIsThirtyTwoBytes();
};

void TestTraceStore::emptyStoreAnswersNothing()
{
    TraceStore store;
    std::vector<SpanItem> items;
    store.querySpans(1, 0, 1000, 1.0, items);
    QVERIFY(items.empty());
    QCOMPARE(store.spanAt(1, 0, 10), nullptr);
    std::vector<InstantItem> instants;
    store.queryInstants(1, 0, 1000, 1.0, instants);
    QVERIFY(instants.empty());
    QCOMPARE(store.itemCount(), quint64(0));
}

void TestTraceStore::oneSpanInsideAndOutsideTheWindow_data()
{
    QTest::addColumn<qint64>("t0");
    QTest::addColumn<qint64>("t1");
    QTest::addColumn<int>("expected");
    // The span covers [1000, 2000).
    QTest::newRow("window covers it") << qint64(0) << qint64(5000) << 1;
    QTest::newRow("window inside it") << qint64(1200) << qint64(1300) << 1;
    QTest::newRow("window overlaps its start") << qint64(500) << qint64(1001) << 1;
    QTest::newRow("window overlaps its end") << qint64(1999) << qint64(3000) << 1;
    QTest::newRow("window entirely before") << qint64(0) << qint64(1000) << 0;
    QTest::newRow("window entirely after") << qint64(2000) << qint64(9000) << 0;
    QTest::newRow("empty window") << qint64(1500) << qint64(1500) << 0;
}

void TestTraceStore::oneSpanInsideAndOutsideTheWindow()
{
    QFETCH(qint64, t0);
    QFETCH(qint64, t1);
    QFETCH(int, expected);
    TraceStore store;
    store.setLane(makeLane(1));
    store.addSpan(1, 1000, 2000, TraceNames::intern(u"only"));
    std::vector<SpanItem> items;
    store.querySpans(1, t0, t1, double(std::max<qint64>(1, t1 - t0)) / 100.0, items, 0.0);
    QCOMPARE(int(items.size()), expected);
    if (expected) {
        QCOMPARE(items[0].startNs, qint64(1000));
        QCOMPARE(items[0].endNs, qint64(2000));
        QCOMPARE(items[0].count, 1u);
    }
}

void TestTraceStore::nestedSpansTakeDepths()
{
    TraceStore store;
    store.setLane(makeLane(1));
    const NameId a = TraceNames::intern(u"a"), b = TraceNames::intern(u"b"), c = TraceNames::intern(u"c");
    store.beginSpan(1, 0, a);
    store.beginSpan(1, 10, b);
    store.beginSpan(1, 20, c);
    store.endSpan(1, 30, c);
    store.endSpan(1, 40, b);
    store.beginSpan(1, 50, b);
    store.endSpan(1, 60, b);
    store.endSpan(1, 100, a);
    QCOMPARE(store.depthCount(1), 3);
    std::vector<SpanItem> items;
    store.querySpans(1, 0, 100, 0.1, items, 0.0);
    QCOMPARE(items.size(), std::size_t(4));
    int perDepth[3] = {0, 0, 0};
    for (const SpanItem &item : items)
        ++perDepth[item.depth];
    QCOMPARE(perDepth[0], 1);
    QCOMPARE(perDepth[1], 2);
    QCOMPARE(perDepth[2], 1);
}

void TestTraceStore::subPixelFloodIsFoldedWithCounts_data()
{
    QTest::addColumn<int>("spans");
    QTest::addColumn<qint64>("spanNs");
    QTest::addColumn<qint64>("gapNs");
    QTest::addColumn<int>("widthPx");
    QTest::newRow("100k touching 10 ns spans in 100 px") << 100'000 << qint64(10) << qint64(0) << 100;
    QTest::newRow("100k spaced spans in 1,600 px") << 100'000 << qint64(5) << qint64(20) << 1600;
    QTest::newRow("1k spans in 1 px") << 1000 << qint64(1) << qint64(1) << 1;
}

void TestTraceStore::subPixelFloodIsFoldedWithCounts()
{
    QFETCH(int, spans);
    QFETCH(qint64, spanNs);
    QFETCH(qint64, gapNs);
    QFETCH(int, widthPx);
    TraceStore store;
    store.setLane(makeLane(1));
    const NameId tiny = TraceNames::intern(u"tiny");
    qint64 t = 0;
    for (int i = 0; i < spans; ++i) {
        store.addSpan(1, t, t + spanNs, tiny);
        t += spanNs + gapNs;
    }
    const double nsPerPx = double(t) / widthPx;
    std::vector<SpanItem> items;
    store.querySpans(1, 0, t, nsPerPx, items, 1.0);
    QCOMPARE(foldedCount(items), quint64(spans));
    QVERIFY2(items.size() <= std::size_t(widthPx) * 2, qPrintable(QString::number(items.size())));
    QVERIFY(itemsPerColumnAtMost(items, 0, nsPerPx, 3));
}

void TestTraceStore::coroutineFoldsCarryStateShares_data()
{
    QTest::addColumn<qint64>("runningNs");
    QTest::addColumn<qint64>("suspendedNs");
    QTest::addColumn<qint64>("readyNs");
    QTest::addColumn<int>("dominant");
    // Each cycle: running, suspended, ready; the fold starts with whatever comes first, which must
    // not decide its colour.
    QTest::newRow("mostly suspended, a sliver of ready")
        << qint64(1'000) << qint64(18'000) << qint64(1'000) << int(SpanKind::CoroutineSuspended);
    QTest::newRow("mostly running") << qint64(15'000) << qint64(3'000) << qint64(2'000)
                                    << int(SpanKind::CoroutineRunning);
    QTest::newRow("mostly ready (a starved event loop)")
        << qint64(1'000) << qint64(4'000) << qint64(15'000) << int(SpanKind::CoroutineReady);
}

void TestTraceStore::coroutineFoldsCarryStateShares()
{
    QFETCH(qint64, runningNs);
    QFETCH(qint64, suspendedNs);
    QFETCH(qint64, readyNs);
    QFETCH(int, dominant);
    TraceStore store;
    LaneInfo coro = makeLane(2);
    coro.kind = LaneKind::Coroutine;
    store.setLane(makeLane(1));
    store.setLane(coro);
    qint64 t = 0;
    // Start with a ready segment, as a fold after a resumed coroutine does.
    store.setCoroutineState(2, NoLane, t, CoroutineState::Ready, 0);
    t += readyNs;
    for (int i = 0; i < 400; ++i) {
        store.setCoroutineState(2, 1, t, CoroutineState::Running, 0);
        t += runningNs;
        store.setCoroutineState(2, NoLane, t, CoroutineState::Suspended, 0);
        t += suspendedNs;
        store.setCoroutineState(2, NoLane, t, CoroutineState::Ready, 0);
        t += readyNs;
    }
    store.setCoroutineState(2, NoLane, t, CoroutineState::Finished, 0);
    // 20 cycles per pixel: everything folds.
    const double nsPerPx = double(runningNs + suspendedNs + readyNs) * 20;
    std::vector<SpanItem> items;
    store.querySpans(2, 0, t, nsPerPx, items, 1.0);
    QVERIFY(!items.empty());
    const double total = double(runningNs + suspendedNs + readyNs);
    int folds = 0;
    for (const SpanItem &item : items) {
        if (item.kind != SpanKind::Folded || item.count < 6)
            continue;
        ++folds;
        QVERIFY(item.hasStateShares());
        QCOMPARE(int(item.foldedKind), dominant);
        QCOMPARE(item.runningShare + item.suspendedShare + item.readyShare, SpanItem::ShareScale);
        // Within a few percent of the true shares (a fold's edges cut cycles).
        QVERIFY(qAbs(item.suspendedShare / 255.0 - suspendedNs / total) < 0.08);
        QVERIFY(qAbs(item.runningShare / 255.0 - runningNs / total) < 0.08);
    }
    QVERIFY(folds > 10);
}

void TestTraceStore::wideSpanAmongTinyOnesStaysVisible()
{
    TraceStore store;
    store.setLane(makeLane(1));
    const NameId tiny = TraceNames::intern(u"tiny"), wide = TraceNames::intern(u"wide");
    qint64 t = 0;
    for (int i = 0; i < 1000; ++i, t += 10)
        store.addSpan(1, t, t + 5, tiny);
    store.addSpan(1, t, t + 50'000, wide);
    t += 50'000;
    for (int i = 0; i < 1000; ++i, t += 10)
        store.addSpan(1, t, t + 5, tiny);
    std::vector<SpanItem> items;
    store.querySpans(1, 0, t, double(t) / 100.0, items, 1.0);
    bool sawWide = false;
    for (const SpanItem &item : items)
        sawWide = sawWide || (item.name == wide && item.count == 1 && item.kind == SpanKind::Span);
    QVERIFY(sawWide);
    QCOMPARE(foldedCount(items), quint64(2001));
}

void TestTraceStore::hitTestFindsTheSpanUnderTheCursor()
{
    TraceStore store;
    store.setLane(makeLane(1));
    const NameId a = TraceNames::intern(u"a"), b = TraceNames::intern(u"b");
    store.addSpan(1, 100, 200, a);
    store.addSpan(1, 300, 400, b);
    QCOMPARE(store.spanAt(1, 0, 150)->name, a);
    QCOMPARE(store.spanAt(1, 0, 350)->name, b);
    QCOMPARE(store.spanAt(1, 0, 250), nullptr);
    QCOMPARE(store.spanAt(1, 0, 205, 10)->name, a);
    QCOMPARE(store.spanAt(1, 1, 150), nullptr);
    QCOMPARE(store.spanAt(2, 0, 150), nullptr);
}

void TestTraceStore::interleavedWritersNeverOverlapOnADepth()
{
    // Two coroutines writing one stream lane end their spans out of LIFO order.
    TraceStore store;
    store.setLane(makeLane(1));
    std::mt19937 random(7);
    const NameId names[4] = {TraceNames::intern(u"send"), TraceNames::intern(u"await"), TraceNames::intern(u"parse"),
                             TraceNames::intern(u"play")};
    std::vector<NameId> open;
    qint64 t = 0;
    for (int i = 0; i < 20'000; ++i) {
        t += 1 + qint64(random() % 50);
        if (open.empty() || random() % 2) {
            const NameId n = names[random() % 4];
            store.beginSpan(1, t, n);
            open.push_back(n);
        } else {
            const std::size_t k = random() % open.size();
            store.endSpan(1, t, open[k]);
            open.erase(open.begin() + std::ptrdiff_t(k));
        }
    }
    for (int d = 0; d < store.depthCount(1); ++d) {
        qint64 previousEnd = std::numeric_limits<qint64>::min();
        store.forEachSpan(1, Min, Max, [&](int depth, const StoredSpan &span) {
            if (depth != d)
                return;
            QVERIFY(span.startNs >= previousEnd);
            previousEnd = span.endNs;
        });
    }
    QVERIFY(store.depthCount(1) <= TraceStore::MaxDepth);
}

void TestTraceStore::retentionDropsOldDataAndCountsIt()
{
    TraceStore store;
    store.setLane(makeLane(1));
    store.setRetentionNs(1'000'000'000); // 1 s
    const NameId n = TraceNames::intern(u"tick");
    for (qint64 i = 0; i < 5000; ++i) {
        const qint64 t = i * 1'000'000; // 1 ms apart, 5 s in all
        store.addSpan(1, t, t + 500'000, n);
        store.addInstant(1, t, n);
        store.afterIngest();
    }
    QVERIFY(store.horizonNs() >= 3'500'000'000);
    QVERIFY(store.droppedItems() > 0);
    QCOMPARE(store.itemCount() + store.droppedItems(), quint64(10'000));
    std::vector<SpanItem> items;
    store.querySpans(1, 0, store.horizonNs() - 1'000'000, 1.0, items);
    QVERIFY(items.empty());
}

void TestTraceStore::openSpansSurviveRetention()
{
    TraceStore store;
    store.setLane(makeLane(1));
    store.setRetentionNs(1'000'000);
    const NameId session = TraceNames::intern(u"session"), tick = TraceNames::intern(u"tick");
    store.beginSpan(1, 0, session);
    for (qint64 t = 1000; t < 100'000'000; t += 1'000'000) {
        store.addSpan(1, t, t + 10, tick);
        store.afterIngest();
    }
    const StoredSpan *open = store.spanAt(1, 0, 50'000'000);
    QVERIFY(open);
    QCOMPARE(open->name, session);
    QVERIFY(open->isOpen());
}

void TestTraceStore::capacityBoundsTheStore()
{
    TraceStore store;
    store.setLane(makeLane(1));
    store.setCapacity(2000);
    const NameId n = TraceNames::intern(u"s");
    for (qint64 i = 0; i < 10'000; ++i) {
        store.addSpan(1, i * 100, i * 100 + 50, n);
        if (i % 100 == 99)
            store.afterIngest();
    }
    store.afterIngest();
    QVERIFY2(store.itemCount() <= store.capacity(), qPrintable(QString::number(store.itemCount())));
    QCOMPARE(store.itemCount() + store.droppedItems(), quint64(10'000));
    // What is kept is the most recent data.
    QVERIFY(store.spanAt(1, 0, 9999 * 100 + 10));
}

void TestTraceStore::instantsMergePerPixelColumn()
{
    TraceStore store;
    store.setLane(makeLane(1));
    const NameId n = TraceNames::intern(u"token");
    for (qint64 t = 0; t < 10'000; ++t)
        store.addInstant(1, t, n);
    std::vector<InstantItem> items;
    store.queryInstants(1, 0, 10'000, 100.0, items);
    QCOMPARE(items.size(), std::size_t(100));
    quint64 total = 0;
    for (const InstantItem &item : items)
        total += item.count;
    QCOMPARE(total, quint64(10'000));
}

void TestTraceStore::countersGiveMinMaxPerColumn()
{
    TraceStore store;
    store.setLane(makeLane(1));
    const NameId n = TraceNames::intern(u"depth");
    for (qint64 t = 0; t < 1000; ++t)
        store.addCounter(1, n, t, double(t % 10));
    std::vector<CounterItem> items;
    store.queryCounter(1, n, 0, 1000, 100.0, items);
    QCOMPARE(items.size(), std::size_t(10));
    for (const CounterItem &item : items) {
        QCOMPARE(item.min, 0.0);
        QCOMPARE(item.max, 9.0);
    }
    double value = -1;
    QVERIFY(store.counterValueAt(1, n, 503, &value));
    QCOMPARE(value, 3.0);
    QVERIFY(!store.counterValueAt(1, n, -5, &value));
    QCOMPARE(store.counterNames(1), QList<NameId> {n});
}

void TestTraceStore::alertBandsOpenAndClose()
{
    TraceStore store;
    store.setLane(makeLane(1, LaneKind::Thread));
    const NameId hang = TraceNames::intern(u"hang");
    store.setAlert(1, 42, hang, 1000, StoredSpan::OpenEnd);
    QCOMPARE(store.alertBands().size(), std::size_t(1));
    QCOMPARE(store.alertBands()[0].endNs, StoredSpan::OpenEnd);
    store.setAlert(1, 42, hang, 1000, 5000);
    QCOMPARE(store.alertBands().size(), std::size_t(1));
    QCOMPARE(store.alertBands()[0].endNs, qint64(5000));
}

void TestTraceStore::coroutineOnANewThreadLaneClosesItsMirror()
{
    // The thread lane is far above every lane seen so far, so mirroring the running segment grows
    // the store's track table while the coroutine's own track is being updated.
    TraceStore store;
    store.setLane(makeLane(1, LaneKind::Coroutine));
    store.setLane(makeLane(5000, LaneKind::Thread));
    store.setCoroutineState(1, 5000, 100, CoroutineState::Running, 0);
    store.setCoroutineState(1, NoLane, 200, CoroutineState::Finished, 0);
    const StoredSpan *mirror = store.spanAt(5000, 0, 150);
    QVERIFY(mirror);
    QCOMPARE(mirror->kind, SpanKind::ThreadRunsCoroutine);
    QCOMPARE(mirror->endNs, qint64(200));
}

void TestTraceStore::spanIsThirtyTwoBytes()
{
    QCOMPARE(sizeof(StoredSpan), std::size_t(32));
    TraceStore store;
    store.setLane(makeLane(1));
    const NameId n = TraceNames::intern(u"s");
    for (qint64 i = 0; i < 100'000; ++i)
        store.addSpan(1, i * 10, i * 10 + 5, n);
    const double bytesPerSpan = double(store.memoryBytes()) / double(store.spanCount());
    QVERIFY2(bytesPerSpan <= 40.0, qPrintable(QString::number(bytesPerSpan)));
}

void TestTraceStore::retentionKeepsWholeRuns_data()
{
    QTest::addColumn<int>("keepRuns");
    QTest::addColumn<double>("budgetInRuns"); ///< the budget as a multiple of one run's bytes; 0: none
    QTest::addColumn<int>("runs");
    QTest::addColumn<int>("spansPerRun");
    QTest::addColumn<int>("keptRuns");
    QTest::addColumn<bool>("trimmed");
    // Runs three minutes apart: a time window of 120 s would have lost every earlier one.
    QTest::newRow("three runs minutes apart are all kept") << 8 << 0.0 << 3 << 2000 << 3 << false;
    QTest::newRow("one run too many lets the oldest go whole") << 2 << 0.0 << 3 << 2000 << 2 << false;
    QTest::newRow("past the budget the oldest runs go whole") << 0 << 2.5 << 5 << 20'000 << 2 << false;
    QTest::newRow("one run alone past the budget is trimmed from its start") << 8 << 0.5 << 1 << 20'000 << 1 << true;
}

void TestTraceStore::retentionKeepsWholeRuns()
{
    QFETCH(int, keepRuns);
    QFETCH(double, budgetInRuns);
    QFETCH(int, runs);
    QFETCH(int, spansPerRun);
    QFETCH(int, keptRuns);
    QFETCH(bool, trimmed);
    constexpr qint64 Apart = 180'000'000'000; // 3 min
    // The bytes of one run, measured on a store of its own.
    quint64 runBytes = 0;
    {
        TraceStore one;
        one.setLane(makeLane(1));
        feedRun(one, 1, 0, spansPerRun);
        runBytes = one.memoryBytes();
    }
    TraceStore store;
    store.setLane(makeLane(1));
    store.setKeepRuns(keepRuns);
    store.setBudgetBytes(quint64(double(runBytes) * budgetInRuns));
    for (int r = 0; r < runs; ++r)
        feedRun(store, quint64(r + 1), qint64(r) * Apart, spansPerRun);
    // A few more batches past the run, as the live drain would do.
    store.addSpan(1, qint64(runs) * Apart, qint64(runs) * Apart + 10, TraceNames::intern(u"idle"));
    store.afterIngest();

    QCOMPARE(store.runs().size(), keptRuns);
    QCOMPARE(store.evictedRuns(), quint64(runs - keptRuns));
    QCOMPARE(store.runs().runs().front().trimmed, trimmed);
    QCOMPARE(store.trimmedItems() > 0, trimmed);
    QCOMPARE(store.itemCount() + store.droppedItems(), quint64(runs * spansPerRun + 1));
    if (budgetInRuns > 0)
        QVERIFY2(store.memoryBytes() <= quint64(double(runBytes) * budgetInRuns),
                 qPrintable(QStringLiteral("%1 > %2").arg(store.memoryBytes()).arg(runBytes * budgetInRuns)));
    // Every kept run is whole unless it was trimmed: its first span is still there.
    for (const Retention::Run &run : store.runs().runs()) {
        const StoredSpan *first = store.spanAt(1, 0, run.startNs + 100);
        QCOMPARE(first != nullptr, !run.trimmed);
    }
    // Nothing of an evicted run is left.
    if (keptRuns < runs)
        QCOMPARE(store.spanAt(1, 0, 100), nullptr);
}

void TestTraceStore::alertsGoWithTheirRun()
{
    TraceStore store;
    store.setLane(makeLane(1));
    store.setKeepRuns(1);
    const NameId hang = TraceNames::intern(u"hang");
    store.setAlert(1, 7, hang, 5'000'000, 400'000'000); // inside run 1
    feedRun(store, 1, 0, 1000);
    store.setAlert(1, 8, hang, 2'005'000'000, 2'400'000'000); // inside run 2
    feedRun(store, 2, 2'000'000'000, 1000);
    QCOMPARE(store.evictedRuns(), quint64(1));
    QCOMPARE(store.alertBands().size(), std::size_t(1));
    QCOMPARE(store.alertBands().front().alertId, 8u);
    QCOMPARE(store.horizonNs(), qint64(2'000'000'000));
}

QTEST_APPLESS_MAIN(TestTraceStore)
#include "tst_tracestore.moc"
