// Settings: QSettings round trip, clamping of hand-edited values, keys kept out of descriptions.
#include "model/appsettings.h"

#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

class TestAppSettings final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTripsThroughQSettings();
    void handEditedValuesAreClamped_data();
    void handEditedValuesAreClamped();
    void keysNeverAppearInDescriptions();
    void environmentKeysAreTheFallback();
};

void TestAppSettings::roundTripsThroughQSettings()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("settings.ini"));
    AppSettings s;
    s.suspicionMs = 80;
    s.hangMs = 300;
    s.severeMs = 1200;
    s.criticalMs = 6000;
    s.recordDispatches = false;
    s.retentionS = 30;
    s.storeCapacityMillions = 4;
    s.deepgramBaseUrl = QUrl(QStringLiteral("https://api.deepgram.com"));
    s.openAiBaseUrl = QUrl(QStringLiteral("http://127.0.0.1:9000"));
    s.deepgramApiKey = QStringLiteral("dg-secret");
    s.openAiApiKey = QStringLiteral("sk-secret");
    s.theme = AppSettings::Theme::Dark;
    s.followWindowMs = 5000;
    s.freezeMs = 700;
    s.freezeKind = AppSettings::FreezeKind::Busy;
    {
        QSettings out(path, QSettings::IniFormat);
        s.save(out);
    }
    QSettings in(path, QSettings::IniFormat);
    AppSettings back;
    back.load(in);
    QCOMPARE(back, s);
}

void TestAppSettings::handEditedValuesAreClamped_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::addColumn<int>("hangMs");
    QTest::addColumn<int>("retentionS");
    QTest::newRow("hang below suspicion becomes suspicion")
        << QStringLiteral("watchdog/hangMs") << QStringLiteral("5") << 100 << 120;
    QTest::newRow("not a number keeps the default")
        << QStringLiteral("watchdog/hangMs") << QStringLiteral("soon") << 250 << 120;
    QTest::newRow("negative retention is zero")
        << QStringLiteral("trace/retentionS") << QStringLiteral("-7") << 250 << 0;
    QTest::newRow("absurd retention is a day")
        << QStringLiteral("trace/retentionS") << QStringLiteral("99999999") << 250 << 86400;
}

void TestAppSettings::handEditedValuesAreClamped()
{
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(int, hangMs);
    QFETCH(int, retentionS);
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
    settings.setValue(key, value);
    settings.setValue(QStringLiteral("endpoints/deepgram"), QStringLiteral("::not a url::"));
    AppSettings s;
    s.load(settings);
    QCOMPARE(s.hangMs, hangMs);
    QCOMPARE(s.retentionS, retentionS);
    QVERIFY(s.suspicionMs <= s.hangMs && s.hangMs <= s.severeMs && s.severeMs <= s.criticalMs);
    QVERIFY(s.deepgramBaseUrl.isEmpty());
}

void TestAppSettings::keysNeverAppearInDescriptions()
{
    AppSettings s;
    s.deepgramApiKey = QStringLiteral("dg-0123456789");
    s.openAiApiKey = QStringLiteral("sk-abcdef");
    s.deepgramBaseUrl = QUrl(QStringLiteral("https://user:password@api.deepgram.com"));
    const QString text = s.describe();
    QVERIFY(!text.contains(QStringLiteral("dg-0123456789")));
    QVERIFY(!text.contains(QStringLiteral("sk-abcdef")));
    QVERIFY(!text.contains(QStringLiteral("password")));
    QVERIFY(text.contains(QStringLiteral("key set")));
}

void TestAppSettings::environmentKeysAreTheFallback()
{
    qputenv("DEEPGRAM_API_KEY", "from-env");
    AppSettings s;
    QCOMPARE(s.effectiveDeepgramKey(), QStringLiteral("from-env"));
    s.deepgramApiKey = QStringLiteral("from-settings");
    QCOMPARE(s.effectiveDeepgramKey(), QStringLiteral("from-settings"));
    qunsetenv("DEEPGRAM_API_KEY");
}

QTEST_GUILESS_MAIN(TestAppSettings)
#include "tst_appsettings.moc"
