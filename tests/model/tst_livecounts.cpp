// The live-counts strip's figures from a store.
#include "model/livecounts.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracestore.h"

#include <QTest>

using namespace Taskscope::Model;
using namespace Taskscope::Trace;

class TestLiveCounts final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void countsThreadsAndCoroutineStates();
    void emptyStore();
};

void TestLiveCounts::countsThreadsAndCoroutineStates()
{
    TraceStore store;
    const auto lane = [&](LaneId id, LaneKind kind, qint64 ended = -1) {
        LaneInfo info;
        info.id = id;
        info.kind = kind;
        info.name = TraceNames::intern(QStringLiteral("lane %1").arg(id));
        info.endedNs = ended;
        store.setLane(info);
    };
    lane(1, LaneKind::Thread);
    lane(2, LaneKind::Thread, 50);
    lane(3, LaneKind::Stream);
    // A lane for part of the UI thread's work (Taskscope's own paints) is not another thread.
    LaneInfo own;
    own.id = 4;
    own.kind = LaneKind::Thread;
    own.parent = 1;
    store.setLane(own);
    for (LaneId c = 10; c < 16; ++c)
        lane(c, LaneKind::Coroutine);
    store.setCoroutineState(10, 1, 100, CoroutineState::Running, 0);
    store.setCoroutineState(11, 1, 90, CoroutineState::Suspended, TraceNames::intern("timer"));
    store.setCoroutineState(12, 1, 95, CoroutineState::Ready, 0);
    store.setCoroutineState(13, 1, 10, CoroutineState::Running, 0);
    store.setCoroutineState(13, 1, 20, CoroutineState::Finished, 0);
    store.setCoroutineState(14, 1, 30, CoroutineState::Suspended, TraceNames::intern("reply"));
    // 15: registered, no state yet.
    store.setAlert(1, 1, TraceNames::intern("hang"), 60, StoredSpan::OpenEnd);
    const LiveCounts c = LiveCounts::compute(store, false);
    QCOMPARE(c.threadsTotal, 2);
    QCOMPARE(c.threadsAlive, 1);
    QCOMPARE(c.streams, 1);
    QCOMPARE(c.coroutinesTotal, 6);
    QCOMPARE(c.coroutinesAlive, 5);
    QCOMPARE(c.coroutinesRunning, 1);
    QCOMPARE(c.coroutinesSuspended, 2);
    QCOMPARE(c.coroutinesReady, 1);
    QCOMPARE(c.alertsOpen, 1);
    QCOMPARE(c.spans, store.spanCount());
    QCOMPARE(c.droppedEvents, 0ull);
}

void TestLiveCounts::emptyStore()
{
    TraceStore store;
    QCOMPARE(LiveCounts::compute(store, false), LiveCounts {});
}

QTEST_GUILESS_MAIN(TestLiveCounts)
#include "tst_livecounts.moc"
