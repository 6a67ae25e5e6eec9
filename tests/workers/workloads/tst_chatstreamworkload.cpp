// The LLM token stream against the in-process loopback service, in every execution model: tokens
// arrive in order and equal the server's generator output, [DONE] ends the stream, a mid-stream
// error event, HTTP errors (401 from a key check, 500, 429 with retries), malformed events, a
// dropped connection, a real-endpoint path with a Bearer key, and stop().
#include "workers/execution/executioncontext.h"
#include "workers/loopback/endpoints/tokengenerator.h"
#include "workers/loopback/loopbackservice.h"
#include "workers/workloads/chatstreamworkload.h"
#include "workers/workloads/workloadstatistics.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QtTest>

#include <memory>

#include "workloadtestsupport.h"

using namespace Taskscope::Execution;
using namespace Taskscope::Model;

using Taskscope::Loopback::LoopbackConfig;
using Taskscope::Loopback::LoopbackService;
using Taskscope::Loopback::TokenGenerator;
using Taskscope::Workloads::ApiKey;
using Taskscope::Workloads::ChatStreamWorkload;
using Taskscope::Workloads::Workload;
using Taskscope::Workloads::WorkloadEnvironment;

namespace {

WorkloadSpec chatSpec(ExecutionModel model, int tokens, int rate = 2000)
{
    WorkloadSpec spec;
    spec.kind = WorkloadKind::ChatStream;
    spec.model = model;
    spec.text = QStringLiteral("Tell me about threads and coroutines.");
    spec.maxTokens = tokens;
    spec.tokensPerSecond = rate;
    return spec;
}

// What the built-in service generates for a prompt (its seed is derived from the messages' text).
QString expectedText(const QString &prompt, int tokens)
{
    TokenGenerator generator(TokenGenerator::seedFor(prompt.toUtf8() + '\n'));
    QByteArray text;
    for (int i = 0; i < tokens; ++i)
        text += generator.next();
    return QString::fromUtf8(text);
}

} // namespace

class TestChatStreamWorkload : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void tokensArriveInOrderAndEndWithDone_data();
    void tokensArriveInOrderAndEndWithDone();
    void midStreamErrorEventFailsWithServerMessage_data();
    void midStreamErrorEventFailsWithServerMessage();
    void httpErrorsBeforeTheStream_data();
    void httpErrorsBeforeTheStream();
    void malformedEventIsCountedAndSkipped_data();
    void malformedEventIsCountedAndSkipped();
    void droppedConnectionFailsWithoutDone_data();
    void droppedConnectionFailsWithoutDone();
    void realEndpointPathSendsBearerKey();
    void wrongKeyIsRejectedAndNeverEchoed();
    void stopDuringStreamLeavesNothingRunning_data();
    void stopDuringStreamLeavesNothingRunning();
    void endpointAndRetryHelpers();

private:
    WorkloadEnvironment env() const
    {
        WorkloadEnvironment e;
        e.loopbackBaseUrl = m_service->httpUrl();
        return e;
    }
    std::unique_ptr<LoopbackService> m_service;
};

void TestChatStreamWorkload::initTestCase()
{
    LoopbackConfig config;
    config.networkThreads = 1;
    config.chatFirstTokenDelayMs = 10;
    m_service = std::make_unique<LoopbackService>(config);
    QVERIFY2(m_service->start() != 0, qPrintable(m_service->errorString()));
}

void TestChatStreamWorkload::tokensArriveInOrderAndEndWithDone_data()
{
    workloadtest::addExecutionModels();
}

