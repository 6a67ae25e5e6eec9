// The headless runner end to end, in-process: a tiny scenario runs against the built-in service and
// writes a valid report and a Chrome trace that ChromeTraceReader reads back; --compare produces a
// run per model; failures, timeouts, usage errors and interrupts give their exit codes; the alert
// hook puts alerts into the report; no API key reaches the report.
#include "app/headless/headlesssession.h"
#include "model/trace/chrometracereader.h"
#include "model/trace/tracestore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>
#include <QtTest>

using namespace Taskscope::Trace;

using Taskscope::Headless::HeadlessSession;

namespace {

struct Outcome
{
    int exitCode = -1;
    QString out;
    QString err;
    QJsonObject report;
};

} // namespace

class TestHeadlessRunner : public QObject
{
    Q_OBJECT

private slots:
    void tinyScenarioEndToEnd();
    void compareRunsEveryModel();
    void failingWorkloadExitsOne();
    void timeoutFailsTheRun();
    void usageErrorsExitTwo_data();
    void usageErrorsExitTwo();
    void durationEndsARunNormally();
    void alertHookPutsAlertsInTheReport();
    void interruptStopsAndWritesWhatItHas();

private:
    QString writeScenario(const QByteArray &json)
    {
        const QString path = m_dir.filePath(QStringLiteral("scenario-%1.json").arg(++m_files));
        QFile file(path);
        if (file.open(QIODevice::WriteOnly))
            file.write(json);
        return path;
    }
    Outcome run(const QStringList &args, HeadlessSession *session = nullptr)
    {
        HeadlessSession local;
        HeadlessSession &s = session ? *session : local;
        Outcome o;
        QTextStream out(&o.out);
        QTextStream err(&o.err);
        s.setOutput(&out, &err);
        s.setHandleSignals(false);
        o.exitCode = s.run(QStringList {QStringLiteral("taskscope"), QStringLiteral("--headless")} + args);
        out.flush();
        err.flush();
        o.report = s.report();
        return o;
    }

    QTemporaryDir m_dir;
    int m_files = 0;
};

void TestHeadlessRunner::tinyScenarioEndToEnd()
{
    qputenv("OPENAI_API_KEY", "sk-test-never-in-a-report");
    const QString scenario = writeScenario(R"({"name": "tiny", "timeoutS": 60, "workloads": [
        {"workload": "chat-stream", "count": 2, "maxTokens": 20, "tokensPerSecond": 500},
        {"workload": "request-burst", "model": "thread", "requests": 50, "concurrency": 4},
        {"workload": "command", "model": "offload", "command": "cpu-hash", "commandMs": 20, "startS": 0.1}]})");
    const QString reportPath = m_dir.filePath(QStringLiteral("report.json"));
    const QString tracePath = m_dir.filePath(QStringLiteral("trace.json"));
    const Outcome o = run({QStringLiteral("--scenario"), scenario, QStringLiteral("--report"), reportPath,
                           QStringLiteral("--trace"), tracePath, QStringLiteral("--quiet")});
    qunsetenv("OPENAI_API_KEY");
    QVERIFY2(o.exitCode == 0, qPrintable(o.err + o.out));
    QVERIFY(o.out.contains(QStringLiteral("chat-stream")));
    QVERIFY(o.out.contains(QStringLiteral("request-burst")));
    QVERIFY(o.out.contains(QStringLiteral("client process: CPU")));

    QFile reportFile(reportPath);
    QVERIFY(reportFile.open(QIODevice::ReadOnly));
    const QByteArray reportBytes = reportFile.readAll();
    QVERIFY(!reportBytes.contains("sk-test-never-in-a-report"));
    const QJsonObject report = QJsonDocument::fromJson(reportBytes).object();
    QCOMPARE(report, o.report);
    QVERIFY(report.value(QStringLiteral("ok")).toBool());
    QCOMPARE(report.value(QStringLiteral("scenario")).toObject().value(QStringLiteral("name")).toString(),
             QStringLiteral("tiny"));
    const QJsonObject environment = report.value(QStringLiteral("environment")).toObject();
    QVERIFY(environment.value(QStringLiteral("openAiKeySet")).toBool());
    // The dispatcher that ran the coroutines is named (this test's own thread: Qt's), and the choice
    // worker threads got.
    const QString dispatcher = environment.value(QStringLiteral("eventDispatcher")).toString();
    QVERIFY2(dispatcher == u"unix" || dispatcher == u"glib" || dispatcher == u"epoll", qPrintable(dispatcher));
    QCOMPARE(environment.value(QStringLiteral("eventLoop")).toString(), QStringLiteral("epoll"));
    QCOMPARE(environment.value(QStringLiteral("service")).toObject().value(QStringLiteral("kind")).toString(),
             QStringLiteral("in-process"));
    const QJsonArray runs = report.value(QStringLiteral("runs")).toArray();
    QCOMPARE(runs.size(), 1);
    const QJsonObject run = runs.at(0).toObject();
    QCOMPARE(run.value(QStringLiteral("end")).toString(), QStringLiteral("completed"));
    QVERIFY(run.value(QStringLiteral("process")).toObject().value(QStringLiteral("cpuMs")).toDouble() > 0);
    const QJsonArray workloads = run.value(QStringLiteral("workloads")).toArray();
    QCOMPARE(workloads.size(), 3);
    const QJsonObject chat = workloads.at(0).toObject();
    QCOMPARE(chat.value(QStringLiteral("state")).toString(), QStringLiteral("finished"));
    QCOMPARE(chat.value(QStringLiteral("statistics")).toObject().value(QStringLiteral("streams")).toArray().size(), 2);
    QCOMPARE(chat.value(QStringLiteral("summary")).toObject().value(QStringLiteral("tokens")).toInt(), 40);
    QVERIFY(chat.value(QStringLiteral("summary")).toObject().value(QStringLiteral("timeToFirstTokenP50Ms")).toDouble()
            > 0);
    const QJsonObject burst = workloads.at(1).toObject().value(QStringLiteral("summary")).toObject();
    QCOMPARE(burst.value(QStringLiteral("requests")).toInt(), 50);
    QVERIFY(burst.value(QStringLiteral("requestsPerSecond")).toDouble() > 0);
    QCOMPARE(workloads.at(2).toObject().value(QStringLiteral("startS")).toDouble(), 0.1);

    QFile traceFile(tracePath);
    QVERIFY(traceFile.open(QIODevice::ReadOnly));
    TraceStore store;
    const ChromeTraceReader::Result read = ChromeTraceReader::read(&traceFile, store);
    QVERIFY2(read.ok, qPrintable(read.error));
    QVERIFY(read.events > 100);
    QVERIFY(read.lanes > 3);
}

