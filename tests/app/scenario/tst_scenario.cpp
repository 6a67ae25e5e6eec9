// Scenario files: every bundled scenario parses, fields keep their values and defaults, and bad
// files are rejected with a message that names the field.
#include "app/scenario/scenario.h"

#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

using namespace Taskscope::Model;

using Taskscope::Protocol::FieldError;
using Taskscope::Scenarios::Scenario;

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
        FieldError fieldError;
        const std::optional<Scenario> again = Scenario::fromJson(s->toJson(), &fieldError);
        QVERIFY2(again, qPrintable(fieldError.toString()));
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
    FieldError error;
    const std::optional<Scenario> s = Scenario::fromJson(QJsonDocument::fromJson(json).object(), &error);
    QVERIFY2(s, qPrintable(error.toString()));
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
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("message");
    QTest::newRow("no workloads") << QByteArray(R"({"name": "x"})") << QStringLiteral("workloads")
                                  << QStringLiteral("workloads is missing, expected an array");
    QTest::newRow("empty workloads") << QByteArray(R"({"workloads": []})") << QStringLiteral("workloads")
                                     << QStringLiteral("workloads is empty, expected a list of workload objects");
    QTest::newRow("workload not an object") << QByteArray(R"({"workloads": [3]})") << QStringLiteral("workloads[0]")
                                            << QStringLiteral("workloads[0] is a number, expected an object");
    QTest::newRow("unknown workload kind")
        << QByteArray(R"({"workloads": [{"workload": "dance"}]})") << QStringLiteral("workloads[0].workload")
        << QStringLiteral("workloads[0].workload is \"dance\", expected one of live-transcription");
    QTest::newRow("missing workload kind")
        << QByteArray(R"({"workloads": [{"count": 2}]})") << QStringLiteral("workloads[0].workload")
        << QStringLiteral("workloads[0].workload is missing, expected one of");
    QTest::newRow("chunk out of range") << QByteArray(
        R"({"workloads": [{"workload": "chat-stream"}, {"workload": "live-transcription", "chunkMs": 5}]})")
                                        << QStringLiteral("workloads[1].chunkMs")
                                        << QStringLiteral(
                                               "workloads[1].chunkMs is 5, expected an integer between 10 and 1000");
    QTest::newRow("count not an integer")
        << QByteArray(R"({"workloads": [{"workload": "command", "count": 1.5}]})")
        << QStringLiteral("workloads[0].count")
        << QStringLiteral("workloads[0].count is 1.5, expected an integer between 1 and");
    QTest::newRow("typo in a workload field")
        << QByteArray(R"({"workloads": [{"workload": "command", "command_ms": 5}]})")
        << QStringLiteral("workloads[0].command_ms") << QStringLiteral("workloads[0].command_ms is not a known field");
    QTest::newRow("a workload's loop past a day")
        << QByteArray(R"({"workloads": [{"workload": "live-transcription", "durationS": 1e6}]})")
        << QStringLiteral("workloads[0].durationS")
        << QStringLiteral("workloads[0].durationS is 1000000, expected a number between 0 and 86400");
    QTest::newRow("negative start offset")
        << QByteArray(R"({"workloads": [{"workload": "command", "startS": -1}]})")
        << QStringLiteral("workloads[0].startS")
        << QStringLiteral("workloads[0].startS is -1, expected a number between 0 and");
    QTest::newRow("typo in a workload's faults")
        << QByteArray(R"({"workloads": [{"workload": "chat-stream", "faults": "latncy=100"}]})")
        << QStringLiteral("workloads[0].faults")
        << QStringLiteral("workloads[0].faults is \"latncy=100\": fault item 'latncy=100': unknown fault");
    QTest::newRow("bad value in the service's faults")
        << QByteArray(R"({"service": {"faults": "drop-after-ms=soon"}, "workloads": [{"workload": "chat-stream"}]})")
        << QStringLiteral("service.faults")
        << QStringLiteral("service.faults is \"drop-after-ms=soon\": fault item 'drop-after-ms=soon'");
    QTest::newRow("bad base url") << QByteArray(
        R"({"workloads": [{"workload": "chat-stream", "baseUrl": "not a url"}]})")
                                  << QStringLiteral("workloads[0].baseUrl")
                                  << QStringLiteral("workloads[0].baseUrl is \"not a url\", expected an absolute URL");
    QTest::newRow("unknown top-level field")
        << QByteArray(R"({"duration": 5, "workloads": [{"workload": "command"}]})") << QStringLiteral("duration")
        << QStringLiteral("duration is not a known field");
    QTest::newRow("duration a string") << QByteArray(R"({"durationS": "5", "workloads": [{"workload": "command"}]})")
                                       << QStringLiteral("durationS")
                                       << QStringLiteral("durationS is a string, expected a number between 0 and");
    QTest::newRow("service not an object")
        << QByteArray(R"({"service": true, "workloads": [{"workload": "command"}]})") << QStringLiteral("service")
        << QStringLiteral("service is a boolean, expected an object");
    QTest::newRow("service external not a boolean")
        << QByteArray(R"({"service": {"external": "yes"}, "workloads": [{"workload": "command"}]})")
        << QStringLiteral("service.external") << QStringLiteral("service.external is a string, expected a boolean");
    QTest::newRow("unknown service field")
        << QByteArray(R"({"service": {"loadsink": true}, "workloads": [{"workload": "command"}]})")
        << QStringLiteral("service.loadsink") << QStringLiteral("service.loadsink is not a known field");
    QTest::newRow("trace cap too small") << QByteArray(
        R"({"trace": {"maxItems": 5}, "workloads": [{"workload": "command"}]})")
                                         << QStringLiteral("trace.maxItems")
                                         << QStringLiteral("trace.maxItems is 5, expected an integer between 1000");
    QTest::newRow("null where a string belongs")
        << QByteArray(R"({"name": null, "workloads": [{"workload": "command"}]})") << QStringLiteral("name")
        << QStringLiteral("name is null, expected a string");
}

void TestScenario::badScenariosNameTheField()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, field);
    QFETCH(QString, message);
    const QJsonDocument doc = QJsonDocument::fromJson(json);
    QVERIFY(doc.isObject());
    FieldError error;
    QVERIFY(!Scenario::fromJson(doc.object(), &error));
    QCOMPARE(error.path, field);
    QVERIFY2(error.toString().startsWith(message), qPrintable(error.toString()));
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
