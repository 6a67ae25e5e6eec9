// Where lanes go: sections, groups that fold, depths and counter strips, hit-testing by y.
#include "ui/timelinelayout.h"

#include <QTest>

#include <algorithm>

#include "tests/ui/tracefixture.h"

using namespace Taskscope::Trace;
using namespace Taskscope::Ui;

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
    void runningLanesComeFirstEndedOnesFold();
    void endedRowExpands();
    void threadsInNaturalOrderNumberedOnesGroup();
    void naturalLess_data();
    void naturalLess();
    void numberPattern_data();
    void numberPattern();
    void filter_data();
    void filter();
    void ownWorkHiddenUnlessAsked();
    void bigLiveGroupsFitInOneScreen();
    void pinnedLanesLead_data();
    void pinnedLanesLead();
    void hiddenGroupsLeaveTheTimeline();
};

namespace {

void endLane(TraceStore &store, LaneId id, const char *name, LaneKind kind, qint64 endedNs, const char *group = "")
{
    LaneInfo info;
    info.id = id;
    info.kind = kind;
    info.name = TraceNames::intern(name);
    info.group = TraceNames::intern(group);
    info.endedNs = endedNs;
    store.setLane(info);
}

QList<LaneId> laneRows(const TimelineLayout &layout, LaneKind kind)
{
    QList<LaneId> out;
    for (const TimelineRow &row : layout.rows()) {
        if (row.type == TimelineRow::Type::Lane && row.kind == kind)
            out.append(row.lane);
    }
    return out;
}

/// Two batches of stream lanes: 1..3 ended (first batch), 4..5 running (second batch).
void twoBatches(TraceStore &store)
{
    lane(store, Ui, LaneKind::Thread, "UI thread");
    store.addSpan(Ui, 0, Ms, TraceNames::intern("tick"));
    for (LaneId id = 20; id < 25; ++id) {
        const QByteArray name = "listen #" + QByteArray::number(id - 19);
        endLane(store, id, name.constData(), LaneKind::Stream, id < 23 ? 50 * Ms : -1);
        store.addSpan(id, id < 23 ? 0 : 60 * Ms, id < 23 ? 40 * Ms : 90 * Ms, TraceNames::intern("utterance"));
    }
}

} // namespace

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

void TestTimelineLayout::runningLanesComeFirstEndedOnesFold()
{
    TraceStore store;
    twoBatches(store);
    TimelineLayout layout;
    layout.rebuild(store);
    // The second batch is at the top of its section; the first batch is one folded "ended" row.
    QCOMPARE(laneRows(layout, LaneKind::Stream), (QList<LaneId> {23, 24}));
    const int endedRow = layout.rowOfLane(20);
    QVERIFY(endedRow > layout.rowOfLane(24));
    const TimelineRow &ended = layout.rows()[std::size_t(endedRow)];
    QCOMPARE(ended.type, TimelineRow::Type::Group);
    QVERIFY(ended.ended);
    QVERIFY(ended.collapsed);
    QCOMPARE(ended.height, TimelineLayout::EndedRowHeight);
    QCOMPARE(ended.membersCount, 3);
    QCOMPARE(layout.rowOfLane(21), endedRow);
    QCOMPARE(layout.rowOfLane(22), endedRow);
    // The section heading counts both.
    const TimelineRow &section = layout.rows()[std::size_t(layout.rowOfLane(23) - 1)];
    QCOMPARE(section.type, TimelineRow::Type::Section);
    QCOMPARE(section.membersCount, 5);
    QCOMPARE(section.endedCount, 3);
}

void TestTimelineLayout::endedRowExpands()
{
    TraceStore store;
    twoBatches(store);
    TimelineLayout layout;
    layout.rebuild(store);
    layout.toggle(layout.rows()[std::size_t(layout.rowOfLane(20))]);
    layout.rebuild(store);
    QCOMPARE(laneRows(layout, LaneKind::Stream), (QList<LaneId> {23, 24, 20, 21, 22}));
    const TimelineRow &first = layout.rows()[std::size_t(layout.rowOfLane(20))];
    QCOMPARE(first.indent, std::uint8_t(2));
    QVERIFY(layout.rows()[std::size_t(layout.rowOfLane(20) - 1)].ended);
}

void TestTimelineLayout::threadsInNaturalOrderNumberedOnesGroup()
{
    TraceStore store;
    // Registered in the order threads happened to start.
    const char *names[] = {"worker #3", "zeta", "worker #1", "worker #10", "worker #2", "alpha"};
    LaneId id = 30;
    for (const char *name : names) {
        lane(store, id, LaneKind::Thread, name);
        store.addSpan(id, 0, Ms, TraceNames::intern("tick"));
        ++id;
    }
    lane(store, Ui, LaneKind::Thread, "UI thread");
    store.addSpan(Ui, 0, Ms, TraceNames::intern("tick"));
    TimelineLayout layout;
    layout.rebuild(store);
    // UI thread first; then by name, numbers as numbers; the four "worker" threads form a group.
    QCOMPARE(laneRows(layout, LaneKind::Thread), (QList<LaneId> {Ui, 35, 32, 34, 30, 33, 31}));
    const TimelineRow &group = layout.rows()[std::size_t(layout.rowOfLane(32) - 1)];
    QCOMPARE(group.type, TimelineRow::Type::Group);
    QCOMPARE(TraceNames::name(group.group), QStringLiteral("worker #…"));
    QCOMPARE(group.membersCount, 4);
    QVERIFY(!group.collapsed); // fewer than AutoCollapseOtherGroupSize
}

