// The headless runner with its watchdog: the ui-freeze scenario's report carries the alert that
// names the blocking command, with its evidence (stack samples, verdict, tier).
#include "app/headless/headlessmain.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

class TestHeadlessMain final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void uiFreezeReportCarriesTheAlert();
};

void TestHeadlessMain::uiFreezeReportCarriesTheAlert()
{
    QTemporaryDir dir;
    const QString report = dir.filePath(QStringLiteral("report.json"));
    const int code = runHeadlessWithWatchdog({QStringLiteral("taskscope"), QStringLiteral("--headless"), QStringLiteral("--scenario"),
                                              QStringLiteral("ui-freeze"), QStringLiteral("--report"), report,
                                              QStringLiteral("--quiet")});
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
