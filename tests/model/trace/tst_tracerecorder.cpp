#include "model/trace/laneregistry.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracerecorder.h"
#include "model/trace/tracestore.h"

#include <QTest>

#include <atomic>
#include <thread>
#include <vector>

using namespace Taskscope::Trace;

namespace {

// Checks the store's central invariant: on every depth of a lane, spans are sorted and disjoint.
bool depthsAreDisjoint(const TraceStore &store, LaneId lane, QString *why)
{
    for (int d = 0; d < store.depthCount(lane); ++d) {
        qint64 previousEnd = std::numeric_limits<qint64>::min();
        bool ok = true;
        store.forEachSpan(lane, std::numeric_limits<qint64>::min(), std::numeric_limits<qint64>::max(),
                          [&](int depth, const StoredSpan &span) {
                              if (depth != d || !ok)
                                  return;
                              if (span.startNs < previousEnd) {
                                  ok = false;
                                  *why = QStringLiteral("depth %1: span at %2 starts before %3")
                                             .arg(d)
                                             .arg(span.startNs)
                                             .arg(previousEnd);
                              }
                              previousEnd = span.endNs;
                          });
        if (!ok)
            return false;
    }
    return true;
}

int spansNamed(const TraceStore &store, LaneId lane, NameId name)
{
    int n = 0;
    store.forEachSpan(lane, std::numeric_limits<qint64>::min(), std::numeric_limits<qint64>::max(),
                      [&](int, const StoredSpan &span) { n += span.name == name ? 1 : 0; });
    return n;
}

} // namespace

class TestTraceRecorder : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void uiThreadIsLaneOne();
    void spansNestByDepth();
    void instantsCountersAndFlowsArrive();
    void twoThreadsRecordingWhileTheDrainRaces();
    void droppedEventsAreCountedWhenTheBudgetIsSpent();
    void exitedThreadIsDrainedAndItsLaneEnded();
    void scopeIsVisibleToAnotherThreadWhileOpen();
    void coroutineStatesBecomeSegmentsAndThreadMirrors();
    void endWithoutBeginIsRejectedNotCrashing();

private:
    void drainAll(TraceStore &store)
    {
        while (TraceRecorder::drain(store) > 0) { }
    }
};

void TestTraceRecorder::init()
{
    TraceRecorder::setBufferBudgetBytes(256ull << 20);
    TraceStore scratch;
    drainAll(scratch); // start every test with empty buffers
}

void TestTraceRecorder::uiThreadIsLaneOne()
{
    QCOMPARE(TraceRecorder::threadLane(), UiThreadLane);
    QCOMPARE(LaneRegistry::info(UiThreadLane).kind, LaneKind::Thread);
}