void TestTimelineLayout::naturalLess_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<bool>("less");
    QTest::newRow("2 before 10") << "worker #2"
                                 << "worker #10" << true;
    QTest::newRow("10 after 9") << "worker #10"
                                << "worker #9" << false;
    QTest::newRow("letters ignore case") << "Alpha"
                                         << "beta" << true;
    QTest::newRow("a prefix comes first") << "pool"
                                          << "pool 1" << true;
    QTest::newRow("equal is not less") << "x 1"
                                       << "x 1" << false;
}

void TestTimelineLayout::naturalLess()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(bool, less);
    QCOMPARE(TimelineLayout::naturalLess(a, b), less);
}

void TestTimelineLayout::numberPattern_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("pattern");
    QTest::newRow("a number in the middle")
        << QStringLiteral("live #12 · thread") << QStringLiteral("live #… · thread");
    QTest::newRow("a trailing number") << QStringLiteral("loopback-net-3") << QStringLiteral("loopback-net-…");
    QTest::newRow("two numbers") << QStringLiteral("pool 2 worker 10") << QStringLiteral("pool … worker …");
    QTest::newRow("no number") << QStringLiteral("UI watchdog") << QString();
}

void TestTimelineLayout::numberPattern()
{
    QFETCH(QString, name);
    QFETCH(QString, pattern);
    QCOMPARE(TimelineLayout::numberPattern(name), pattern);
}

void TestTimelineLayout::filter_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("state");
    QTest::addColumn<QList<LaneId>>("streams");
    QTest::addColumn<int>("hidden");
    QTest::newRow("no filter") << QString() << int(LaneFilter::State::Any) << QList<LaneId> {23, 24} << 0;
    QTest::newRow("by name") << QStringLiteral("#4") << int(LaneFilter::State::Any) << QList<LaneId> {23} << 5;
    QTest::newRow("every word must match")
        << QStringLiteral("listen running") << int(LaneFilter::State::Any) << QList<LaneId> {23, 24} << 4;
    QTest::newRow("running only") << QString() << int(LaneFilter::State::Running) << QList<LaneId> {23, 24} << 3;
    QTest::newRow("ended only, listed without folding")
        << QString() << int(LaneFilter::State::Ended) << QList<LaneId> {20, 21, 22} << 3;
    QTest::newRow("nothing matches") << QStringLiteral("nosuchlane") << int(LaneFilter::State::Any) << QList<LaneId> {}
                                     << 6;
}

void TestTimelineLayout::filter()
{
    QFETCH(QString, text);
    QFETCH(int, state);
    QFETCH(QList<LaneId>, streams);
    QFETCH(int, hidden);
    TraceStore store;
    twoBatches(store);
    TimelineLayout layout;
    LaneFilter f;
    f.setText(text);
    f.setState(LaneFilter::State(state));
    layout.setFilter(f);
    layout.rebuild(store);
    QCOMPARE(laneRows(layout, LaneKind::Stream), streams);
    QCOMPARE(layout.filteredOut(), hidden);
}

void TestTimelineLayout::ownWorkHiddenUnlessAsked()
{
    TraceStore store;
    fill(store);
    endLane(store, 40, "Taskscope timeline paint", LaneKind::Thread, -1, "Taskscope (own work)");
    store.addSpan(40, 0, Ms, TraceNames::intern("timeline paint"));
    TimelineLayout layout;
    layout.rebuild(store);
    QCOMPARE(layout.rowOfLane(40), -1);
    QCOMPARE(layout.filteredOut(), 0); // hiding it is the default, not a filter
    LaneFilter f;
    f.setShowOwnWork(true);
    layout.setFilter(f);
    layout.rebuild(store);
    // Right below the UI thread.
    QCOMPARE(laneRows(layout, LaneKind::Thread).mid(0, 2), (QList<LaneId> {Ui, 40}));
}

