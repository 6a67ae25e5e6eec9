// The eliding label: in a narrow status bar the permanent labels shrink with "…" and leave the
// status message room instead of being drawn over.
#include "ui/elidedlabel.h"

#include <QStatusBar>
#include <QTest>

using namespace Taskscope::Ui;

class TestElidedLabel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void wideEnoughShowsEverything();
    void narrowStatusBarLeavesTheMessageRoom();
};

void TestElidedLabel::wideEnoughShowsEverything()
{
    ElidedLabel label;
    label.setFullText(QStringLiteral("Watchdog: hang ≥ 250 ms"));
    label.resize(label.sizeHint());
    label.show();
    QVERIFY(QTest::qWaitForWindowExposed(&label));
    QCOMPARE(label.text(), QStringLiteral("Watchdog: hang ≥ 250 ms"));
    QCOMPARE(label.toolTip(), label.fullText());
}

void TestElidedLabel::narrowStatusBarLeavesTheMessageRoom()
{
    QStatusBar bar;
    auto *service = new ElidedLabel(&bar);
    auto *watchdog = new ElidedLabel(&bar);
    service->setFullText(QStringLiteral("Built-in service http://127.0.0.1:40123 with a long description of it"));
    watchdog->setFullText(QStringLiteral("Watchdog: hang ≥ 250 ms, severe ≥ 1000 ms, critical ≥ 5000 ms"));
    service->setPreferredMaxWidth(200);
    watchdog->setPreferredMaxWidth(160);
    bar.addPermanentWidget(service);
    bar.addPermanentWidget(watchdog);
    bar.resize(700, 24);
    bar.show();
    QVERIFY(QTest::qWaitForWindowExposed(&bar));
    bar.showMessage(QStringLiteral("Watchdog: the UI thread was blocked for 1.2 s"));
    QTRY_VERIFY(service->text().endsWith(QChar(0x2026)));
    QVERIFY(service->width() <= 200);
    QCOMPARE(service->toolTip(), service->fullText());
    // Where the message is drawn: from the left edge to the first permanent label, which leaves
    // it at least a third of the bar.
    QVERIFY2(service->x() > 700 / 3, qPrintable(QString::number(service->x())));
    QVERIFY(service->x() + service->width() <= watchdog->x());
}

QTEST_MAIN(TestElidedLabel)
#include "tst_elidedlabel.moc"