void TestTraceRecorder::spansNestByDepth()
{
    const LaneId lane = LaneRegistry::create(LaneKind::Stream, u"nest");
    const NameId outer = TraceNames::intern(u"outer");
    const NameId inner = TraceNames::intern(u"inner");
    const NameId leaf = TraceNames::intern(u"leaf");
    TraceRecorder::begin(lane, outer, 7);
    TraceRecorder::begin(lane, inner);
    const std::uint64_t t = TraceClock::ticks();
    TraceRecorder::complete(lane, leaf, t, t + 1000);
    TraceRecorder::end(lane, inner);
    TraceRecorder::end(lane, outer);

    TraceStore store;
    drainAll(store);

    QCOMPARE(store.depthCount(lane), 3);
    const StoredSpan *o = store.spanAt(lane, 0, store.lastNs() - 1, 1'000'000'000);
    QVERIFY(o);
    QCOMPARE(o->name, outer);
    QCOMPARE(o->arg, 7u);
    QVERIFY(!o->isOpen());
    QCOMPARE(spansNamed(store, lane, inner), 1);
    QCOMPARE(spansNamed(store, lane, leaf), 1);
    QString why;
    QVERIFY2(depthsAreDisjoint(store, lane, &why), qPrintable(why));
}

void TestTraceRecorder::instantsCountersAndFlowsArrive()
{
    const LaneId a = LaneRegistry::create(LaneKind::Stream, u"a");
    const LaneId b = LaneRegistry::create(LaneKind::Stream, u"b");
    const NameId chunk = TraceNames::intern(u"chunk sent");
    const NameId bytes = TraceNames::intern(u"bytes in flight");
    const std::uint64_t flow = TraceRecorder::newFlowId();
    TraceRecorder::instant(a, chunk, 640);
    TraceRecorder::counter(a, bytes, 640.0);
    TraceRecorder::counter(a, bytes, 1280.5);
    TraceRecorder::flowOut(a, chunk, flow);
    TraceRecorder::flowIn(b, chunk, flow);

    TraceStore store;
    drainAll(store);

    std::vector<InstantItem> instants;
    store.queryInstants(a, 0, store.lastNs() + 1, 1.0, instants);
    QCOMPARE(instants.size(), std::size_t(1));
    QCOMPARE(instants[0].arg, 640u);
    double value = 0;
    QVERIFY(store.counterValueAt(a, bytes, store.lastNs(), &value));
    QCOMPARE(value, 1280.5);
    std::vector<StoredFlow> flows;
    store.queryFlows(0, store.lastNs() + 1, flows);
    QCOMPARE(flows.size(), std::size_t(1));
    QCOMPARE(flows[0].fromLane, a);
    QCOMPARE(flows[0].toLane, b);
    QVERIFY(flows[0].toNs >= flows[0].fromNs);
}

void TestTraceRecorder::twoThreadsRecordingWhileTheDrainRaces()
{
    constexpr int SpansPerThread = 300'000;
    const NameId work = TraceNames::intern(u"work");
    std::atomic<int> running {2};
    std::atomic<LaneId> lanes[2] {NoLane, NoLane};
    const auto record = [&](int index) {
        LaneRegistry::nameCurrentThread(QStringLiteral("recorder %1").arg(index));
        const LaneId lane = TraceRecorder::threadLane();
        lanes[index] = lane;
        for (int i = 0; i < SpansPerThread; ++i) {
            TraceRecorder::begin(lane, work, std::uint64_t(i));
            TraceRecorder::end(lane, work);
        }
        running.fetch_sub(1);
    };
    TraceStore store;
    store.setCapacity(10'000'000);
    std::thread first(record, 0);
    std::thread second(record, 1);
    while (running.load() > 0)
        TraceRecorder::drain(store);
    first.join();
    second.join();
    drainAll(store);

    QCOMPARE(TraceRecorder::droppedEvents(), quint64(0));
    for (const auto &lane : lanes) {
        QVERIFY(lane.load() != NoLane);
        QCOMPARE(store.depthCount(lane), 1);
        // Every span arrived, in the recording thread's order (arg counts up).
        std::uint32_t expected = 0;
        bool ordered = true;
        store.forEachSpan(lane, std::numeric_limits<qint64>::min(), std::numeric_limits<qint64>::max(),
                          [&](int, const StoredSpan &span) {
                              ordered = ordered && span.arg == expected && !span.isOpen();
                              ++expected;
                          });
        QVERIFY(ordered);
        QCOMPARE(int(expected), SpansPerThread);
    }
}

void TestTraceRecorder::droppedEventsAreCountedWhenTheBudgetIsSpent()
{
    TraceStore store;
    drainAll(store);
    const quint64 droppedBefore = TraceRecorder::droppedEvents();
    const LaneId lane = LaneRegistry::create(LaneKind::Stream, u"flood");
    const NameId name = TraceNames::intern(u"flood");
    // A budget of a few chunks, and nobody draining while we record 100,000 events.
    TraceRecorder::setBufferBudgetBytes(4 * sizeof(TraceChunk));
    constexpr int Events = 100'000;
    for (int i = 0; i < Events; ++i)
        TraceRecorder::instant(lane, name);
    const quint64 dropped = TraceRecorder::droppedEvents() - droppedBefore;
    TraceRecorder::setBufferBudgetBytes(256ull << 20);
    TraceStore after;
    drainAll(after);
    std::vector<InstantItem> kept;
    after.queryInstants(lane, std::numeric_limits<qint64>::min() / 2, std::numeric_limits<qint64>::max() / 2, 1.0,
                        kept);
    quint64 keptCount = 0;
    for (const InstantItem &item : kept)
        keptCount += item.count;
    QVERIFY(dropped > 0);
    QCOMPARE(keptCount + dropped, quint64(Events));
}

void TestTraceRecorder::exitedThreadIsDrainedAndItsLaneEnded()
{
    const NameId name = TraceNames::intern(u"last words");
    LaneId lane = NoLane;
    std::thread thread([&] {
        lane = TraceRecorder::threadLane();
        for (int i = 0; i < 5000; ++i)
            TraceRecorder::instant(lane, name);
    });
    thread.join();
    TraceStore store;
    drainAll(store);
    std::vector<InstantItem> items;
    store.queryInstants(lane, 0, store.lastNs() + 1, 1.0, items);
    quint64 total = 0;
    for (const InstantItem &item : items)
        total += item.count;
    QCOMPARE(total, quint64(5000));
    QVERIFY(LaneRegistry::info(lane).endedNs >= 0);
    QVERIFY(store.lane(lane).endedNs >= 0);
}

void TestTraceRecorder::scopeIsVisibleToAnotherThreadWhileOpen()
{
    const NameId name = TraceNames::intern(u"parse reply");
    const ThreadActivity *activity = TraceRecorder::currentThreadActivity();
    QVERIFY(activity);
    std::atomic<int> seenDepth {-1};
    std::atomic<NameId> seenName {0};
    {
        TraceScope scope(name);
        std::thread watcher([&] {
            const TraceRecorder::ActivitySnapshot snapshot = TraceRecorder::snapshotOf(*activity);
            seenDepth = int(snapshot.scopeNames.size());
            seenName = snapshot.scopeNames.isEmpty() ? 0 : snapshot.scopeNames.last();
        });
        watcher.join();
    }
    QCOMPARE(seenDepth.load(), 1);
    QCOMPARE(seenName.load(), name);
    QCOMPARE(TraceRecorder::snapshotOf(*activity).scopeNames.size(), 0);
}

void TestTraceRecorder::coroutineStatesBecomeSegmentsAndThreadMirrors()
{
    const LaneId coroutine = LaneRegistry::create(LaneKind::Coroutine, u"fetch #1", u"fetch");
    const NameId timer = TraceNames::intern(u"timer 20 ms");
    const NameId inside = TraceNames::intern(u"inside");
    TraceRecorder::coroutineState(coroutine, CoroutineState::Running);
    TraceRecorder::begin(coroutine, inside);
    TraceRecorder::end(coroutine, inside);
    TraceRecorder::coroutineState(coroutine, CoroutineState::Suspended, timer);
    TraceRecorder::coroutineState(coroutine, CoroutineState::Ready, timer);
    TraceRecorder::coroutineState(coroutine, CoroutineState::Running);
    TraceRecorder::coroutineState(coroutine, CoroutineState::Finished);

    TraceStore store;
    drainAll(store);

    std::vector<SpanKind> segments;
    store.forEachSpan(coroutine, std::numeric_limits<qint64>::min(), std::numeric_limits<qint64>::max(),
                      [&](int depth, const StoredSpan &span) {
                          if (depth == 0) {
                              segments.push_back(span.kind);
                              QVERIFY(!span.isOpen());
                          }
                      });
    const std::vector<SpanKind> expected {SpanKind::CoroutineRunning, SpanKind::CoroutineSuspended,
                                          SpanKind::CoroutineReady, SpanKind::CoroutineRunning};
    QCOMPARE(segments, expected);
    QCOMPARE(spansNamed(store, coroutine, inside), 1);
    int mirrors = 0;
    store.forEachSpan(UiThreadLane, std::numeric_limits<qint64>::min(), std::numeric_limits<qint64>::max(),
                      [&](int, const StoredSpan &span) {
                          if (span.kind == SpanKind::ThreadRunsCoroutine && span.link == coroutine) {
                              ++mirrors;
                              QVERIFY(!span.isOpen());
                          }
                      });
    QCOMPARE(mirrors, 2);
}

void TestTraceRecorder::endWithoutBeginIsRejectedNotCrashing()
{
    const LaneId lane = LaneRegistry::create(LaneKind::Stream, u"orphans");
    TraceRecorder::end(lane, TraceNames::intern(u"never begun"));
    TraceStore store;
    drainAll(store);
    QCOMPARE(store.rejectedEvents(), quint64(1));
    QCOMPARE(store.depthCount(lane), 0);
}

QTEST_GUILESS_MAIN(TestTraceRecorder)
#include "tst_tracerecorder.moc"