void TestHeadlessRunner::compareRunsEveryModel()
{
    const QString scenario = writeScenario(R"({"workloads": [
        {"workload": "request-burst", "requests": 30, "concurrency": 3},
        {"workload": "command", "command": "sleep", "commandMs": 20}]})");
    const QString reportPath = m_dir.filePath(QStringLiteral("compare.json"));
    const Outcome o = run({QStringLiteral("--scenario"), scenario, QStringLiteral("--compare"),
                           QStringLiteral("thread,coroutine,blocking"), QStringLiteral("--report"), reportPath,
                           QStringLiteral("--quiet")});
    QVERIFY2(o.exitCode == 0, qPrintable(o.err + o.out));
    const QJsonArray runs = o.report.value(QStringLiteral("runs")).toArray();
    QCOMPARE(runs.size(), 3);
    const QStringList models {QStringLiteral("thread"), QStringLiteral("coroutine"), QStringLiteral("blocking")};
    for (int i = 0; i < 3; ++i) {
        const QJsonObject r = runs.at(i).toObject();
        QCOMPARE(r.value(QStringLiteral("model")).toString(), models[i]);
        const QJsonArray workloads = r.value(QStringLiteral("workloads")).toArray();
        for (const QJsonValue &w : workloads)
            QCOMPARE(w.toObject().value(QStringLiteral("spec")).toObject().value(QStringLiteral("model")).toString(),
                     models[i]);
        QCOMPARE(workloads.at(0)
                     .toObject()
                     .value(QStringLiteral("summary"))
                     .toObject()
                     .value(QStringLiteral("requests"))
                     .toInt(),
                 30);
    }
    QVERIFY(o.out.contains(QStringLiteral("== comparison")));
    QVERIFY(o.out.contains(QStringLiteral("thread")) && o.out.contains(QStringLiteral("blocking")));
    QVERIFY(QFile::exists(reportPath));
}

