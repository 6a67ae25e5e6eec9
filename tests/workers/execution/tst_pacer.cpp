// The per-thread Pacer and the execution context's waits: ordering, cancellation, removal,
// event-vs-deadline races, the Blocking model's real sleeps, and children (spawn/join).
#include "model/trace/tracenames.h"
#include "workers/execution/executioncontext.h"
#include "workers/execution/threadservices.h"
#include "workers/execution/workerthread.h"
#include "workers/execution/workerthreadpool.h"

#include <QtTest>
#include <qcoro/qcorotask.h>

#include <memory>
#include <vector>

using namespace std::chrono_literals;
using namespace Taskscope::Execution;
using namespace Taskscope::Model;
using namespace Taskscope::Trace;

namespace {

ExecutionContext::Config config(ExecutionModel model, std::shared_ptr<CancelToken> cancel = {})
{
    ExecutionContext::Config c;
    c.model = model;
    c.cancel = std::move(cancel);
    c.coroutineName = QStringLiteral("test");
    c.group = QStringLiteral("test");
    return c;
}

// Sleeps until `deadline` in its own context and appends `id` and the outcome when it wakes.
QCoro::Task<void> sleeper(qint64 deadline, int id, std::shared_ptr<std::vector<int>> order,
                          std::shared_ptr<std::vector<WaitOutcome>> outcomes, std::shared_ptr<CancelToken> cancel,
                          std::shared_ptr<int> done)
{
    ExecutionContext ctx(config(ExecutionModel::Coroutine, cancel));
    const WaitOutcome outcome = co_await ctx.sleepUntil(ExecutionClock::fromNs(deadline));
    order->push_back(id);
    outcomes->push_back(outcome);
    ++*done;
}

class TestSource final : public EventSource
{
};

QCoro::Task<WaitOutcome> waitOn(ExecutionContext *ctx, TestSource *source, qint64 deadline)
{
    if (!source)
        co_return co_await ctx->sleepUntil(ExecutionClock::fromNs(deadline));
    co_return co_await ctx->waitEvent(*source, ExecutionClock::fromNs(deadline), TraceNames::intern("test source"));
}

} // namespace

class TestPacer : public QObject
{
    Q_OBJECT

private slots:
    void ordersByDeadlineThenArrival_data();
    void ordersByDeadlineThenArrival();
    void cancelWakesOnlyThatStream();
    void fireIfDueResumesWithoutTheLoop();
    void eventBeatsDeadline();
    void deadlineBeatsEvent();
    void pastDeadlineDoesNotSuspend();
    void latchedEventDoesNotSuspend();
    void blockingModelSleepsAndHonoursCancelFromAnotherThread();
    void runsOnWorkerThreadWithItsOwnPacer();
    void childrenJoinInEveryModel_data();
    void childrenJoinInEveryModel();
};

void TestPacer::ordersByDeadlineThenArrival_data()
{
    QTest::addColumn<QList<int>>("offsetsMs"); // deadline offsets, in arrival order
    QTest::addColumn<QList<int>>("expected"); // ids (arrival index) in wake order
    QTest::newRow("already sorted") << QList<int> {5, 10, 15, 20} << QList<int> {0, 1, 2, 3};
    QTest::newRow("reverse") << QList<int> {20, 15, 10, 5} << QList<int> {3, 2, 1, 0};
    QTest::newRow("shuffled") << QList<int> {12, 3, 30, 7, 21, 1} << QList<int> {5, 1, 3, 0, 4, 2};
    QTest::newRow("equal deadlines keep arrival order") << QList<int> {10, 10, 5, 10, 5} << QList<int> {2, 4, 0, 1, 3};
}

void TestPacer::ordersByDeadlineThenArrival()
{
    QFETCH(QList<int>, offsetsMs);
    QFETCH(QList<int>, expected);
    auto order = std::make_shared<std::vector<int>>();
    auto outcomes = std::make_shared<std::vector<WaitOutcome>>();
    auto done = std::make_shared<int>(0);
    const qint64 base = ExecutionContext::nowNs() + 20'000'000;
    for (int i = 0; i < offsetsMs.size(); ++i)
        sleeper(base + qint64(offsetsMs[i]) * 1'000'000, i, order, outcomes, CancelToken::create(), done);
    QTRY_COMPARE_WITH_TIMEOUT(*done, int(offsetsMs.size()), 5000);
    QCOMPARE(QList<int>(order->begin(), order->end()), expected);
    for (WaitOutcome o : *outcomes)
        QCOMPARE(o, WaitOutcome::Deadline);
    QCOMPARE(ThreadServices::current()->pacer().size(), 0);
}

