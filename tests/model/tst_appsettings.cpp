// Settings: QSettings round trip, clamping of hand-edited values, keys kept out of descriptions.
#include "model/appsettings.h"

#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace Taskscope::Model;

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
    s.keepRuns = 3;
    s.traceBudgetMiB = 100;
    s.hiddenLaneGroups = {QStringLiteral("Threads/Pool"), QStringLiteral("Streams/live")};
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
    QTest::addColumn<int>("keepRuns");
    QTest::addColumn<int>("budgetMiB");
    QTest::newRow("hang below suspicion becomes suspicion")
        << QStringLiteral("watchdog/hangMs") << QStringLiteral("5") << 100 << 8 << 512;
    QTest::newRow("not a number keeps the default")
        << QStringLiteral("watchdog/hangMs") << QStringLiteral("soon") << 250 << 8 << 512;
    QTest::newRow("negative run count keeps any number")
        << QStringLiteral("trace/keepRuns") << QStringLiteral("-7") << 250 << 0 << 512;
    QTest::newRow("absurd run count is a thousand")
        << QStringLiteral("trace/keepRuns") << QStringLiteral("99999999") << 250 << 1000 << 512;
    QTest::newRow("tiny budget is sixteen MiB")
        << QStringLiteral("trace/budgetMiB") << QStringLiteral("1") << 250 << 8 << 16;
}

void TestAppSettings::handEditedValuesAreClamped()
{
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(int, hangMs);
    QFETCH(int, keepRuns);
    QFETCH(int, budgetMiB);
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
    settings.setValue(key, value);
    settings.setValue(QStringLiteral("endpoints/deepgram"), QStringLiteral("::not a url::"));
    AppSettings s;
    s.load(settings);
    QCOMPARE(s.hangMs, hangMs);
    QCOMPARE(s.keepRuns, keepRuns);
    QCOMPARE(s.traceBudgetMiB, budgetMiB);
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
