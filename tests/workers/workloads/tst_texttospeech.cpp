// Text to speech against the loopback service (real espeak-ng synthesis) in every execution model:
// audio arrives and is played against the clock with time to first audio and underruns recorded,
// every byte the server sent is counted by the client, and faults fail the stream with the reason.
#include "workers/execution/executioncontext.h"
#include "workers/loopback/loopbackservice.h"
#include "workers/workloads/texttospeechworkload.h"

#include <QSignalSpy>
#include <QtTest>

#include <memory>

#include "workloadtestsupport.h"

using namespace Taskscope::Execution;
using namespace Taskscope::Model;

using Taskscope::Loopback::LoopbackConfig;
using Taskscope::Loopback::LoopbackService;
using Taskscope::Workloads::TextToSpeechStream;
using Taskscope::Workloads::TextToSpeechWorkload;
using Taskscope::Workloads::Workload;
using Taskscope::Workloads::WorkloadEnvironment;

namespace {

WorkloadSpec speakSpec(ExecutionModel model)
{
    WorkloadSpec spec;
    spec.kind = WorkloadKind::TextToSpeech;
    spec.model = model;
    spec.text = QStringLiteral("Turn off the lights in the kitchen.");
    spec.speed = 8; // play eight times faster than real time
    return spec;
}

TextToSpeechStream::Options noDevice()
{
    TextToSpeechStream::Options o;
    o.useAudioDevice = false;
    return o;
}

} // namespace

class TestTextToSpeech : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        m_service = std::make_unique<LoopbackService>(LoopbackConfig {});
        QVERIFY2(m_service->start() != 0, qPrintable(m_service->errorString()));
    }
    void cleanupTestCase() { m_service.reset(); }

    void audioArrivesAndPlays_data();
    void audioArrivesAndPlays();
    void faultsFailWithTheReason_data();
    void faultsFailWithTheReason();
    void stopDuringSynthesisEndsPromptly_data();
    void stopDuringSynthesisEndsPromptly();

private:
    WorkloadEnvironment environment() const
    {
        WorkloadEnvironment env;
        env.loopbackBaseUrl = m_service->httpUrl();
        return env;
    }
    std::unique_ptr<LoopbackService> m_service;
};

void TestTextToSpeech::audioArrivesAndPlays_data()
{
    QTest::addColumn<ExecutionModel>("model");
    QTest::newRow("thread") << ExecutionModel::Thread;
    QTest::newRow("coroutine") << ExecutionModel::Coroutine;
    QTest::newRow("offload") << ExecutionModel::Offload;
    QTest::newRow("blocking") << ExecutionModel::Blocking;
}

void TestTextToSpeech::audioArrivesAndPlays()
{
    QFETCH(ExecutionModel, model);
    WorkloadSpec spec = speakSpec(model);
    spec.count = 2;
    TextToSpeechWorkload workload(spec, environment(), nullptr, noDevice());
    workload.start();
    QVERIFY(workloadtest::waitFinished(workload));
    QCOMPARE(workload.errorString(), QString());
    QCOMPARE(workload.state(), Workload::State::Finished);
    for (int i = 0; i < 2; ++i) {
        const QJsonObject stats = workload.streamStatistics(i).toJson();
        QVERIFY(stats.value(QStringLiteral("timeToFirstAudioMs")).toDouble() >= 0);
        QVERIFY(stats.value(QStringLiteral("audioS")).toDouble() > 0.5); // a sentence of speech
        QVERIFY(stats.value(QStringLiteral("underruns")).toInt() >= 0);
        QCOMPARE(stats.value(QStringLiteral("requestLatencyMs")).toObject().value(QStringLiteral("count")).toInt(), 1);
        // Every payload byte the server sent on this stream reached the client.
        qint64 serverSent = 0;
        for (const auto &record : m_service->stats().streams(stats.value(QStringLiteral("tag")).toString()))
            serverSent += record->payloadBytesSent.load();
        QVERIFY(serverSent > 0);
        QCOMPARE(qint64(stats.value(QStringLiteral("bytesReceived")).toDouble()), serverSent);
    }
}

void TestTextToSpeech::faultsFailWithTheReason_data()
{
    QTest::addColumn<ExecutionModel>("model");
    QTest::addColumn<QString>("faults");
    QTest::addColumn<QString>("errorContains");
    for (const auto &[name, model] :
         QList<std::pair<const char *, ExecutionModel>> {{"coroutine", ExecutionModel::Coroutine},
                                                         {"thread", ExecutionModel::Thread},
                                                         {"blocking", ExecutionModel::Blocking}}) {
        QTest::addRow("401 (%s)", name) << model << QStringLiteral("status=401")
                                        << QStringLiteral("authentication failed");
        QTest::addRow("drop mid-audio (%s)", name) << model << QStringLiteral("drop-after-tx-bytes=4000")
                                                   << QStringLiteral("closed before the audio was complete");
        QTest::addRow("close 1011 (%s)", name)
            << model << QStringLiteral("close=1011:overloaded") << QStringLiteral("1011 overloaded");
    }
}

void TestTextToSpeech::faultsFailWithTheReason()
{
    QFETCH(ExecutionModel, model);
    QFETCH(QString, faults);
    QFETCH(QString, errorContains);
    WorkloadSpec spec = speakSpec(model);
    spec.faults = faults;
    TextToSpeechWorkload workload(spec, environment(), nullptr, noDevice());
    workload.start();
    QVERIFY(workloadtest::waitFinished(workload));
    QCOMPARE(workload.state(), Workload::State::Failed);
    QVERIFY2(workload.errorString().contains(errorContains), qPrintable(workload.errorString()));
}

void TestTextToSpeech::stopDuringSynthesisEndsPromptly_data()
{
    QTest::addColumn<ExecutionModel>("model");
    QTest::newRow("thread") << ExecutionModel::Thread;
    QTest::newRow("coroutine") << ExecutionModel::Coroutine;
    QTest::newRow("offload") << ExecutionModel::Offload;
}

void TestTextToSpeech::stopDuringSynthesisEndsPromptly()
{
    QFETCH(ExecutionModel, model);
    const int before = ExecutionContext::liveContexts();
    WorkloadSpec spec = speakSpec(model);
    spec.faults = QStringLiteral("message-delay=20000"); // nothing arrives for 20 s
    spec.count = 3;
    TextToSpeechWorkload workload(spec, environment(), nullptr, noDevice());
    workload.start();
    QTest::qWait(300);
    QVERIFY(workload.isActive());
    workload.stop();
    QSignalSpy finished(&workload, &Workload::finished);
    QVERIFY(finished.wait(5000));
    QCOMPARE(workload.state(), Workload::State::Stopped);
    QTRY_COMPARE_WITH_TIMEOUT(ExecutionContext::liveContexts(), before, 5000);
}

QTEST_GUILESS_MAIN(TestTextToSpeech)
#include "tst_texttospeech.moc"
