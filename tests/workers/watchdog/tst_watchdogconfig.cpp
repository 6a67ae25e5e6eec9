#include "workers/watchdog/watchdogconfig.h"

#include <QJsonDocument>
#include <QTest>

using namespace Taskscope::Model;
using namespace Taskscope::Watchdog;

using namespace std::chrono_literals;

class TestWatchdogConfig final : public QObject
{
    Q_OBJECT

private slots:
    void defaultsAreTheDesignTiers();
    void jsonRoundTrip();
    void badSettingsAreReported_data();
    void badSettingsAreReported();
};

void TestWatchdogConfig::defaultsAreTheDesignTiers()
{
    const UiWatchdogConfig config;
    QCOMPARE(config.suspicion, 100ms);
    QCOMPARE(config.hang, 250ms);
    QCOMPARE(config.severe, 1000ms);
    QCOMPARE(config.critical, 5000ms);
    QVERIFY(config.validate().isEmpty());
}

void TestWatchdogConfig::jsonRoundTrip()
{
    UiWatchdogConfig config;
    config.hang = 300ms;
    config.journal = false;
    config.dispatchProbe = false;
    config.journalPath = QStringLiteral("/tmp/j.jsonl");
    config.notifyMinTier = AlertTier::Severe;
    QString error;
    const UiWatchdogConfig back = UiWatchdogConfig::fromJson(config.toJson(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(back.toJson(), config.toJson());
    QCOMPARE(back.hang, 300ms);
    QVERIFY(!back.dispatchProbe);
    QCOMPARE(back.notifyMinTier, AlertTier::Severe);
}

void TestWatchdogConfig::badSettingsAreReported_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("unknown key") << QByteArray(R"({"hangMillis": 3})") << QStringLiteral("hangMillis");
    QTest::newRow("tiers out of order") << QByteArray(R"({"hangMs": 2000})") << QStringLiteral("increase");
    QTest::newRow("negative interval") << QByteArray(R"({"pollIntervalMs": -5})") << QStringLiteral("pollIntervalMs");
    QTest::newRow("text for a number") << QByteArray(R"({"severeMs": "1s"})") << QStringLiteral("severeMs");
    QTest::newRow("unknown tier name") << QByteArray(R"({"notifyMinTier": "awful"})")
                                       << QStringLiteral("notifyMinTier");
    QTest::newRow("tiny journal") << QByteArray(R"({"journalMaxBytes": 10})") << QStringLiteral("journalMaxBytes");
}

void TestWatchdogConfig::badSettingsAreReported()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, mentions);
    QString error;
    UiWatchdogConfig::fromJson(QJsonDocument::fromJson(json).object(), &error);
    QVERIFY2(error.contains(mentions), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestWatchdogConfig)
#include "tst_watchdogconfig.moc"
