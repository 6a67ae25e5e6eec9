// The strip above the timeline: what its controls make of the filter, and its hidden count.
#include "ui/lanefilterbar.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTest>

using namespace Taskscope::Ui;

class TestLaneFilterBar final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void controlsMakeTheFilter();
    void hiddenCount();
};

void TestLaneFilterBar::controlsMakeTheFilter()
{
    LaneFilterBar bar;
    QSignalSpy changed(&bar, &LaneFilterBar::filterChanged);
    QVERIFY(!bar.filter().narrows());
    QVERIFY(!bar.filter().showOwnWork());
    QTest::keyClicks(bar.textBox(), QStringLiteral("worker"));
    QCOMPARE(changed.count(), 6); // one per key
    QCOMPARE(bar.filter().text(), QStringLiteral("worker"));
    bar.stateBox()->setCurrentIndex(bar.stateBox()->findData(int(LaneFilter::State::Running)));
    QCOMPARE(bar.filter().state(), LaneFilter::State::Running);
    bar.ownWorkBox()->setChecked(true);
    QVERIFY(bar.filter().showOwnWork());
    QCOMPARE(changed.last().first().value<LaneFilter>().state(), LaneFilter::State::Running);
}

void TestLaneFilterBar::hiddenCount()
{
    LaneFilterBar bar;
    bar.setHiddenCount(3);
    QCOMPARE(bar.hiddenLabel()->text(), QStringLiteral("3 hidden"));
    bar.setHiddenCount(0);
    QVERIFY(bar.hiddenLabel()->text().isEmpty());
}

QTEST_MAIN(TestLaneFilterBar)
#include "tst_lanefilterbar.moc"
