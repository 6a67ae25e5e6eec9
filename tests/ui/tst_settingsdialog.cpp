// The settings dialog: values in and out, validation, keys in password fields.
#include "ui/settingsdialog.h"

#include <QLineEdit>
#include <QSpinBox>
#include <QTest>

using namespace Taskscope::Model;
using namespace Taskscope::Ui;

class TestSettingsDialog final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTripsSettings();
    void refusesUnorderedTiersAndBadUrls();
    void keysAreMasked();
};

void TestSettingsDialog::roundTripsSettings()
{
    AppSettings s;
    s.hangMs = 400;
    s.keepRuns = 3;
    s.traceBudgetMiB = 256;
    s.hiddenLaneGroups = {QStringLiteral("Threads/loopback-net-#")};
    s.deepgramBaseUrl = QUrl(QStringLiteral("https://api.deepgram.com"));
    s.openAiApiKey = QStringLiteral("sk-test");
    s.theme = AppSettings::Theme::Dark;
    s.freezeMs = 900;
    s.recordDispatches = false;
    SettingsDialog dialog;
    dialog.setSettings(s);
    QCOMPARE(dialog.settings(), s.normalized());
}

void TestSettingsDialog::refusesUnorderedTiersAndBadUrls()
{
    SettingsDialog dialog;
    dialog.setSettings(AppSettings());
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    dialog.hangBox()->setValue(20'000); // above "severe"
    QVERIFY(!dialog.validationError().isEmpty());
    dialog.accept();
    QVERIFY(dialog.isVisible());
    dialog.hangBox()->setValue(300);
    QVERIFY(dialog.validationError().isEmpty());
    dialog.deepgramUrlEdit()->setText(QStringLiteral("no host here"));
    QVERIFY(dialog.validationError().contains(QStringLiteral("no host here")));
    dialog.deepgramUrlEdit()->setText(QStringLiteral("https://example.org"));
    dialog.accept();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QCOMPARE(dialog.settings().hangMs, 300);
}

void TestSettingsDialog::keysAreMasked()
{
    SettingsDialog dialog;
    QCOMPARE(dialog.deepgramKeyEdit()->echoMode(), QLineEdit::Password);
}

QTEST_MAIN(TestSettingsDialog)
#include "tst_settingsdialog.moc"
