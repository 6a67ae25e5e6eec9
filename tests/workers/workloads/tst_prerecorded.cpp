// Prerecorded transcription against the loopback service in every execution model (the Blocking
// model through the blocking HTTP client): the sample's exact text, transient and persistent server
// errors, authentication, malformed files rejected before anything is sent, and stop mid-request.
#include "workers/audio/audiosource.h"
#include "workers/execution/executioncontext.h"
#include "workers/loopback/loopbackservice.h"
#include "workers/workloads/prerecordedworkload.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

#include "workloadtestsupport.h"

using namespace Taskscope::Execution;
using namespace Taskscope::Model;

using Taskscope::Audio::AudioSource;
using Taskscope::Loopback::FaultSpec;
using Taskscope::Loopback::LoopbackConfig;
using Taskscope::Loopback::LoopbackService;
using Taskscope::Workloads::PrerecordedStream;
using Taskscope::Workloads::PrerecordedWorkload;
using Taskscope::Workloads::Workload;
using Taskscope::Workloads::WorkloadEnvironment;

using namespace std::chrono_literals;

namespace {

QString words(const QString &text)
{
    QString out;
    for (const QChar c : text.toLower()) {
        if (c.isLetterOrNumber() || c == QLatin1Char('\'') || c.isSpace())
            out += c;
    }
    return out.simplified();
}

WorkloadSpec prerecordedSpec(ExecutionModel model, const QString &sample = QStringLiteral("set-timer"))
{
    WorkloadSpec spec;
    spec.kind = WorkloadKind::Prerecorded;
    spec.model = model;
    spec.source = AudioSourceKind::Sample;
    spec.audio = sample;
    return spec;
}

PrerecordedStream::Options fastOptions()
{
    PrerecordedStream::Options o;
    o.backoffBase = 20ms;
    o.maxRetryAfter = 50ms;
    return o;
}

} // namespace

class TestPrerecorded : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        m_service = std::make_unique<LoopbackService>(LoopbackConfig {});
        QVERIFY2(m_service->start() != 0, qPrintable(m_service->errorString()));
    }
    void cleanupTestCase() { m_service.reset(); }

    void exactTextArrives_data() { workloadtest::addExecutionModels(); }
    void exactTextArrives();
    void serverErrors_data();
    void serverErrors();
    void persistentServerErrorFailsAfterRetries_data() { workloadtest::addExecutionModels(); }
    void persistentServerErrorFailsAfterRetries();
    void malformedFileIsRejectedBeforeSending_data() { workloadtest::addExecutionModels(); }
    void malformedFileIsRejectedBeforeSending();
    void stopDuringRequestEndsPromptly_data();
    void stopDuringRequestEndsPromptly();

private:
    WorkloadEnvironment environment() const
    {
        WorkloadEnvironment env;
        env.loopbackBaseUrl = m_service->httpUrl();
        return env;
    }
    std::unique_ptr<LoopbackService> m_service;
};

void TestPrerecorded::exactTextArrives()
{
    QFETCH(ExecutionModel, model);
    PrerecordedWorkload workload(prerecordedSpec(model), environment(), nullptr, fastOptions());
    QStringList finals;
    connect(&workload, &Workload::transcript, this, [&](int, const QString &text, bool isFinal, double, double) {
        QVERIFY(isFinal);
        finals << text;
    });
    workload.start();
    QVERIFY(workloadtest::waitFinished(workload));
    QCOMPARE(workload.errorString(), QString());
    QCOMPARE(words(finals.join(QLatin1Char(' '))), AudioSource::sampleText(QStringLiteral("set-timer")));
    const QJsonObject stats = workload.streamStatistics(0).toJson();
    QCOMPARE(words(stats.value(QStringLiteral("transcript")).toString()),
             AudioSource::sampleText(QStringLiteral("set-timer")));
    QVERIFY(stats.value(QStringLiteral("response")).toObject().contains(QStringLiteral("metadata")));
    QCOMPARE(stats.value(QStringLiteral("requestLatencyMs")).toObject().value(QStringLiteral("count")).toInt(), 1);
    QCOMPARE(stats.value(QStringLiteral("retries")).toInt(), 0);
}

void TestPrerecorded::serverErrors_data()
{
    QTest::addColumn<ExecutionModel>("model");
    QTest::addColumn<QString>("faults");
    QTest::addColumn<bool>("succeeds");
    QTest::addColumn<QString>("errorContains");
    for (const auto &[name, model] :
         QList<std::pair<const char *, ExecutionModel>> {{"coroutine", ExecutionModel::Coroutine},
                                                         {"thread", ExecutionModel::Thread},
                                                         {"blocking", ExecutionModel::Blocking},
                                                         {"offload", ExecutionModel::Offload}}) {
        QTest::addRow("one 429 is retried (%s)", name)
            << model << QStringLiteral("status=429,retry-after=1") << true << QString();
        QTest::addRow("one 500 is retried (%s)", name) << model << QStringLiteral("status=500") << true << QString();
        QTest::addRow("401 fails at once (%s)", name)
            << model << QStringLiteral("status=401") << false << QStringLiteral("authentication failed");
        QTest::addRow("400 fails with the server's message (%s)", name)
            << model << QStringLiteral("status=400") << false << QStringLiteral("HTTP 400");
        QTest::addRow("connection dropped mid-response is retried (%s)", name)
            << model << QStringLiteral("drop-after-tx-bytes=10") << true << QString();
    }
}

