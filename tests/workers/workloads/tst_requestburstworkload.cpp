// The request burst against the in-process loopback service in every execution model: every
// request completes and is measured, errors are counted under faults, the blocking model is
// sequential, and stop() during a burst leaves nothing running.
#include "workers/execution/executioncontext.h"
#include "workers/loopback/loopbackservice.h"
#include "workers/workloads/requestburstworkload.h"

#include <QSignalSpy>
#include <QThread>
#include <QtTest>

#include <memory>

#include "workloadtestsupport.h"

using namespace Taskscope::Execution;
using namespace Taskscope::Model;

using Taskscope::Loopback::LoopbackConfig;
using Taskscope::Loopback::LoopbackService;
using Taskscope::Workloads::RequestBurstWorkload;
using Taskscope::Workloads::Workload;
using Taskscope::Workloads::WorkloadEnvironment;

namespace {

WorkloadSpec burstSpec(ExecutionModel model, int requests, int concurrency)
{
    WorkloadSpec spec;
    spec.kind = WorkloadKind::RequestBurst;
    spec.model = model;
    spec.requests = requests;
    spec.concurrency = concurrency;
    spec.payloadBytes = 256;
    spec.latencyMs = 0;
    return spec;
}

int histogramCount(const QJsonObject &stats, const char *key)
{
    return stats.value(QLatin1StringView(key)).toObject().value(QStringLiteral("count")).toInt();
}

} // namespace

class TestRequestBurstWorkload : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void everyRequestCompletesAndIsMeasured_data();
    void everyRequestCompletesAndIsMeasured();
    void serverErrorsAreCountedAndFailTheBurstWhenAllFail_data();
    void serverErrorsAreCountedAndFailTheBurstWhenAllFail();
    void someFailuresAreCountedNotFatal();
    void unreachableEndpointFailsClearly();
    void stopDuringBurstLeavesNothingRunning_data();
    void stopDuringBurstLeavesNothingRunning();
    void targetUrlCarriesLatencyAndPayload();

private:
    WorkloadEnvironment env() const
    {
        WorkloadEnvironment e;
        e.loopbackBaseUrl = m_service->httpUrl();
        return e;
    }
    std::unique_ptr<LoopbackService> m_service;
};

void TestRequestBurstWorkload::initTestCase()
{
    LoopbackConfig config;
    config.networkThreads = 1;
    m_service = std::make_unique<LoopbackService>(config);
    QVERIFY2(m_service->start() != 0, qPrintable(m_service->errorString()));
}

void TestRequestBurstWorkload::everyRequestCompletesAndIsMeasured_data()
{
    workloadtest::addExecutionModels();
}

void TestRequestBurstWorkload::everyRequestCompletesAndIsMeasured()
{
    QFETCH(ExecutionModel, model);
    const int requests = 60;
    const qint64 before = m_service->stats().totals().httpRequests;
    RequestBurstWorkload workload(burstSpec(model, requests, 6), env());
    QVERIFY(workloadtest::runToEnd(workload));
    QCOMPARE(workload.state(), Workload::State::Finished);
    const QJsonObject stats = workload.streamStatistics(0).toJson();
    QCOMPARE(stats.value(QStringLiteral("requests")).toInt(), requests);
    QCOMPARE(histogramCount(stats, "requestLatencyMs"), requests);
    QCOMPARE(stats.value(QStringLiteral("errors")).toInt(), 0);
    QCOMPARE(stats.value(QStringLiteral("bytesReceived")).toInt(), requests * 256);
    QVERIFY(stats.value(QStringLiteral("requestsPerSecond")).toDouble() > 0);
    QCOMPARE(m_service->stats().totals().httpRequests - before, qint64(requests));
    QCOMPARE(workload.progress(), 1.0);
}

void TestRequestBurstWorkload::serverErrorsAreCountedAndFailTheBurstWhenAllFail_data()
{
    workloadtest::addExecutionModels();
}

void TestRequestBurstWorkload::serverErrorsAreCountedAndFailTheBurstWhenAllFail()
{
    QFETCH(ExecutionModel, model);
    WorkloadSpec spec = burstSpec(model, 20, 4);
    spec.faults = QStringLiteral("status=500");
    RequestBurstWorkload workload(spec, env());
    QVERIFY(workloadtest::runToEnd(workload));
    QCOMPARE(workload.state(), Workload::State::Failed);
    QVERIFY2(workload.errorString().contains(QStringLiteral("all 20 requests")), qPrintable(workload.errorString()));
    QVERIFY2(workload.errorString().contains(QStringLiteral("HTTP 500: injected fault: HTTP 500")),
             qPrintable(workload.errorString()));
    const QJsonObject stats = workload.streamStatistics(0).toJson();
    QCOMPARE(stats.value(QStringLiteral("requests")).toInt(), 20);
    QCOMPARE(stats.value(QStringLiteral("errors")).toInt(), 20);
    QCOMPARE(histogramCount(stats, "requestLatencyMs"), 0);
}

