// Where lanes go: sections, groups that fold, depths and counter strips, hit-testing by y.
#include "ui/timelinelayout.h"

#include <QTest>

#include "tests/ui/tracefixture.h"

using namespace TraceFixture;

class TestTimelineLayout final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sectionsInOrderUiThreadFirst();
    void bigGroupsStartCollapsed();
    void toggleExpandsGroup();
    void collapsedSectionHidesLanes();
    void hitTest_data();
    void hitTest();
    void emptyStore();
    void silentLanesAreLeftOut();
    void ungroupedCoroutinesFoldByName();
};

void TestTimelineLayout::sectionsInOrderUiThreadFirst()
{
    TraceStore store;
    // Register the worker before the UI thread: the UI thread must still lead.
    lane(store, Worker, LaneKind::Thread, "worker");
    fill(store);
    TimelineLayout layout;
    layout.rebuild(store);
    const auto &rows = layout.rows();
    QVERIFY(rows.size() >= 6);
    QCOMPARE(rows[0].type, TimelineRow::Type::Section);
    QCOMPARE(rows[0].kind, LaneKind::Thread);
    QCOMPARE(rows[1].lane, Ui);
    QCOMPARE(rows[2].lane, Worker);
    QList<LaneKind> sections;
    for (const TimelineRow &row : rows) {
        if (row.type == TimelineRow::Type::Section)
            sections.append(row.kind);
    }
    QCOMPARE(sections, (QList<LaneKind> {LaneKind::Thread, LaneKind::Stream, LaneKind::Coroutine}));
    // Rows tile the height without gaps.
    int y = 0;
    for (const TimelineRow &row : rows) {
        QCOMPARE(row.y, y);
        y += row.height;
    }
    QCOMPARE(layout.totalHeight(), y);
    // The UI thread has two depths (onTimer > parse).
    QCOMPARE(rows[1].depths, 2);
}

void TestTimelineLayout::bigGroupsStartCollapsed()
{
    TraceStore store;
    fill(store);
    TimelineLayout layout;
    layout.rebuild(store);
    const int row = layout.rowOfLane(GroupFirst + 2);
    QVERIFY(row >= 0);
    const TimelineRow &group = layout.rows()[std::size_t(row)];
    QCOMPARE(group.type, TimelineRow::Type::Group);
    QVERIFY(group.collapsed);
    QCOMPARE(group.membersCount, GroupSize);
    QCOMPARE(layout.members(group).size(), std::size_t(GroupSize));
    QCOMPARE(layout.members(group)[0], GroupFirst);
    // Every member maps to the one aggregate row.
    for (int i = 0; i < GroupSize; ++i)
        QCOMPARE(layout.rowOfLane(GroupFirst + LaneId(i)), row);
}

void TestTimelineLayout::toggleExpandsGroup()
{
    TraceStore store;
    fill(store);
    TimelineLayout layout;
    layout.rebuild(store);
    const int before = int(layout.rows().size());
    layout.toggle(layout.rows()[std::size_t(layout.rowOfLane(GroupFirst))]);
    layout.rebuild(store);
    QCOMPARE(int(layout.rows().size()), before + GroupSize);
    const int first = layout.rowOfLane(GroupFirst);
    QCOMPARE(layout.rows()[std::size_t(first)].type, TimelineRow::Type::Lane);
    QCOMPARE(layout.rows()[std::size_t(first)].indent, std::uint8_t(2));
    QCOMPARE(layout.rows()[std::size_t(first - 1)].type, TimelineRow::Type::Group);
    QVERIFY(!layout.rows()[std::size_t(first - 1)].collapsed);
}

void TestTimelineLayout::collapsedSectionHidesLanes()
{
    TraceStore store;
    fill(store);
    TimelineLayout layout;
    layout.rebuild(store);
    layout.toggle(layout.rows()[0]); // Threads
    layout.rebuild(store);
    QCOMPARE(layout.rows()[0].type, TimelineRow::Type::Section);
    QVERIFY(layout.rows()[0].collapsed);
    QCOMPARE(layout.rowOfLane(Ui), 0);
    QCOMPARE(layout.rowOfLane(Worker), 0);
    QCOMPARE(layout.rows()[1].type, TimelineRow::Type::Section);
}