void TestPrerecorded::serverErrors()
{
    QFETCH(ExecutionModel, model);
    QFETCH(QString, faults);
    QFETCH(bool, succeeds);
    QFETCH(QString, errorContains);
    WorkloadSpec spec = prerecordedSpec(model);
    spec.faults = faults;
    PrerecordedWorkload workload(spec, environment(), nullptr, fastOptions());
    workload.start();
    QVERIFY(workloadtest::waitFinished(workload));
    const QJsonObject stats = workload.streamStatistics(0).toJson();
    if (succeeds) {
        QCOMPARE(workload.errorString(), QString());
        QCOMPARE(stats.value(QStringLiteral("retries")).toInt(), 1);
        QCOMPARE(words(stats.value(QStringLiteral("transcript")).toString()),
                 AudioSource::sampleText(QStringLiteral("set-timer")));
    } else {
        QCOMPARE(workload.state(), Workload::State::Failed);
        QVERIFY2(workload.errorString().contains(errorContains), qPrintable(workload.errorString()));
        QCOMPARE(stats.value(QStringLiteral("retries")).toInt(), 0);
    }
}

void TestPrerecorded::persistentServerErrorFailsAfterRetries()
{
    QFETCH(ExecutionModel, model);
    m_service->setFaults(*FaultSpec::parse(QStringLiteral("only=/v1/listen,status=503,retry-after=0")));
    PrerecordedWorkload workload(prerecordedSpec(model), environment(), nullptr, fastOptions());
    workload.start();
    const bool done = workloadtest::waitFinished(workload);
    m_service->setFaults(FaultSpec {});
    QVERIFY(done);
    QCOMPARE(workload.state(), Workload::State::Failed);
    QVERIFY2(workload.errorString().contains(QStringLiteral("HTTP 503")), qPrintable(workload.errorString()));
    QVERIFY2(workload.errorString().contains(QStringLiteral("after 3 attempts")), qPrintable(workload.errorString()));
    QCOMPARE(workload.streamStatistics(0).toJson().value(QStringLiteral("requests")).toInt(), 3);
}

void TestPrerecorded::malformedFileIsRejectedBeforeSending()
{
    QFETCH(ExecutionModel, model);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("broken.wav"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray("RIFF\x10\x00\x00\x00WAVEfmt ", 16));
    file.close();
    const qint64 requestsBefore = m_service->stats().totals().httpRequests;
    WorkloadSpec spec = prerecordedSpec(model);
    spec.source = AudioSourceKind::File;
    spec.audio = path;
    PrerecordedWorkload workload(spec, environment(), nullptr, fastOptions());
    workload.start();
    QVERIFY(workloadtest::waitFinished(workload));
    QCOMPARE(workload.state(), Workload::State::Failed);
    QVERIFY2(workload.errorString().startsWith(QStringLiteral("broken.wav: ")), qPrintable(workload.errorString()));
    QCOMPARE(m_service->stats().totals().httpRequests, requestsBefore);
}

void TestPrerecorded::stopDuringRequestEndsPromptly_data()
{
    QTest::addColumn<ExecutionModel>("model");
    QTest::newRow("thread") << ExecutionModel::Thread;
    QTest::newRow("coroutine") << ExecutionModel::Coroutine;
    QTest::newRow("offload") << ExecutionModel::Offload;
}

void TestPrerecorded::stopDuringRequestEndsPromptly()
{
    QFETCH(ExecutionModel, model);
    const int before = ExecutionContext::liveContexts();
    WorkloadSpec spec = prerecordedSpec(model);
    spec.faults = QStringLiteral("latency=20000");
    spec.count = 3;
    PrerecordedWorkload workload(spec, environment(), nullptr, fastOptions());
    workload.start();
    QTest::qWait(300);
    QVERIFY(workload.isActive());
    workload.stop();
    QSignalSpy finished(&workload, &Workload::finished);
    QVERIFY(finished.wait(5000));
    QCOMPARE(workload.state(), Workload::State::Stopped);
    QTRY_COMPARE_WITH_TIMEOUT(ExecutionContext::liveContexts(), before, 5000);
}

QTEST_GUILESS_MAIN(TestPrerecorded)
#include "tst_prerecorded.moc"