void TestChatStreamWorkload::tokensArriveInOrderAndEndWithDone()
{
    QFETCH(ExecutionModel, model);
    const int tokens = 40;
    WorkloadSpec spec = chatSpec(model, tokens);
    spec.count = 2;
    ChatStreamWorkload workload(spec, env());
    QStringList received[2];
    connect(&workload, &Workload::token, this, [&](int stream, const QString &text) { received[stream].append(text); });
    QVERIFY(workloadtest::runToEnd(workload));
    QCOMPARE(workload.state(), Workload::State::Finished);
    const QString expected = expectedText(spec.text, tokens);
    for (int i = 0; i < 2; ++i) {
        const QJsonObject stats = workload.streamStatistics(i).toJson();
        QCOMPARE(received[i].join(QString()), expected);
        QCOMPARE(stats.value(QStringLiteral("content")).toString(), expected);
        QCOMPARE(stats.value(QStringLiteral("tokens")).toInt(), tokens);
        QCOMPARE(stats.value(QStringLiteral("usageCompletionTokens")).toInt(), tokens);
        QCOMPARE(stats.value(QStringLiteral("finishReason")).toString(), QStringLiteral("length"));
        QCOMPARE(stats.value(QStringLiteral("malformedMessages")).toInt(), 0);
        QCOMPARE(stats.value(QStringLiteral("interTokenGapMs")).toObject().value(QStringLiteral("count")).toInt(),
                 tokens - 1);
        QVERIFY(stats.value(QStringLiteral("timeToFirstTokenMs")).toDouble() > 0);
        QVERIFY(stats.value(QStringLiteral("tokensPerSecond")).toDouble() > 0);
    }
    QVERIFY(workload.statistics().tokensPerSecond.value_or(0) > 0);
}

void TestChatStreamWorkload::midStreamErrorEventFailsWithServerMessage_data()
{
    workloadtest::addExecutionModels();
}

void TestChatStreamWorkload::midStreamErrorEventFailsWithServerMessage()
{
    QFETCH(ExecutionModel, model);
    WorkloadSpec spec = chatSpec(model, 30);
    spec.faults = QStringLiteral("error-event=5"); // role chunk, 3 tokens, then the error
    ChatStreamWorkload workload(spec, env());
    QVERIFY(workloadtest::runToEnd(workload));
    QCOMPARE(workload.state(), Workload::State::Failed);
    QVERIFY2(workload.errorString().contains(QStringLiteral("injected fault: error event 5")),
             qPrintable(workload.errorString()));
    QVERIFY2(workload.errorString().contains(QStringLiteral("after 3 tokens")), qPrintable(workload.errorString()));
    QCOMPARE(workload.streamStatistics(0).toJson().value(QStringLiteral("tokens")).toInt(), 3);
}

void TestChatStreamWorkload::httpErrorsBeforeTheStream_data()
{
    QTest::addColumn<ExecutionModel>("model");
    QTest::addColumn<QString>("faults");
    QTest::addColumn<QString>("message");
    QTest::addColumn<int>("retries");
    const QList<std::pair<const char *, ExecutionModel>> models {{"coroutine", ExecutionModel::Coroutine},
                                                                 {"thread", ExecutionModel::Thread},
                                                                 {"blocking", ExecutionModel::Blocking}};
    for (const auto &[name, model] : models) {
        QTest::addRow("server error 500, %s", name)
            << model << QStringLiteral("status=500") << QStringLiteral("HTTP 500: injected fault: HTTP 500") << 0;
        QTest::addRow("unauthorized 401, %s", name)
            << model << QStringLiteral("status=401") << QStringLiteral("HTTP 401: injected fault: HTTP 401") << 0;
        QTest::addRow("rate limited 429 retried then given up, %s", name)
            << model << QStringLiteral("status=429,retry-after=0")
            << QStringLiteral("HTTP 429: injected fault: HTTP 429") << ChatStreamWorkload::MaxRetries;
    }
}

void TestChatStreamWorkload::httpErrorsBeforeTheStream()
{
    QFETCH(ExecutionModel, model);
    QFETCH(QString, faults);
    QFETCH(QString, message);
    QFETCH(int, retries);
    WorkloadSpec spec = chatSpec(model, 10);
    spec.faults = faults;
    ChatStreamWorkload workload(spec, env());
    QVERIFY(workloadtest::runToEnd(workload));
    QCOMPARE(workload.state(), Workload::State::Failed);
    QVERIFY2(workload.errorString().startsWith(message), qPrintable(workload.errorString()));
    const QJsonObject stats = workload.streamStatistics(0).toJson();
    QCOMPARE(stats.value(QStringLiteral("retries")).toInt(), retries);
    QCOMPARE(stats.value(QStringLiteral("requests")).toInt(), retries + 1);
    QCOMPARE(stats.value(QStringLiteral("tokens")).toInt(), 0);
    if (retries > 0)
        QVERIFY(workload.errorString().contains(QStringLiteral("gave up after %1 retries").arg(retries)));
}

