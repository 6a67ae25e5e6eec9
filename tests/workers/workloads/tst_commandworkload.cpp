// Commands in every execution model: each kind completes, the blocking and CPU-bound parts run on
// the UI thread in the coroutine and blocking models (their span is on the UI thread's lane) and
// off it in offload (a pool thread) and thread (the worker), I/O waits go through the context's
// HTTP call, and stop() ends a long command.
#include "model/trace/laneregistry.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracerecorder.h"
#include "model/trace/tracestore.h"
#include "workers/execution/executioncontext.h"
#include "workers/loopback/loopbackservice.h"
#include "workers/workloads/commandworkload.h"

#include <QSignalSpy>
#include <QtTest>

#include <memory>

#include "workloadtestsupport.h"

using namespace Taskscope::Execution;
using namespace Taskscope::Model;
using namespace Taskscope::Trace;

using Taskscope::Loopback::LoopbackConfig;
using Taskscope::Loopback::LoopbackService;
using Taskscope::Workloads::CommandWorkload;
using Taskscope::Workloads::Workload;
using Taskscope::Workloads::WorkloadEnvironment;

namespace {

WorkloadSpec commandSpec(ExecutionModel model, CommandKind kind, int ms)
{
    WorkloadSpec spec;
    spec.kind = WorkloadKind::Command;
    spec.model = model;
    spec.command = kind;
    spec.commandMs = ms;
    return spec;
}

// Thread lanes that carry a span of `name` starting at or after fromNs.
QList<LaneId> lanesWithSpan(const TraceStore &store, NameId name, qint64 fromNs)
{
    QList<LaneId> lanes;
    for (const LaneInfo &lane : store.lanes()) {
        if (lane.kind != LaneKind::Thread)
            continue;
        store.forEachSpan(lane.id, fromNs, std::numeric_limits<qint64>::max(), [&](int, const StoredSpan &span) {
            if (span.name == name && span.kind == SpanKind::Span && span.startNs >= fromNs && !lanes.contains(lane.id))
                lanes.append(lane.id);
        });
    }
    return lanes;
}

} // namespace

class TestCommandWorkload : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void eachKindCompletesInEachModel_data();
    void eachKindCompletesInEachModel();
    void hashRoundsAreDeterministic();
    void ioWaitAgainstAFailingServerFails();
    void stopEndsALongCommand_data();
    void stopEndsALongCommand();

private:
    WorkloadEnvironment env() const
    {
        WorkloadEnvironment e;
        e.loopbackBaseUrl = m_service->httpUrl();
        return e;
    }
    std::unique_ptr<LoopbackService> m_service;
    TraceStore m_store;
};

void TestCommandWorkload::initTestCase()
{
    LoopbackConfig config;
    config.networkThreads = 1;
    m_service = std::make_unique<LoopbackService>(config);
    QVERIFY2(m_service->start() != 0, qPrintable(m_service->errorString()));
}

void TestCommandWorkload::eachKindCompletesInEachModel_data()
{
    QTest::addColumn<ExecutionModel>("model");
    QTest::addColumn<CommandKind>("kind");
    QTest::addColumn<bool>("onUiThread");
    const QList<std::tuple<const char *, ExecutionModel, bool>> models {{"thread", ExecutionModel::Thread, false},
                                                                        {"coroutine", ExecutionModel::Coroutine, true},
                                                                        {"offload", ExecutionModel::Offload, false},
                                                                        {"blocking", ExecutionModel::Blocking, true}};
    const QList<std::pair<const char *, CommandKind>> kinds {{"blocking sleep", CommandKind::Sleep},
                                                             {"cpu hashing", CommandKind::CpuHash},
                                                             {"io wait", CommandKind::IoWait}};
    for (const auto &[kindName, kind] : kinds) {
        for (const auto &[modelName, model, ui] : models)
            QTest::addRow("%s in %s", kindName, modelName) << model << kind << ui;
    }
}