void TestPacer::fireIfDueResumesWithoutTheLoop()
{
    // Called between the items of a long pass: what is due runs at once, what is not stays.
    auto order = std::make_shared<std::vector<int>>();
    auto outcomes = std::make_shared<std::vector<WaitOutcome>>();
    auto done = std::make_shared<int>(0);
    auto laterCancel = CancelToken::create();
    const qint64 due = ExecutionContext::nowNs() + 5'000'000;
    sleeper(due, 0, order, outcomes, CancelToken::create(), done);
    sleeper(due + 60'000'000'000, 1, order, outcomes, laterCancel, done);
    Pacer &pacer = ThreadServices::current()->pacer();
    QCOMPARE(pacer.size(), 2);
    const quint64 earlyBefore = pacer.earlyFires();
    while (ExecutionContext::nowNs() < due)
        QThread::usleep(200); // no event loop runs here, as in a long batch of socket reads
    QVERIFY(Pacer::fireIfDueOnThisThread());
    QCOMPARE(*done, 1);
    QCOMPARE(order->front(), 0);
    QCOMPARE(outcomes->front(), WaitOutcome::Deadline);
    QCOMPARE(pacer.earlyFires(), earlyBefore + 1);
    QVERIFY(!Pacer::fireIfDueOnThisThread()); // the other one is a minute away
    QCOMPARE(pacer.size(), 1);
    laterCancel->cancel();
    QTRY_COMPARE_WITH_TIMEOUT(*done, 2, 5000);
    // The timer armed for the first deadline expires with nothing due: harmless.
    QTest::qWait(20);
    QCOMPARE(pacer.size(), 0);
}

void TestPacer::cancelWakesOnlyThatStream()
{
    auto order = std::make_shared<std::vector<int>>();
    auto outcomes = std::make_shared<std::vector<WaitOutcome>>();
    auto done = std::make_shared<int>(0);
    const qint64 base = ExecutionContext::nowNs();
    std::vector<std::shared_ptr<CancelToken>> tokens;
    // Five sleepers one hour out, plus one that wakes soon.
    for (int i = 0; i < 5; ++i) {
        tokens.push_back(CancelToken::create());
        sleeper(base + 3600'000'000'000LL + i, i, order, outcomes, tokens.back(), done);
    }
    sleeper(base + 30'000'000, 5, order, outcomes, CancelToken::create(), done);
    QCOMPARE(ThreadServices::current()->pacer().size(), 6);
    tokens[2]->cancel(); // from the middle of the heap
    QTRY_COMPARE_WITH_TIMEOUT(*done, 1, 5000);
    QCOMPARE(order->at(0), 2);
    QCOMPARE(outcomes->at(0), WaitOutcome::Cancelled);
    QTRY_COMPARE_WITH_TIMEOUT(*done, 2, 5000);
    QCOMPARE(order->at(1), 5);
    QCOMPARE(outcomes->at(1), WaitOutcome::Deadline);
    QCOMPARE(ThreadServices::current()->pacer().size(), 4);
    for (int i : {4, 0, 3, 1})
        tokens[std::size_t(i)]->cancel();
    QTRY_COMPARE_WITH_TIMEOUT(*done, 6, 5000);
    QCOMPARE(ThreadServices::current()->pacer().size(), 0);
    for (std::size_t i = 2; i < outcomes->size(); ++i)
        QCOMPARE(outcomes->at(i), WaitOutcome::Cancelled);
}

void TestPacer::eventBeatsDeadline()
{
    ExecutionContext ctx(config(ExecutionModel::Coroutine));
    TestSource source;
    WaitOutcome outcome = WaitOutcome::Pending;
    bool finished = false;
    auto task = waitOn(&ctx, &source, ExecutionContext::nowNs() + 3600'000'000'000LL);
    QCoro::connect(std::move(task), this, [&](WaitOutcome o) {
        outcome = o;
        finished = true;
    });
    QVERIFY(source.hasWaiter());
    QCOMPARE(ThreadServices::current()->pacer().size(), 1);
    source.notify();
    QVERIFY(!source.hasWaiter());
    QCOMPARE(ThreadServices::current()->pacer().size(), 0); // the deadline was withdrawn at once
    QTRY_VERIFY_WITH_TIMEOUT(finished, 5000);
    QCOMPARE(outcome, WaitOutcome::Event);
}

void TestPacer::deadlineBeatsEvent()
{
    ExecutionContext ctx(config(ExecutionModel::Coroutine));
    TestSource source;
    WaitOutcome outcome = WaitOutcome::Pending;
    bool finished = false;
    QCoro::connect(waitOn(&ctx, &source, ExecutionContext::nowNs() + 10'000'000), this, [&](WaitOutcome o) {
        outcome = o;
        finished = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(finished, 5000);
    QCOMPARE(outcome, WaitOutcome::Deadline);
    QVERIFY(!source.hasWaiter());
    source.notify(); // nobody waits: latched, harmless
    QVERIFY(source.consumeSignal());
}

void TestPacer::pastDeadlineDoesNotSuspend()
{
    ExecutionContext ctx(config(ExecutionModel::Coroutine));
    const quint64 resumedBefore = ThreadServices::current()->pacer().resumed();
    auto task = waitOn(&ctx, nullptr, ExecutionContext::nowNs() - 1);
    QVERIFY(task.isReady());
    QCOMPARE(QCoro::waitFor(task), WaitOutcome::Deadline);
    QCOMPARE(ThreadServices::current()->pacer().resumed(), resumedBefore);
}

void TestPacer::latchedEventDoesNotSuspend()
{
    ExecutionContext ctx(config(ExecutionModel::Coroutine));
    TestSource source;
    source.notify();
    auto task = waitOn(&ctx, &source, PendingWait::NoDeadline);
    QVERIFY(task.isReady());
    QCOMPARE(QCoro::waitFor(task), WaitOutcome::Event);
}

void TestPacer::blockingModelSleepsAndHonoursCancelFromAnotherThread()
{
    auto cancel = CancelToken::create();
    ExecutionContext ctx(config(ExecutionModel::Blocking, cancel));
    // A short blocking sleep completes inside co_await: the task is done when waitOn returns.
    auto shortSleep = waitOn(&ctx, nullptr, ExecutionContext::nowNs() + 5'000'000);
    QVERIFY(shortSleep.isReady());
    QCOMPARE(QCoro::waitFor(shortSleep), WaitOutcome::Deadline);
    // A one-hour sleep ends when another thread cancels (the UI thread is blocked meanwhile).
    std::unique_ptr<QThread> canceller(QThread::create([cancel] {
        QThread::msleep(50);
        cancel->cancel();
    }));
    canceller->start();
    auto longSleep = waitOn(&ctx, nullptr, ExecutionContext::nowNs() + 3600'000'000'000LL);
    QVERIFY(longSleep.isReady());
    QCOMPARE(QCoro::waitFor(longSleep), WaitOutcome::Cancelled);
    canceller->wait();
}

void TestPacer::runsOnWorkerThreadWithItsOwnPacer()
{
    WorkerThread worker(QStringLiteral("pacer test"));
    std::atomic<bool> done {false};
    std::atomic<bool> onWorker {false};
    std::atomic<int> outcome {0};
    QThread *workerThread = worker.thread();
    worker.taskStarted();
    worker.post([&, workerThread] {
        [](std::atomic<bool> *done, std::atomic<bool> *onWorker, std::atomic<int> *outcome, QThread *expected,
           WorkerThread *w) -> QCoro::Task<void> {
            ExecutionContext ctx(config(ExecutionModel::Thread));
            const WaitOutcome o = co_await ctx.sleepFor(10ms);
            onWorker->store(QThread::currentThread() == expected);
            outcome->store(int(o));
            done->store(true);
            w->taskFinished();
        }(&done, &onWorker, &outcome, workerThread, &worker);
    });
    QTRY_VERIFY_WITH_TIMEOUT(done.load(), 5000);
    QVERIFY(onWorker.load());
    QCOMPARE(WaitOutcome(outcome.load()), WaitOutcome::Deadline);
    QVERIFY(worker.waitForIdle(5000));
}

void TestPacer::childrenJoinInEveryModel_data()
{
    QTest::addColumn<ExecutionModel>("model");
    QTest::newRow("thread (pool)") << ExecutionModel::Thread;
    QTest::newRow("coroutine") << ExecutionModel::Coroutine;
    QTest::newRow("offload") << ExecutionModel::Offload;
    QTest::newRow("blocking") << ExecutionModel::Blocking;
}

void TestPacer::childrenJoinInEveryModel()
{
    QFETCH(ExecutionModel, model);
    WorkerThreadPool pool(2, QStringLiteral("children"));
    auto counter = std::make_shared<std::atomic<int>>(0);
    auto parent = [](ExecutionModel model, WorkerThreadPool *pool,
                     std::shared_ptr<std::atomic<int>> counter) -> QCoro::Task<int> {
        ExecutionContext::Config c = config(model);
        c.threadPool = pool;
        ExecutionContext ctx(std::move(c));
        for (int i = 0; i < 6; ++i) {
            ctx.spawn(QStringLiteral("child %1").arg(i), [counter, i](ExecutionContext &child) -> QCoro::Task<void> {
                co_await child.sleepFor(std::chrono::milliseconds(2 * i));
                const int doubled = co_await child.blockingPart(TraceNames::intern("double"), [i] { return 2 * i; });
                counter->fetch_add(doubled);
            });
        }
        co_await ctx.joinChildren();
        co_return ctx.liveChildren();
    }(model, &pool, counter);
    QCOMPARE(QCoro::waitFor(parent), 0);
    QCOMPARE(counter->load(), 2 * (0 + 1 + 2 + 3 + 4 + 5));
}

QTEST_GUILESS_MAIN(TestPacer)
#include "tst_pacer.moc"
