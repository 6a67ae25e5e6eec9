// Scenario files: every bundled scenario parses, fields keep their values and defaults, and bad
// files are rejected with a message that names the field.
#include "app/scenario/scenario.h"

#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

class TestScenario : public QObject
{
    Q_OBJECT

private slots:
    void everyBundledScenarioParses();
    void fieldsAndDefaults();
    void badScenariosNameTheField_data();
    void badScenariosNameTheField();
    void loadsByPathOrBundledName();
    void unreadableFilesAreClearErrors();
};

void TestScenario::everyBundledScenarioParses()
{
    const QStringList names = Scenario::bundledNames();
    for (const char *expected :
         {"live-transcription", "text-to-speech", "prerecorded", "chat-stream", "request-burst", "commands",
          "mixed-voice-assistant", "faults-reconnect", "ui-freeze", "scale-512-streams", "scale-1000-streams"})
        QVERIFY2(names.contains(QLatin1String(expected)), expected);
    for (const QString &name : names) {
        QString error;
        const std::optional<Scenario> s = Scenario::load(name, &error);
        QVERIFY2(s, qPrintable(error));
        QVERIFY(!s->workloads.isEmpty());
        QVERIFY2(!s->description.isEmpty(), qPrintable(name));
        QCOMPARE(s->name, name);
        // The written form reads back the same.
        const std::optional<Scenario> again = Scenario::fromJson(s->toJson(), &error);
        QVERIFY2(again, qPrintable(error));
        QCOMPARE(QJsonDocument(again->toJson()).toJson(), QJsonDocument(s->toJson()).toJson());
    }
    QString error;
    const std::optional<Scenario> scale = Scenario::load(QStringLiteral("scale-512-streams"), &error);
    QVERIFY(scale->service.external && scale->service.loadSink);
    QCOMPARE(scale->totalStreams(), 512);
}

void TestScenario::fieldsAndDefaults()
{
    const QByteArray json = R"({"name": "x", "durationS": 2.5, "timeoutS": 30,
        "service": {"loadSink": true, "networkThreads": 2, "faults": "latency=5", "chatTokensPerSecond": 100},
        "trace": {"retentionS": 10, "maxItems": 5000},
        "workloads": [{"workload": "request-burst", "requests": 10, "concurrency": 2, "startS": 1.5, "stopAfterS": 3},
                      {"workload": "chat-stream", "baseUrl": "https://api.openai.com/v1", "model": "thread"}]})";
    QString error;
    const std::optional<Scenario> s = Scenario::fromJson(QJsonDocument::fromJson(json).object(), &error);
    QVERIFY2(s, qPrintable(error));
    QCOMPARE(s->durationS, 2.5);
    QCOMPARE(s->timeoutS, 30.0);
    QVERIFY(!s->service.external);
    QVERIFY(s->service.loadSink);
    QCOMPARE(s->service.networkThreads, 2);
    QCOMPARE(s->service.faults, QStringLiteral("latency=5"));
    QCOMPARE(s->service.chatTokensPerSecond, 100.0);
    QCOMPARE(s->service.chatFirstTokenDelayMs, -1);
    QCOMPARE(s->trace.retentionS, 10.0);
    QCOMPARE(s->trace.maxItems, qint64(5000));
    QCOMPARE(s->workloads.size(), 2);
    QCOMPARE(s->workloads[0].spec.kind, WorkloadKind::RequestBurst);
    QCOMPARE(s->workloads[0].spec.model, ExecutionModel::Coroutine);
    QCOMPARE(s->workloads[0].spec.requests, 10);
    QCOMPARE(s->workloads[0].startS, 1.5);
    QCOMPARE(s->workloads[0].stopAfterS, 3.0);
    QCOMPARE(s->workloads[1].spec.model, ExecutionModel::Thread);
    QCOMPARE(s->workloads[1].spec.maxTokens, 64);
    QVERIFY(s->needsLoopback());
    QCOMPARE(s->totalStreams(), 2);
}

