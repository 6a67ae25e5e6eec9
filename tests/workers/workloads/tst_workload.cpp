// The Workload base: start/stop/finished in every execution model, failure marking, progress,
// statistics, and that API keys never reach errors, statistics or trace names. The workload under
// test is a small paced counter, written once against ExecutionContext (the pattern every workload
// follows).
#include "model/trace/laneregistry.h"
#include "model/trace/tracenames.h"
#include "workers/execution/executioncontext.h"
#include "workers/workloads/workload.h"
#include "workers/workloads/workloadstatistics.h"

#include <QSignalSpy>
#include <QtTest>

#include "workloadtestsupport.h"

using namespace Taskscope::Execution;
using namespace Taskscope::Model;
using namespace Taskscope::Trace;

using Taskscope::Workloads::ApiKey;
using Taskscope::Workloads::StreamHandle;
using Taskscope::Workloads::StreamResult;
using Taskscope::Workloads::Workload;
using Taskscope::Workloads::WorkloadEnvironment;
using Taskscope::Workloads::WorkloadStatistics;

namespace {

// Ticks `spec.requests` times every `spec.commandMs` ms, reporting progress; fails when told to.
class TickWorkload final : public Workload
{
public:
    using Workload::Workload;

protected:
    StreamFunction makeStream() override
    {
        return [](StreamHandle s) { return run(std::move(s)); };
    }
    QString laneLabel() const override { return QStringLiteral("tick"); }

private:
    static QCoro::Task<void> run(StreamHandle s)
    {
        static const NameId tickName = TraceNames::intern("tick");
        ExecutionContext &ctx = *s.ctx;
        const ExecutionClock::time_point start = ExecutionClock::now();
        int ticks = 0;
        for (; ticks < s.spec.requests; ++ticks) {
            const WaitOutcome outcome = co_await ctx.sleepUntil(
                start + std::chrono::milliseconds(qint64(ticks + 1) * s.spec.commandMs));
            if (outcome == WaitOutcome::Cancelled || ctx.isCancelled())
                break;
            TraceRecorder::instant(ctx.streamLane(), tickName);
            s.report->progress(double(ticks + 1) / s.spec.requests);
            if (!s.spec.faults.isEmpty() && ticks + 1 == 2) {
                // An error that echoes the key, as a careless server might.
                s.report->fail(QStringLiteral("server said: bad key %1").arg(s.spec.faults));
                co_return;
            }
        }
        StreamStatistics stats;
        stats.requests = ticks;
        s.report->statistics(stats);
    }
};

WorkloadSpec tickSpec(ExecutionModel model, int count, int ticks, int periodMs)
{
    WorkloadSpec spec;
    spec.kind = WorkloadKind::Command;
    spec.model = model;
    spec.count = count;
    spec.requests = ticks;
    spec.commandMs = periodMs;
    return spec;
}

} // namespace

class TestWorkload : public QObject
{
    Q_OBJECT

private slots:
    void runsToTheEndInEveryModel_data();
    void runsToTheEndInEveryModel();
    void stopEndsEveryStreamPromptly_data();
    void stopEndsEveryStreamPromptly();
    void failedStreamMarksWorkloadFailedAndRedactsKey_data();
    void failedStreamMarksWorkloadFailedAndRedactsKey();
    void deletingARunningWorkloadIsSafe_data();
    void deletingARunningWorkloadIsSafe();
};

void TestWorkload::runsToTheEndInEveryModel_data()
{
    workloadtest::addExecutionModels();
}

void TestWorkload::runsToTheEndInEveryModel()
{
    QFETCH(ExecutionModel, model);
    TickWorkload workload(tickSpec(model, 3, 4, 5), WorkloadEnvironment {});
    QSignalSpy finished(&workload, &Workload::finished);
    QSignalSpy streams(&workload, &Workload::streamFinished);
    workload.start();
    QCOMPARE(workload.state(), Workload::State::Running);
    QVERIFY(finished.wait(10000) || finished.count() == 1);
    QCOMPARE(workload.state(), Workload::State::Finished);
    QCOMPARE(streams.count(), 3);
    QCOMPARE(workload.progress(), 1.0);
    const WorkloadStatistics stats = workload.statistics();
    QCOMPARE(stats.streams.size(), std::size_t(3));
    QCOMPARE(stats.aggregate.requests, qint64(12));
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(workload.streamStatistics(i).figures.requests, qint64(4));
        QCOMPARE(workload.streamStatistics(i).state, StreamResult::State::Finished);
        QVERIFY(LaneRegistry::info(workload.streamLane(i)).endedNs >= 0);
    }
}

