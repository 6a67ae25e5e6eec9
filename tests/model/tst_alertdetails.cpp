// What the alert inspector derives from an alert: stacks and frames by frequency.
#include "model/alertdetails.h"

#include <QTest>

using namespace Taskscope::Model;

class TestAlertDetails final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void stacksMostFrequentFirst();
    void framesCountEverySampleThatShowsThem();
    void durationWhileOngoingAndAfter();
    void travelsInAVariant();
};

void TestAlertDetails::stacksMostFrequentFirst()
{
    AlertDetails d;
    d.stacks = {{{QStringLiteral("a")}, 2}, {{QStringLiteral("b")}, 9}, {{QStringLiteral("c")}, 2}};
    const auto sorted = d.stacksByFrequency();
    QCOMPARE(sorted[0].frames.first(), QStringLiteral("b"));
    QCOMPARE(sorted[1].frames.first(), QStringLiteral("a")); // ties keep their order
    QCOMPARE(sorted[2].frames.first(), QStringLiteral("c"));
}

void TestAlertDetails::framesCountEverySampleThatShowsThem()
{
    AlertDetails d;
    d.stacks = {
        {{QStringLiteral("nanosleep"), QStringLiteral("freeze"), QStringLiteral("main")}, 3},
        {{QStringLiteral("hash"), QStringLiteral("hash"), QStringLiteral("freeze"), QStringLiteral("main")}, 5}};
    const auto frames = d.framesByFrequency();
    QCOMPARE(frames.size(), 4);
    QCOMPARE(frames[0].second, 8); // freeze (or main): in every sample
    QCOMPARE(frames[1].second, 8);
    QCOMPARE(frames[2], (QPair<QString, int> {QStringLiteral("hash"), 5})); // recursion counts once per sample
    QCOMPARE(frames[3], (QPair<QString, int> {QStringLiteral("nanosleep"), 3}));
}

void TestAlertDetails::durationWhileOngoingAndAfter()
{
    AlertDetails d;
    d.startNs = 1000;
    QVERIFY(d.ongoing());
    QCOMPARE(d.durationNs(5000), 4000);
    d.endNs = 3000;
    QVERIFY(!d.ongoing());
    QCOMPARE(d.durationNs(5000), 2000);
}

void TestAlertDetails::travelsInAVariant()
{
    AlertDetails d;
    d.id = 9;
    d.culprit = QStringLiteral("onTimer");
    const QVariant v = QVariant::fromValue(d);
    QCOMPARE(v.value<AlertDetails>().id, 9u);
    QCOMPARE(v.value<AlertDetails>().culprit, QStringLiteral("onTimer"));
}

QTEST_GUILESS_MAIN(TestAlertDetails)
#include "tst_alertdetails.moc"