void TestHeadlessRunner::failingWorkloadExitsOne()
{
    const QString scenario = writeScenario(R"({"workloads": [
        {"workload": "chat-stream", "maxTokens": 5, "faults": "status=500"},
        {"workload": "command", "command": "io-wait", "commandMs": 10}]})");
    const Outcome o = run({QStringLiteral("--scenario"), scenario, QStringLiteral("--quiet")});
    QCOMPARE(o.exitCode, 1);
    QVERIFY(!o.report.value(QStringLiteral("ok")).toBool());
    const QJsonObject run = o.report.value(QStringLiteral("runs")).toArray().at(0).toObject();
    const QString error = run.value(QStringLiteral("errors")).toArray().at(0).toString();
    QVERIFY2(error.startsWith(QStringLiteral("workloads[0] (chat-stream, coroutine): HTTP 500")), qPrintable(error));
    QVERIFY(o.out.contains(QStringLiteral("error: workloads[0]")));
    QCOMPARE(
        run.value(QStringLiteral("workloads")).toArray().at(1).toObject().value(QStringLiteral("state")).toString(),
        QStringLiteral("finished"));
}

void TestHeadlessRunner::timeoutFailsTheRun()
{
    const QString scenario = writeScenario(R"({"timeoutS": 0.3, "workloads": [
        {"workload": "command", "model": "offload", "command": "sleep", "commandMs": 30000}]})");
    const Outcome o = run({QStringLiteral("--scenario"), scenario, QStringLiteral("--quiet")});
    QCOMPARE(o.exitCode, 1);
    const QJsonObject run = o.report.value(QStringLiteral("runs")).toArray().at(0).toObject();
    QCOMPARE(run.value(QStringLiteral("end")).toString(), QStringLiteral("timeout"));
    QVERIFY(run.value(QStringLiteral("errors"))
                .toArray()
                .at(0)
                .toString()
                .startsWith(QStringLiteral("timed out after 0.3 s")));
}

void TestHeadlessRunner::usageErrorsExitTwo_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("no scenario") << QStringList {} << QStringLiteral("--scenario FILE|NAME is required");
    QTest::newRow("unknown option") << QStringList {QStringLiteral("--scenario"), QStringLiteral("chat-stream"),
                                                    QStringLiteral("--fast")}
                                    << QStringLiteral("unknown option \"--fast\"");
    QTest::newRow("one model to compare") << QStringList {QStringLiteral("--scenario"), QStringLiteral("chat-stream"),
                                                          QStringLiteral("--compare"), QStringLiteral("thread")}
                                          << QStringLiteral("--compare needs at least two models");
    QTest::newRow("unknown model to compare")
        << QStringList {QStringLiteral("--scenario"), QStringLiteral("chat-stream"), QStringLiteral("--compare"),
                        QStringLiteral("thread,fibers")}
        << QStringLiteral("--compare: \"fibers\" is not an execution model");
    QTest::newRow("bad duration") << QStringList {QStringLiteral("--scenario"), QStringLiteral("chat-stream"),
                                                  QStringLiteral("--duration"), QStringLiteral("-3")}
                                  << QStringLiteral("--duration must be a number of seconds > 0");
    QTest::newRow("unknown event loop") << QStringList {QStringLiteral("--scenario"), QStringLiteral("chat-stream"),
                                                        QStringLiteral("--event-loop"), QStringLiteral("select")}
                                        << QStringLiteral("--event-loop must be epoll or qt, not \"select\"");
    QTest::newRow("no such scenario") << QStringList {QStringLiteral("--scenario"), QStringLiteral("no-such-thing")}
                                      << QStringLiteral("no scenario file \"no-such-thing\"");
}

void TestHeadlessRunner::usageErrorsExitTwo()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const Outcome o = run(args);
    QCOMPARE(o.exitCode, 2);
    QVERIFY2(o.err.contains(message), qPrintable(o.err));
    // A scenario with a bad field: the message names it.
    const QString bad = writeScenario(R"({"workloads": [{"workload": "request-burst", "concurrency": 0}]})");
    const Outcome b = run({QStringLiteral("--scenario"), bad});
    QCOMPARE(b.exitCode, 2);
    QVERIFY2(b.err.contains(QStringLiteral("workloads[0].concurrency")), qPrintable(b.err));
}