void TestCommandWorkload::eachKindCompletesInEachModel()
{
    QFETCH(ExecutionModel, model);
    QFETCH(CommandKind, kind);
    QFETCH(bool, onUiThread);
    TraceRecorder::drain(m_store);
    const qint64 startNs = ExecutionContext::nowNs();
    WorkloadSpec spec = commandSpec(model, kind, 40);
    spec.count = 2;
    CommandWorkload workload(spec, env());
    QVERIFY(workloadtest::runToEnd(workload));
    QCOMPARE(workload.state(), Workload::State::Finished);
    for (int i = 0; i < 2; ++i) {
        const QJsonObject stats = workload.streamStatistics(i).toJson();
        QCOMPARE(stats.value(QStringLiteral("requestLatencyMs")).toObject().value(QStringLiteral("count")).toInt(), 1);
        QVERIFY(stats.value(QStringLiteral("requestLatencyMs")).toObject().value(QStringLiteral("max")).toDouble()
                >= 40 * 0.99);
        QCOMPARE(stats.value(QStringLiteral("command")).toString(), WorkloadSpec::toString(kind));
        if (kind == CommandKind::IoWait) {
            QCOMPARE(stats.value(QStringLiteral("status")).toInt(), 200);
            continue;
        }
        QCOMPARE(stats.value(QStringLiteral("ranOnUiThread")).toBool(), onUiThread);
        if (kind == CommandKind::CpuHash) {
            QVERIFY(stats.value(QStringLiteral("rounds")).toInteger() > 0);
            QCOMPARE(stats.value(QStringLiteral("digest")).toString().size(), 64);
        }
    }
    if (kind == CommandKind::IoWait)
        return;
    // The blocking part's span sits on the lane of the thread that ran it.
    TraceRecorder::drain(m_store);
    const QList<LaneId> lanes = lanesWithSpan(m_store, TraceNames::intern(CommandWorkload::spanName(kind)), startNs);
    QVERIFY(!lanes.isEmpty());
    if (onUiThread)
        QCOMPARE(lanes, QList<LaneId> {UiThreadLane});
    else
        QVERIFY(!lanes.contains(UiThreadLane));
}

void TestCommandWorkload::hashRoundsAreDeterministic()
{
    WorkloadSpec spec = commandSpec(ExecutionModel::Offload, CommandKind::CpuHash, 0);
    spec.requests = 25; // commandMs 0: exactly this many rounds
    CommandWorkload first(spec, env());
    QVERIFY(workloadtest::runToEnd(first));
    spec.model = ExecutionModel::Coroutine;
    CommandWorkload second(spec, env());
    QVERIFY(workloadtest::runToEnd(second));
    QCOMPARE(first.streamStatistics(0).toJson().value(QStringLiteral("rounds")).toInt(), 25);
    QCOMPARE(first.streamStatistics(0).toJson().value(QStringLiteral("digest")),
             second.streamStatistics(0).toJson().value(QStringLiteral("digest")));
}

void TestCommandWorkload::ioWaitAgainstAFailingServerFails()
{
    WorkloadSpec spec = commandSpec(ExecutionModel::Coroutine, CommandKind::IoWait, 10);
    spec.faults = QStringLiteral("status=500");
    CommandWorkload workload(spec, env());
    QVERIFY(workloadtest::runToEnd(workload));
    QCOMPARE(workload.state(), Workload::State::Failed);
    QVERIFY2(workload.errorString().contains(QStringLiteral("answered HTTP 500")), qPrintable(workload.errorString()));
}

void TestCommandWorkload::stopEndsALongCommand_data()
{
    QTest::addColumn<ExecutionModel>("model");
    QTest::addColumn<CommandKind>("kind");
    QTest::newRow("sleep in thread") << ExecutionModel::Thread << CommandKind::Sleep;
    QTest::newRow("sleep in offload") << ExecutionModel::Offload << CommandKind::Sleep;
    QTest::newRow("hashing in offload") << ExecutionModel::Offload << CommandKind::CpuHash;
    QTest::newRow("io wait in coroutine") << ExecutionModel::Coroutine << CommandKind::IoWait;
    QTest::newRow("io wait in thread") << ExecutionModel::Thread << CommandKind::IoWait;
}

void TestCommandWorkload::stopEndsALongCommand()
{
    QFETCH(ExecutionModel, model);
    QFETCH(CommandKind, kind);
    const int before = ExecutionContext::liveContexts();
    CommandWorkload workload(commandSpec(model, kind, 60000), env());
    QSignalSpy finished(&workload, &Workload::finished);
    workload.start();
    QTest::qWait(100);
    workload.stop();
    QVERIFY(finished.count() > 0 || finished.wait(5000));
    QCOMPARE(workload.state(), Workload::State::Stopped);
    QTRY_COMPARE_WITH_TIMEOUT(ExecutionContext::liveContexts(), before, 5000);
}

QTEST_GUILESS_MAIN(TestCommandWorkload)
#include "tst_commandworkload.moc"
