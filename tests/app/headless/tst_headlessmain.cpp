// The headless runner with its watchdog: the ui-freeze scenario's report carries the alert that
// names the blocking command, with its evidence (stack samples, verdict, tier); one freeze is one
// alert with its final duration, whether it ends the run or not; a run without blocking (the
// built-in service started and used) has none.
#include "app/headless/headlessmain.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using Taskscope::Headless::runHeadlessWithWatchdog;

class TestHeadlessMain final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void uiFreezeReportCarriesTheAlert();
    void oneFreezeIsOneAlert_data();
    void oneFreezeIsOneAlert();
    void noBlockingNoAlert();
};

namespace {

// Runs `scenario` headless with the watchdog; the first run's alerts, or an error.
QJsonArray runAlerts(const QByteArray &scenario, QString *error)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("scenario.json"));
    const QString report = dir.filePath(QStringLiteral("report.json"));
    QFile out(path);
    if (!out.open(QIODevice::WriteOnly) || out.write(scenario) != scenario.size())
        return *error = QStringLiteral("cannot write the scenario"), QJsonArray();
    out.close();
    const int code = runHeadlessWithWatchdog({QStringLiteral("taskscope"), QStringLiteral("--headless"),
                                              QStringLiteral("--scenario"), path, QStringLiteral("--report"), report,
                                              QStringLiteral("--quiet")});
    QFile file(report);
    if (code != 0 || !file.open(QIODevice::ReadOnly))
        return *error = QStringLiteral("exit code %1").arg(code), QJsonArray();
    const QJsonArray runs = QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("runs")).toArray();
    return runs.first().toObject().value(QStringLiteral("alerts")).toArray();
}

} // namespace

void TestHeadlessMain::oneFreezeIsOneAlert_data()
{
    QTest::addColumn<QByteArray>("scenario");
    QTest::addColumn<int>("blockedMs"); // 0: not known in advance
    const QByteArray sleep = R"({"workload": "command", "model": "blocking", "command": "sleep", "commandMs": 700})";
    const QByteArray wait = R"({"workload": "command", "model": "coroutine", "command": "io-wait", "commandMs": 1500})";
    const QByteArray live = R"({"workload": "live-transcription", "model": "blocking", "count": 1, "source": "sample",
                               "audio": "call-reminder", "chunkMs": 20})";
    QTest::newRow("blocking sleep that ends the run") << QByteArray(R"({"workloads": [)" + sleep + "]}") << 700;
    QTest::newRow("blocking sleep in the middle of the run")
        << QByteArray(R"({"workloads": [)" + sleep + ", " + wait + "]}") << 700;
    QTest::newRow("blocking live transcription that ends the run")
        << QByteArray(R"({"workloads": [)" + live + "]}") << 0;
    QTest::newRow("blocking live transcription in the middle")
        << QByteArray(R"({"workloads": [)" + live + ", " + wait + "]}") << 0;
}

void TestHeadlessMain::oneFreezeIsOneAlert()
{
    QFETCH(QByteArray, scenario);
    QFETCH(int, blockedMs);
    QString error;
    const QJsonArray alerts = runAlerts(scenario, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(alerts.size() == 1, qPrintable(QJsonDocument(alerts).toJson()));
    const QJsonObject alert = alerts.first().toObject();
    QCOMPARE(alert.value(QStringLiteral("verdict")).toString(), QStringLiteral("long-dispatch"));
    QCOMPARE(alert.value(QStringLiteral("end")).toString(), QStringLiteral("recovered"));
    if (blockedMs > 0) {
        // Onset within one poll (2 ms) before the block, end when the loop ran the heartbeat
        // queued behind it (and the few events queued meanwhile).
        const qint64 duration = alert.value(QStringLiteral("durationNs")).toInteger();
        QVERIFY2(duration >= qint64(blockedMs) * 1'000'000, qPrintable(QString::number(duration)));
        QVERIFY2(duration <= qint64(blockedMs + 2 + 20) * 1'000'000, qPrintable(QString::number(duration)));
    }
}

void TestHeadlessMain::noBlockingNoAlert()
{
    // Starts the built-in service (grammar and decoders) and streams through it in the coroutine
    // model: nothing Taskscope does may block the event loop past the suspicion tier.
    QString error;
    const QJsonArray alerts = runAlerts(
        R"({"workloads": [{"workload": "live-transcription", "model": "coroutine", "count": 1,
                                          "source": "sample", "audio": "call-reminder", "chunkMs": 20}]})",
        &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(alerts.isEmpty(), qPrintable(QJsonDocument(alerts).toJson()));
}

void TestHeadlessMain::uiFreezeReportCarriesTheAlert()
{
    QTemporaryDir dir;
    const QString report = dir.filePath(QStringLiteral("report.json"));
    const int code = runHeadlessWithWatchdog({QStringLiteral("taskscope"), QStringLiteral("--headless"),
                                              QStringLiteral("--scenario"), QStringLiteral("ui-freeze"),
                                              QStringLiteral("--report"), report, QStringLiteral("--quiet")});
    QCOMPARE(code, 0);
    QFile file(report);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject json = QJsonDocument::fromJson(file.readAll()).object();
    const QJsonArray runs = json.value(QStringLiteral("runs")).toArray();
    QCOMPARE(runs.size(), 1);
    const QJsonArray alerts = runs.first().toObject().value(QStringLiteral("alerts")).toArray();
    QVERIFY2(!alerts.isEmpty(), "the 1.5 s sleep on the event loop is reported");
    bool named = false;
    for (const QJsonValue &value : alerts) {
        const QJsonObject alert = value.toObject();
        if (!alert.value(QStringLiteral("culprit")).toString().contains(QStringLiteral("command sleep")))
            continue;
        named = true;
        QCOMPARE(alert.value(QStringLiteral("verdict")).toString(), QStringLiteral("long-dispatch"));
        QVERIFY(alert.value(QStringLiteral("sampleCount")).toInt() > 0);
        QVERIFY(!alert.value(QStringLiteral("topFrames")).toArray().isEmpty());
        QVERIFY(alert.value(QStringLiteral("durationNs")).toInteger() > 0);
    }
    QVERIFY2(named, qPrintable(QJsonDocument(alerts).toJson()));
}

QTEST_GUILESS_MAIN(TestHeadlessMain)
#include "tst_headlessmain.moc"