void TestTimelineLayout::bigLiveGroupsFitInOneScreen()
{
    // 64 coroutine streams (and their coroutines) then 16 thread streams on numbered worker
    // threads: every running lane sits in a folded group, and the whole layout fits in the
    // timeline's height at 1600 x 1000 (about 500 px under the ruler).
    TraceStore store;
    lane(store, Ui, LaneKind::Thread, "UI thread");
    store.addSpan(Ui, 0, Ms, TraceNames::intern("tick"));
    LaneId id = 100;
    for (int i = 0; i < 80; ++i) {
        const bool coroutine = i < 64;
        const QByteArray name = "live-transcription #" + QByteArray::number(i + 1)
            + (coroutine ? " · coroutine" : " · thread");
        const LaneId stream = id++;
        endLane(store, stream, name.constData(), LaneKind::Stream, -1, "live-transcription");
        store.addSpan(stream, 0, 10 * Ms, TraceNames::intern("utterance"));
        store.addCounter(stream, TraceNames::intern("bytes in flight"), 0, 1);
        if (coroutine) {
            const LaneId coro = id++;
            endLane(store, coro, "transcribe", LaneKind::Coroutine, -1, "transcribe");
            // One at a time on the UI thread, as an event loop runs them.
            store.setCoroutineState(coro, Ui, (i + 1) * Ms, CoroutineState::Running, 0);
            store.setCoroutineState(coro, NoLane, (i + 1) * Ms + Ms / 2, CoroutineState::Suspended, 0);
        } else {
            const QByteArray thread = "live #" + QByteArray::number(i - 63) + " · thread"; // as the app names them
            const LaneId worker = id++;
            lane(store, worker, LaneKind::Thread, thread.constData());
            store.addSpan(worker, 0, Ms, TraceNames::intern("decode"));
        }
    }
    TimelineLayout layout;
    layout.rebuild(store);
    QString rows; // type:height:members of each row, for a failure message
    for (const TimelineRow &row : layout.rows())
        rows += QStringLiteral("%1:%2:%3 ").arg(int(row.type)).arg(row.height).arg(row.membersCount);
    QVERIFY2(layout.totalHeight() <= 500, qPrintable(rows));
    for (LaneId l = 100; l < id; ++l)
        QVERIFY(layout.rowOfLane(l) >= 0);
}

void TestTimelineLayout::pinnedLanesLead_data()
{
    QTest::addColumn<QList<LaneId>>("pinned");
    QTest::addColumn<QList<LaneId>>("streamRows");
    QTest::newRow("nothing pinned: running first") << QList<LaneId> {} << QList<LaneId> {23, 24};
    QTest::newRow("a running lane pinned leads") << QList<LaneId> {24} << QList<LaneId> {24, 23};
    QTest::newRow("an ended lane pinned stays in view before the running ones")
        << QList<LaneId> {21} << QList<LaneId> {21, 23, 24};
    QTest::newRow("two pinned keep their order") << QList<LaneId> {24, 20} << QList<LaneId> {20, 24, 23};
}

void TestTimelineLayout::pinnedLanesLead()
{
    QFETCH(QList<LaneId>, pinned);
    QFETCH(QList<LaneId>, streamRows);
    TraceStore store;
    twoBatches(store);
    TimelineLayout layout;
    for (const LaneId id : pinned)
        layout.setPinned(id, true);
    layout.rebuild(store);
    QCOMPARE(laneRows(layout, LaneKind::Stream), streamRows);
    for (const LaneId id : pinned)
        QVERIFY(layout.rows()[std::size_t(layout.rowOfLane(id))].pinned);
    // The ended row counts only the ended lanes left in it.
    const TimelineRow &section = layout.rows()[std::size_t(layout.rowOfLane(streamRows.first()) - 1)];
    QCOMPARE(section.type, TimelineRow::Type::Section);
    const int pinnedEnded = int(std::count_if(pinned.cbegin(), pinned.cend(), [](LaneId id) { return id < 23; }));
    QCOMPARE(section.endedCount, 3 - pinnedEnded);
    layout.setPinned(pinned.value(0), false);
    QCOMPARE(layout.pinnedCount(), std::max(0, int(pinned.size()) - 1));
}

void TestTimelineLayout::hiddenGroupsLeaveTheTimeline()
{
    TraceStore store;
    TraceFixture::fill(store);
    TimelineLayout layout;
    layout.setCollapsed(QStringLiteral("e:%1").arg(int(LaneKind::Coroutine)), false);
    layout.rebuild(store);
    const int groupRow = layout.rowOfLane(TraceFixture::GroupFirst);
    QVERIFY(groupRow >= 0);
    const QString key = layout.groupKeyOf(layout.rows()[std::size_t(groupRow)]);
    QCOMPARE(key, QStringLiteral("Coroutines/fetchChunk"));
    LaneFilter filter;
    filter.setHiddenGroups({key});
    layout.setFilter(filter);
    layout.rebuild(store);
    for (int i = 0; i < TraceFixture::GroupSize; ++i)
        QCOMPARE(layout.rowOfLane(TraceFixture::GroupFirst + LaneId(i)), -1);
    QCOMPARE(layout.hiddenByGroup(), TraceFixture::GroupSize);
    // Everything else is still there.
    QVERIFY(layout.rowOfLane(TraceFixture::Coro) >= 0);
    QVERIFY(layout.rowOfLane(TraceFixture::Ui) >= 0);
    // A lane outside any group has no group to hide.
    QVERIFY(layout.groupKeyOf(layout.rows()[std::size_t(layout.rowOfLane(TraceFixture::Worker))]).isEmpty());
    layout.setFilter(LaneFilter());
    layout.rebuild(store);
    QVERIFY(layout.rowOfLane(TraceFixture::GroupFirst) >= 0);
    QCOMPARE(layout.hiddenByGroup(), 0);
}

QTEST_GUILESS_MAIN(TestTimelineLayout)
#include "tst_timelinelayout.moc"
