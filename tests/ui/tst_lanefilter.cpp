// Which lanes the timeline's filter keeps: words in a lane's name, group, stream and state, a
// state to keep, and Taskscope's own work hidden unless asked for.
#include "model/trace/tracenames.h"
#include "model/trace/tracestore.h"
#include "ui/lanefilter.h"

#include <QTest>

using namespace Taskscope::Trace;
using namespace Taskscope::Ui;

namespace {

LaneInfo makeLane(LaneId id, LaneKind kind, const QString &name, const QString &group = {}, LaneId parent = NoLane,
                  qint64 endedNs = -1)
{
    LaneInfo info;
    info.id = id;
    info.kind = kind;
    info.name = TraceNames::intern(name);
    info.group = TraceNames::intern(group);
    info.parent = parent;
    info.endedNs = endedNs;
    return info;
}

} // namespace

class TestLaneFilter final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matches_data();
    void matches();
    void narrows();
};

void TestLaneFilter::matches_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("state");
    QTest::addColumn<bool>("showOwn");
    QTest::addColumn<LaneId>("lane");
    QTest::addColumn<bool>("kept");
    const int any = int(LaneFilter::State::Any), running = int(LaneFilter::State::Running),
              ended = int(LaneFilter::State::Ended);
    QTest::newRow("no words keep a stream") << QString() << any << false << LaneId(2) << true;
    QTest::newRow("a word of the name") << QStringLiteral("LISTEN") << any << false << LaneId(2) << true;
    QTest::newRow("the model in a stream's name") << QStringLiteral("coroutine") << any << false << LaneId(2) << true;
    QTest::newRow("a coroutine found by its stream's model")
        << QStringLiteral("coroutine transcribe") << any << false << LaneId(3) << true;
    QTest::newRow("a word it lacks") << QStringLiteral("thread") << any << false << LaneId(2) << false;
    QTest::newRow("by section") << QStringLiteral("coroutines") << any << false << LaneId(3) << true;
    QTest::newRow("by state word") << QStringLiteral("ended") << any << false << LaneId(4) << true;
    QTest::newRow("running only drops an ended lane") << QString() << running << false << LaneId(4) << false;
    QTest::newRow("ended only drops a live lane") << QString() << ended << false << LaneId(2) << false;
    QTest::newRow("own work hidden by default") << QString() << any << false << LaneId(5) << false;
    QTest::newRow("own work shown when asked") << QString() << any << true << LaneId(5) << true;
}

void TestLaneFilter::matches()
{
    QFETCH(QString, text);
    QFETCH(int, state);
    QFETCH(bool, showOwn);
    QFETCH(LaneId, lane);
    QFETCH(bool, kept);
    TraceStore store;
    store.setLane(makeLane(1, LaneKind::Thread, QStringLiteral("UI thread")));
    store.setLane(makeLane(2, LaneKind::Stream, QStringLiteral("listen #1 · coroutine"), QStringLiteral("live")));
    store.setLane(makeLane(3, LaneKind::Coroutine, QStringLiteral("transcribe"), QStringLiteral("transcribe"), 2));
    store.setLane(makeLane(4, LaneKind::Stream, QStringLiteral("listen #2 · thread"), {}, NoLane, 1000));
    store.setLane(makeLane(5, LaneKind::Thread, QStringLiteral("paint"), LaneFilter::ownWorkGroup()));
    LaneFilter filter;
    filter.setText(text);
    filter.setState(LaneFilter::State(state));
    filter.setShowOwnWork(showOwn);
    QCOMPARE(filter.matches(store, store.lane(lane)), kept);
}

void TestLaneFilter::narrows()
{
    LaneFilter filter;
    QVERIFY(!filter.narrows());
    filter.setShowOwnWork(true);
    QVERIFY(!filter.narrows());
    filter.setText(QStringLiteral("  "));
    QVERIFY(!filter.narrows());
    filter.setText(QStringLiteral("x"));
    QVERIFY(filter.narrows());
    filter.setText({});
    filter.setState(LaneFilter::State::Running);
    QVERIFY(filter.narrows());
}

QTEST_GUILESS_MAIN(TestLaneFilter)
#include "tst_lanefilter.moc"