void TestWorkload::stopEndsEveryStreamPromptly_data()
{
    workloadtest::addExecutionModels();
}

void TestWorkload::stopEndsEveryStreamPromptly()
{
    QFETCH(ExecutionModel, model);
    if (model == ExecutionModel::Blocking) {
        // The UI thread is blocked while a blocking stream runs, so stop() can only come from the
        // stream's own thread before it starts: it must still end cleanly as Stopped.
        TickWorkload workload(tickSpec(model, 2, 1000, 10), WorkloadEnvironment {});
        QSignalSpy finished(&workload, &Workload::finished);
        workload.start();
        workload.stop();
        QVERIFY(finished.count() == 1 || finished.wait(5000));
        QCOMPARE(workload.state(), Workload::State::Stopped);
        return;
    }
    // 200 streams sleeping 1000 x 100 ms: only cancellation can end them within the test.
    TickWorkload workload(tickSpec(model, model == ExecutionModel::Thread ? 20 : 200, 1000, 100),
                          WorkloadEnvironment {});
    QSignalSpy finished(&workload, &Workload::finished);
    const int contextsBefore = ExecutionContext::liveContexts();
    workload.start();
    // Every stream is running (and sleeping) once each has its context.
    QTRY_VERIFY_WITH_TIMEOUT(ExecutionContext::liveContexts() >= contextsBefore + workload.streamCount(), 10000);
    const int contextsWhileRunning = ExecutionContext::liveContexts();
    workload.stop();
    QCOMPARE(workload.state(), Workload::State::Stopping);
    QVERIFY(finished.wait(5000));
    QCOMPARE(workload.state(), Workload::State::Stopped);
    QCOMPARE(workload.liveStreams(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(ExecutionContext::liveContexts(), contextsWhileRunning - workload.streamCount(), 5000);
}

void TestWorkload::failedStreamMarksWorkloadFailedAndRedactsKey_data()
{
    workloadtest::addExecutionModels();
}

void TestWorkload::failedStreamMarksWorkloadFailedAndRedactsKey()
{
    QFETCH(ExecutionModel, model);
    const QString secret = QStringLiteral("sk-test-SECRET-%1").arg(int(model));
    WorkloadSpec spec = tickSpec(model, 2, 5, 5);
    spec.faults = secret; // the stream echoes this into its error
    spec.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:9"));
    WorkloadEnvironment env;
    env.deepgramKey = ApiKey(secret);
    TickWorkload workload(spec, env);
    QSignalSpy finished(&workload, &Workload::finished);
    workload.start();
    QVERIFY(finished.count() == 1 || finished.wait(10000));
    QCOMPARE(workload.state(), Workload::State::Failed);
    QVERIFY(workload.errorString().contains(QStringLiteral("server said: bad key <redacted>")));
    QVERIFY(!workload.errorString().contains(secret));
    const QByteArray json = QJsonDocument(workload.statistics().toJson()).toJson();
    QVERIFY(!json.contains(secret.toUtf8()));
    QVERIFY(json.contains("\"failed\""));
    for (int id = 0; id < TraceNames::count(); ++id)
        QVERIFY2(!TraceNames::name(NameId(id)).contains(secret), qPrintable(TraceNames::name(NameId(id))));
    bool markedOnTimeline = false;
    for (int id = 0; id < TraceNames::count(); ++id)
        markedOnTimeline |= TraceNames::name(NameId(id)).startsWith(QStringLiteral("failed: server said"));
    QVERIFY(markedOnTimeline);
    QCOMPARE(QDebug::toString(env.deepgramKey), QStringLiteral("<redacted>"));
}

void TestWorkload::deletingARunningWorkloadIsSafe_data()
{
    // Not Blocking: a running blocking workload holds the very thread that would delete it.
    QTest::addColumn<ExecutionModel>("model");
    QTest::newRow("thread") << ExecutionModel::Thread;
    QTest::newRow("coroutine") << ExecutionModel::Coroutine;
    QTest::newRow("offload") << ExecutionModel::Offload;
}

void TestWorkload::deletingARunningWorkloadIsSafe()
{
    QFETCH(ExecutionModel, model);
    const int before = ExecutionContext::liveContexts();
    auto *workload = new TickWorkload(tickSpec(model, 5, 1000, 50), WorkloadEnvironment {});
    workload->start();
    QTest::qWait(30);
    delete workload;
    // Cancelled streams end on their own on the next turns of the loop.
    QTRY_COMPARE_WITH_TIMEOUT(ExecutionContext::liveContexts(), before, 5000);
}

QTEST_GUILESS_MAIN(TestWorkload)
#include "tst_workload.moc"