void TestHeadlessRunner::durationEndsARunNormally()
{
    const QString scenario = writeScenario(R"({"workloads": [
        {"workload": "request-burst", "requests": 1000000, "concurrency": 4, "latencyMs": 5}]})");
    const Outcome o = run({QStringLiteral("--scenario"), scenario, QStringLiteral("--duration"), QStringLiteral("0.5"),
                           QStringLiteral("--quiet")});
    QVERIFY2(o.exitCode == 0, qPrintable(o.err + o.out));
    const QJsonObject run = o.report.value(QStringLiteral("runs")).toArray().at(0).toObject();
    QCOMPARE(run.value(QStringLiteral("end")).toString(), QStringLiteral("duration"));
    QCOMPARE(o.report.value(QStringLiteral("scenario")).toObject().value(QStringLiteral("durationS")).toDouble(), 0.5);
    const QJsonObject summary =
        run.value(QStringLiteral("workloads")).toArray().at(0).toObject().value(QStringLiteral("summary")).toObject();
    QVERIFY(summary.value(QStringLiteral("requests")).toInt() > 0);
    QVERIFY(summary.value(QStringLiteral("requests")).toInt() < 1000000);
}

void TestHeadlessRunner::alertHookPutsAlertsInTheReport()
{
    HeadlessSession session;
    QStandardItemModel alerts;
    const int jsonRole = Qt::UserRole + 7;
    auto *old = new QStandardItem;
    old->setData(QJsonObject {{QStringLiteral("id"), 1}}, jsonRole);
    alerts.appendRow(old); // raised before the run: not this run's
    session.setAlertSource(&alerts, jsonRole);
    session.addAlertProducer([] {
        return QList<QJsonObject> {QJsonObject {{QStringLiteral("from"), QStringLiteral("producer")}}};
    });
    QTimer::singleShot(100, &alerts, [&alerts, jsonRole] {
        auto *item = new QStandardItem;
        item->setData(
            QJsonObject {{QStringLiteral("id"), 2}, {QStringLiteral("verdict"), QStringLiteral("long dispatch")}},
            jsonRole);
        alerts.appendRow(item);
    });
    // A base URL the sleep never uses: no built-in service to start (its start runs the event loop,
    // and the timer above would fire before the run began).
    const QString scenario = writeScenario(
        R"({"workloads": [{"workload": "command", "model": "offload", "command": "sleep",
                                              "commandMs": 400, "baseUrl": "http://127.0.0.1:9"}]})");
    const Outcome o = run({QStringLiteral("--scenario"), scenario, QStringLiteral("--quiet")}, &session);
    QCOMPARE(o.exitCode, 0);
    const QJsonArray list =
        o.report.value(QStringLiteral("runs")).toArray().at(0).toObject().value(QStringLiteral("alerts")).toArray();
    QCOMPARE(list.size(), 2);
    QCOMPARE(list.at(0).toObject().value(QStringLiteral("id")).toInt(), 2);
    QCOMPARE(list.at(1).toObject().value(QStringLiteral("from")).toString(), QStringLiteral("producer"));
    QVERIFY(o.out.contains(QStringLiteral("watchdog alerts: 2")));
}

void TestHeadlessRunner::interruptStopsAndWritesWhatItHas()
{
    HeadlessSession session;
    const QString scenario = writeScenario(R"({"workloads": [
        {"workload": "chat-stream", "count": 2, "maxTokens": 100000, "tokensPerSecond": 50}]})");
    const QString reportPath = m_dir.filePath(QStringLiteral("interrupted.json"));
    QTimer::singleShot(600, &session, [&session] { session.interrupt(); });
    const Outcome o = run({QStringLiteral("--scenario"), scenario, QStringLiteral("--report"), reportPath,
                           QStringLiteral("--quiet"), QStringLiteral("--compare"), QStringLiteral("coroutine,thread")},
                          &session);
    QCOMPARE(o.exitCode, 130);
    QVERIFY(QFile::exists(reportPath));
    const QJsonArray runs = o.report.value(QStringLiteral("runs")).toArray();
    QCOMPARE(runs.size(), 1); // the second model never started
    const QJsonObject run = runs.at(0).toObject();
    QCOMPARE(run.value(QStringLiteral("end")).toString(), QStringLiteral("interrupted"));
    const QJsonObject workload = run.value(QStringLiteral("workloads")).toArray().at(0).toObject();
    QCOMPARE(workload.value(QStringLiteral("state")).toString(), QStringLiteral("stopped"));
    QVERIFY(workload.value(QStringLiteral("summary")).toObject().value(QStringLiteral("tokens")).toInt() > 0);
}

QTEST_GUILESS_MAIN(TestHeadlessRunner)
#include "tst_headlessrunner.moc"