void TestRequestBurstWorkload::someFailuresAreCountedNotFatal()
{
    WorkloadSpec spec = burstSpec(ExecutionModel::Coroutine, 200, 8);
    spec.faults = QStringLiteral("p=0.5,status=503");
    RequestBurstWorkload workload(spec, env());
    QVERIFY(workloadtest::runToEnd(workload));
    const QJsonObject stats = workload.streamStatistics(0).toJson();
    const int errors = stats.value(QStringLiteral("errors")).toInt();
    QCOMPARE(stats.value(QStringLiteral("requests")).toInt(), 200);
    QCOMPARE(errors + histogramCount(stats, "requestLatencyMs"), 200);
    QVERIFY(errors > 0 && errors < 200); // p=0.5 over 200 requests: both outcomes occur
    QCOMPARE(workload.state(), Workload::State::Finished);
    QVERIFY(stats.value(QStringLiteral("firstError")).toString().startsWith(QStringLiteral("HTTP 503")));
}

void TestRequestBurstWorkload::unreachableEndpointFailsClearly()
{
    WorkloadSpec spec = burstSpec(ExecutionModel::Coroutine, 5, 2);
    spec.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:1/nothing"));
    RequestBurstWorkload workload(spec, env());
    QVERIFY(workloadtest::runToEnd(workload));
    QCOMPARE(workload.state(), Workload::State::Failed);
    QVERIFY2(workload.errorString().contains(QStringLiteral("all 5 requests to http://127.0.0.1:1/nothing failed")),
             qPrintable(workload.errorString()));
}

void TestRequestBurstWorkload::stopDuringBurstLeavesNothingRunning_data()
{
    QTest::addColumn<ExecutionModel>("model");
    QTest::newRow("thread") << ExecutionModel::Thread;
    QTest::newRow("coroutine") << ExecutionModel::Coroutine;
    QTest::newRow("offload") << ExecutionModel::Offload;
}

void TestRequestBurstWorkload::stopDuringBurstLeavesNothingRunning()
{
    QFETCH(ExecutionModel, model);
    const int before = ExecutionContext::liveContexts();
    WorkloadSpec spec = burstSpec(model, 100000, 8);
    spec.latencyMs = 50;
    RequestBurstWorkload workload(spec, env());
    QSignalSpy finished(&workload, &Workload::finished);
    workload.start();
    QTRY_VERIFY_WITH_TIMEOUT(workload.streamStatistics(0).toJson().value(QStringLiteral("completed")).toInt() >= 8,
                             10000);
    QVERIFY(ExecutionContext::liveContexts() >= before + 9); // the stream and its 8 requesters
    workload.stop();
    QVERIFY(finished.count() > 0 || finished.wait(5000));
    QCOMPARE(workload.state(), Workload::State::Stopped);
    QTRY_COMPARE_WITH_TIMEOUT(ExecutionContext::liveContexts(), before, 5000);
    QVERIFY(workload.streamStatistics(0).toJson().value(QStringLiteral("requests")).toInt() < 100000);
}

void TestRequestBurstWorkload::targetUrlCarriesLatencyAndPayload()
{
    WorkloadSpec spec = burstSpec(ExecutionModel::Coroutine, 1, 1);
    spec.latencyMs = 25;
    spec.payloadBytes = 4096;
    const QUrl url = RequestBurstWorkload::targetUrl(spec, env());
    QCOMPARE(url.path(), QStringLiteral("/v1/echo"));
    QCOMPARE(url.query(), QStringLiteral("latency_ms=25&bytes=4096"));
    spec.baseUrl = QUrl(QStringLiteral("http://example.invalid/health?x=1"));
    QCOMPARE(RequestBurstWorkload::targetUrl(spec, env()), spec.baseUrl);
    QVERIFY(
        RequestBurstWorkload::targetUrl(burstSpec(ExecutionModel::Coroutine, 1, 1), WorkloadEnvironment {}).isEmpty());
}

QTEST_GUILESS_MAIN(TestRequestBurstWorkload)
#include "tst_requestburstworkload.moc"