void TestTimelineLayout::hitTest_data()
{
    QTest::addColumn<int>("yInRow");
    QTest::addColumn<LaneId>("lane");
    QTest::addColumn<int>("depth");
    QTest::addColumn<int>("counter");
    using L = TimelineLayout;
    QTest::newRow("padding above the first depth") << 1 << Ui << -1 << -1;
    QTest::newRow("first depth") << L::LanePadding + 2 << Ui << 0 << -1;
    QTest::newRow("second depth") << L::LanePadding + L::DepthHeight + 5 << Ui << 1 << -1;
    QTest::newRow("stream's span row") << L::LanePadding + 3 << Stream << -1 << -1;
    QTest::newRow("stream's counter strip") << L::LanePadding + L::DepthHeight + 4 << Stream << -1 << 0;
}

void TestTimelineLayout::hitTest()
{
    QFETCH(int, yInRow);
    QFETCH(LaneId, lane);
    QFETCH(int, depth);
    QFETCH(int, counter);
    TraceStore store;
    fill(store);
    TimelineLayout layout;
    layout.rebuild(store);
    const int row = layout.rowOfLane(lane);
    QVERIFY(row >= 0);
    const TimelineLayout::Hit hit = layout.hitTest(layout.rows()[std::size_t(row)].y + yInRow);
    QCOMPARE(hit.row, row);
    QCOMPARE(hit.depth, depth);
    QCOMPARE(hit.counter, counter);
}

void TestTimelineLayout::emptyStore()
{
    TraceStore store;
    TimelineLayout layout;
    layout.rebuild(store);
    QVERIFY(layout.rows().empty());
    QCOMPARE(layout.rowAt(0), -1);
    QCOMPARE(layout.rowAt(-5), -1);
    QCOMPARE(layout.rowOfLane(Ui), -1);
    QCOMPARE(layout.hitTest(10).row, -1);
}

void TestTimelineLayout::silentLanesAreLeftOut()
{
    TraceStore store;
    fill(store);
    lane(store, 50, LaneKind::Thread, "registered, nothing recorded");
    TimelineLayout layout;
    layout.rebuild(store);
    QCOMPARE(layout.rowOfLane(50), -1);
    store.addInstant(50, 1 * Ms, TraceNames::intern("something"));
    layout.rebuild(store);
    QVERIFY(layout.rowOfLane(50) >= 0);
    layout.setHideEmptyLanes(false);
    lane(store, 51, LaneKind::Thread, "still silent");
    layout.rebuild(store);
    QVERIFY(layout.rowOfLane(51) >= 0);
}

void TestTimelineLayout::ungroupedCoroutinesFoldByName()
{
    TraceStore store;
    lane(store, Ui, LaneKind::Thread, "UI thread");
    for (LaneId id = 20; id < 25; ++id) {
        lane(store, id, LaneKind::Coroutine, "fetchChunk"); // no group, as imported from another tool
        store.setCoroutineState(id, Ui, qint64(id) * Ms, CoroutineState::Running, 0);
        store.setCoroutineState(id, NoLane, qint64(id) * Ms + 100, CoroutineState::Finished, 0);
    }
    lane(store, 30, LaneKind::Coroutine, "alone");
    store.setCoroutineState(30, Ui, 40 * Ms, CoroutineState::Running, 0);
    TimelineLayout layout;
    layout.rebuild(store);
    const TimelineRow &group = layout.rows()[std::size_t(layout.rowOfLane(20))];
    QCOMPARE(group.type, TimelineRow::Type::Group);
    QCOMPARE(group.membersCount, 5);
    QCOMPARE(layout.rows()[std::size_t(layout.rowOfLane(30))].type, TimelineRow::Type::Lane);
}

QTEST_GUILESS_MAIN(TestTimelineLayout)
#include "tst_timelinelayout.moc"