void TestChatStreamWorkload::malformedEventIsCountedAndSkipped_data()
{
    workloadtest::addExecutionModels();
}

void TestChatStreamWorkload::malformedEventIsCountedAndSkipped()
{
    QFETCH(ExecutionModel, model);
    const int tokens = 12;
    WorkloadSpec spec = chatSpec(model, tokens);
    spec.faults = QStringLiteral("malformed-json=3"); // the second token's event arrives truncated
    ChatStreamWorkload workload(spec, env());
    QVERIFY(workloadtest::runToEnd(workload));
    QCOMPARE(workload.state(), Workload::State::Finished);
    const QJsonObject stats = workload.streamStatistics(0).toJson();
    QCOMPARE(stats.value(QStringLiteral("malformedMessages")).toInt(), 1);
    QCOMPARE(stats.value(QStringLiteral("tokens")).toInt(), tokens - 1);
    QCOMPARE(stats.value(QStringLiteral("usageCompletionTokens")).toInt(), tokens);
}

void TestChatStreamWorkload::droppedConnectionFailsWithoutDone_data()
{
    workloadtest::addExecutionModels();
}

void TestChatStreamWorkload::droppedConnectionFailsWithoutDone()
{
    QFETCH(ExecutionModel, model);
    WorkloadSpec spec = chatSpec(model, 50);
    spec.faults = QStringLiteral("drop-after-messages=4");
    ChatStreamWorkload workload(spec, env());
    QVERIFY(workloadtest::runToEnd(workload));
    QCOMPARE(workload.state(), Workload::State::Failed);
    QVERIFY2(workload.errorString().contains(QStringLiteral("without [DONE]")), qPrintable(workload.errorString()));
    QCOMPARE(workload.streamStatistics(0).toJson().value(QStringLiteral("tokens")).toInt(), 3);
}

void TestChatStreamWorkload::realEndpointPathSendsBearerKey()
{
    // A service that checks the key stands in for a real endpoint: the workload takes the base URL
    // as a real one (its own key, its model name, no loopback extras).
    LoopbackConfig config;
    config.networkThreads = 1;
    config.apiKey = QStringLiteral("sk-test-right-key");
    config.chatTokensPerSecond = 1000;
    config.chatFirstTokenDelayMs = 0;
    LoopbackService secured(config);
    QVERIFY(secured.start() != 0);
    WorkloadSpec spec = chatSpec(ExecutionModel::Coroutine, 8, 0);
    spec.baseUrl = secured.httpUrl(QStringLiteral("/v1"));
    WorkloadEnvironment e = env();
    e.openAiKey = ApiKey(QStringLiteral("sk-test-right-key"));
    ChatStreamWorkload workload(spec, e);
    QVERIFY(workloadtest::runToEnd(workload));
    QCOMPARE(workload.state(), Workload::State::Finished);
    QCOMPARE(workload.streamStatistics(0).toJson().value(QStringLiteral("tokens")).toInt(), 8);
}

void TestChatStreamWorkload::wrongKeyIsRejectedAndNeverEchoed()
{
    LoopbackConfig config;
    config.networkThreads = 1;
    config.apiKey = QStringLiteral("sk-test-right-key");
    LoopbackService secured(config);
    QVERIFY(secured.start() != 0);
    const QString wrong = QStringLiteral("sk-test-WRONG-secret");
    for (ExecutionModel model : {ExecutionModel::Coroutine, ExecutionModel::Blocking}) {
        WorkloadSpec spec = chatSpec(model, 8);
        spec.baseUrl = secured.httpUrl();
        WorkloadEnvironment e = env();
        e.openAiKey = ApiKey(wrong);
        ChatStreamWorkload workload(spec, e);
        QVERIFY(workloadtest::runToEnd(workload));
        QCOMPARE(workload.state(), Workload::State::Failed);
        QVERIFY2(workload.errorString().startsWith(QStringLiteral("HTTP 401: Incorrect API key provided.")),
                 qPrintable(workload.errorString()));
        QVERIFY(!QJsonDocument(workload.statistics().toJson()).toJson().contains(wrong.toUtf8()));
    }
    // No key at all for a real endpoint: a clear error before any request.
    WorkloadSpec spec = chatSpec(ExecutionModel::Coroutine, 8);
    spec.baseUrl = secured.httpUrl();
    ChatStreamWorkload workload(spec, env());
    QVERIFY(workloadtest::runToEnd(workload));
    QCOMPARE(workload.state(), Workload::State::Failed);
    QVERIFY(workload.errorString().startsWith(QStringLiteral("OPENAI_API_KEY is not set")));
}