void TestScenario::badScenariosNameTheField_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("message");
    QTest::newRow("no workloads") << QByteArray(R"({"name": "x"})") << QStringLiteral("workloads is missing");
    QTest::newRow("empty workloads") << QByteArray(R"({"workloads": []})")
                                     << QStringLiteral("workloads must be a non-empty list");
    QTest::newRow("workload not an object")
        << QByteArray(R"({"workloads": [3]})") << QStringLiteral("workloads[0] must be an object");
    QTest::newRow("unknown workload kind") << QByteArray(R"({"workloads": [{"workload": "dance"}]})")
                                           << QStringLiteral("workloads[0].workload: 'workload' must be one of");
    QTest::newRow("missing workload kind") << QByteArray(R"({"workloads": [{"count": 2}]})")
                                           << QStringLiteral("workloads[0].workload: 'workload' is missing");
    QTest::newRow("chunk out of range") << QByteArray(
        R"({"workloads": [{"workload": "chat-stream"}, {"workload": "live-transcription", "chunkMs": 5}]})")
                                        << QStringLiteral(
                                               "workloads[1].chunkMs: 'chunkMs' must be between 10 and 1000");
    QTest::newRow("count not an integer") << QByteArray(R"({"workloads": [{"workload": "command", "count": 1.5}]})")
                                          << QStringLiteral("workloads[0].count: 'count' must be an integer");
    QTest::newRow("typo in a workload field")
        << QByteArray(R"({"workloads": [{"workload": "command", "command_ms": 5}]})")
        << QStringLiteral("workloads[0].command_ms is not a known field");
    QTest::newRow("negative start offset") << QByteArray(R"({"workloads": [{"workload": "command", "startS": -1}]})")
                                           << QStringLiteral("workloads[0].startS must be a number between 0 and");
    QTest::newRow("typo in a workload's faults")
        << QByteArray(R"({"workloads": [{"workload": "chat-stream", "faults": "latncy=100"}]})")
        << QStringLiteral("workloads[0].faults: fault item 'latncy=100': unknown fault");
    QTest::newRow("bad value in the service's faults")
        << QByteArray(R"({"service": {"faults": "drop-after-ms=soon"}, "workloads": [{"workload": "chat-stream"}]})")
        << QStringLiteral("service.faults: fault item 'drop-after-ms=soon'");
    QTest::newRow("bad base url") << QByteArray(
        R"({"workloads": [{"workload": "chat-stream", "baseUrl": "not a url"}]})")
                                  << QStringLiteral("workloads[0].baseUrl: 'baseUrl' is not a valid absolute URL");
    QTest::newRow("unknown top-level field") << QByteArray(R"({"duration": 5, "workloads": [{"workload": "command"}]})")
                                             << QStringLiteral("duration is not a known field");
    QTest::newRow("duration a string") << QByteArray(R"({"durationS": "5", "workloads": [{"workload": "command"}]})")
                                       << QStringLiteral("durationS must be a number");
    QTest::newRow("service not an object") << QByteArray(R"({"service": true, "workloads": [{"workload": "command"}]})")
                                           << QStringLiteral("service must be an object");
    QTest::newRow("service external not a boolean")
        << QByteArray(R"({"service": {"external": "yes"}, "workloads": [{"workload": "command"}]})")
        << QStringLiteral("service.external must be a boolean");
    QTest::newRow("unknown service field")
        << QByteArray(R"({"service": {"loadsink": true}, "workloads": [{"workload": "command"}]})")
        << QStringLiteral("service.loadsink is not a known field");
    QTest::newRow("trace cap too small") << QByteArray(
        R"({"trace": {"maxItems": 5}, "workloads": [{"workload": "command"}]})")
                                         << QStringLiteral("trace.maxItems must be an integer between 1000");
}

void TestScenario::badScenariosNameTheField()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, message);
    const QJsonDocument doc = QJsonDocument::fromJson(json);
    QVERIFY(doc.isObject());
    QString error;
    QVERIFY(!Scenario::fromJson(doc.object(), &error));
    QVERIFY2(error.startsWith(message), qPrintable(error));
}

void TestScenario::loadsByPathOrBundledName()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("mine.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"workloads": [{"workload": "command", "command": "cpu-hash", "commandMs": 5}]})");
    file.close();
    QString error;
    QString source;
    std::optional<Scenario> s = Scenario::load(path, &error, &source);
    QVERIFY2(s, qPrintable(error));
    QCOMPARE(s->name, QStringLiteral("mine")); // named after the file when it has no name
    QCOMPARE(source, path);
    s = Scenario::load(QStringLiteral("chat-stream"), &error, &source);
    QVERIFY2(s, qPrintable(error));
    QCOMPARE(source, QStringLiteral(":/scenarios/chat-stream.json"));
    QVERIFY(Scenario::load(QStringLiteral("chat-stream.json"), &error));
}

void TestScenario::unreadableFilesAreClearErrors()
{
    QTemporaryDir dir;
    QString error;
    QVERIFY(!Scenario::load(dir.filePath(QStringLiteral("missing.json")), &error));
    QVERIFY2(error.contains(QStringLiteral("no scenario file")) && error.contains(QStringLiteral("chat-stream")),
             qPrintable(error));
    const QString path = dir.filePath(QStringLiteral("broken.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{\"workloads\": [");
    file.close();
    QVERIFY(!Scenario::load(path, &error));
    QVERIFY2(error.contains(QStringLiteral("is not valid JSON at offset")), qPrintable(error));
    QFile array(dir.filePath(QStringLiteral("array.json")));
    QVERIFY(array.open(QIODevice::WriteOnly));
    array.write("[1, 2]");
    array.close();
    QVERIFY(!Scenario::load(array.fileName(), &error));
    QVERIFY2(error.contains(QStringLiteral("must hold a JSON object")), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestScenario)
#include "tst_scenario.moc"