void TestChatStreamWorkload::stopDuringStreamLeavesNothingRunning_data()
{
    QTest::addColumn<ExecutionModel>("model");
    QTest::newRow("thread") << ExecutionModel::Thread;
    QTest::newRow("coroutine") << ExecutionModel::Coroutine;
    QTest::newRow("offload") << ExecutionModel::Offload;
}

void TestChatStreamWorkload::stopDuringStreamLeavesNothingRunning()
{
    QFETCH(ExecutionModel, model);
    const int before = ExecutionContext::liveContexts();
    WorkloadSpec spec = chatSpec(model, 100000, 20);
    spec.count = 3;
    ChatStreamWorkload workload(spec, env());
    QSignalSpy tokens(&workload, &Workload::token);
    QSignalSpy finished(&workload, &Workload::finished);
    workload.start();
    QTRY_VERIFY_WITH_TIMEOUT(tokens.count() >= 6, 10000);
    workload.stop();
    QVERIFY(finished.count() > 0 || finished.wait(5000));
    QCOMPARE(workload.state(), Workload::State::Stopped);
    QCOMPARE(workload.liveStreams(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(ExecutionContext::liveContexts(), before, 5000);
}

void TestChatStreamWorkload::endpointAndRetryHelpers()
{
    QCOMPARE(ChatStreamWorkload::endpointUrl(QUrl(QStringLiteral("http://h:1"))).toString(),
             QStringLiteral("http://h:1/v1/chat/completions"));
    QCOMPARE(ChatStreamWorkload::endpointUrl(QUrl(QStringLiteral("https://api.openai.com/v1/"))).toString(),
             QStringLiteral("https://api.openai.com/v1/chat/completions"));
    QCOMPARE(ChatStreamWorkload::endpointUrl(QUrl(QStringLiteral("http://h/proxy/openai"))).toString(),
             QStringLiteral("http://h/proxy/openai/v1/chat/completions"));
    QCOMPARE(ChatStreamWorkload::retryDelayS("2", 0), 2.0);
    QCOMPARE(ChatStreamWorkload::retryDelayS("100000", 0), double(ChatStreamWorkload::MaxRetryAfterS));
    QCOMPARE(ChatStreamWorkload::retryDelayS("", 2), 4.0);
    QCOMPARE(ChatStreamWorkload::retryDelayS("soon", 0), 1.0);
    QCOMPARE(ChatStreamWorkload::httpError(503, "<html>busy</html>"), QStringLiteral("HTTP 503: <html>busy</html>"));
    QCOMPARE(ChatStreamWorkload::httpError(400, R"({"error":{"message":"bad","type":"invalid_request_error"}})"),
             QStringLiteral("HTTP 400: bad (invalid_request_error)"));
    const QJsonObject body =
        QJsonDocument::fromJson(ChatStreamWorkload::requestBody(chatSpec(ExecutionModel::Coroutine, 7), true)).object();
    QCOMPARE(body.value(QStringLiteral("stream")).toBool(), true);
    QCOMPARE(body.value(QStringLiteral("stream_options")).toObject().value(QStringLiteral("include_usage")).toBool(),
             true);
    QCOMPARE(body.value(QStringLiteral("max_tokens")).toInt(), 7);
}

QTEST_GUILESS_MAIN(TestChatStreamWorkload)
#include "tst_chatstreamworkload.moc"
