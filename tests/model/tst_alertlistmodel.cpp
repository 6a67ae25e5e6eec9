#include "model/alertlistmodel.h"
#include "model/trace/traceclock.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Taskscope::Model;
using namespace Taskscope::Trace;

class TestAlertListModel final : public QObject
{
    Q_OBJECT

private slots:
    void columnsShowTimeDurationVerdictTierCulprit_data();
    void columnsShowTimeDurationVerdictTierCulprit();
    void upsertUpdatesTheSameRow();
    void rowsAreKeyedBySession();
    void capDropsOldestAndCounts();
    void ongoingRowsRefreshTheirDuration();
    void rolesCarryTheEvidence();
};

static AlertRecord makeAlert(quint32 id, AlertVerdict verdict, AlertTier tier, AlertEnd end, qint64 durationNs)
{
    AlertRecord r;
    r.id = id;
    r.session = QStringLiteral("now");
    r.verdict = verdict;
    r.tier = tier;
    r.end = end;
    r.startNs = TraceClock::nowNs();
    r.durationNs = durationNs;
    r.startWallMs = 1'700'000'000'000;
    r.culprit = QStringLiteral("coroutine 'refresh'");
    return r;
}

void TestAlertListModel::columnsShowTimeDurationVerdictTierCulprit_data()
{
    QTest::addColumn<int>("verdict");
    QTest::addColumn<int>("tier");
    QTest::addColumn<QString>("verdictText");
    QTest::addColumn<QString>("tierText");
    QTest::newRow("long dispatch hang") << int(AlertVerdict::LongDispatch) << int(AlertTier::Hang) << "long dispatch"
                                        << "hang";
    QTest::newRow("backlog severe") << int(AlertVerdict::BacklogSaturation) << int(AlertTier::Severe)
                                    << "backlog saturation"
                                    << "severe";
    QTest::newRow("modal loop is not a hang")
        << int(AlertVerdict::NestedModalLoop) << int(AlertTier::None) << "nested modal loop"
        << "not a hang";
    QTest::newRow("outside dispatch critical")
        << int(AlertVerdict::BlockedOutsideDispatch) << int(AlertTier::Critical) << "blocked outside dispatch"
        << "critical";
}

void TestAlertListModel::columnsShowTimeDurationVerdictTierCulprit()
{
    QFETCH(int, verdict);
    QFETCH(int, tier);
    QFETCH(QString, verdictText);
    QFETCH(QString, tierText);
    AlertListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.upsert(makeAlert(1, AlertVerdict(verdict), AlertTier(tier), AlertEnd::Recovered, 420'000'000));
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.columnCount(), 5);
    QCOMPARE(model.headerData(AlertListModel::CulpritColumn, Qt::Horizontal).toString(), QStringLiteral("Culprit"));
    QCOMPARE(model.index(0, AlertListModel::DurationColumn).data().toString(), QStringLiteral("420 ms"));
    QCOMPARE(model.index(0, AlertListModel::VerdictColumn).data().toString(), verdictText);
    QCOMPARE(model.index(0, AlertListModel::TierColumn).data().toString(), tierText);
    QCOMPARE(model.index(0, AlertListModel::CulpritColumn).data().toString(), QStringLiteral("coroutine 'refresh'"));
    QVERIFY(!model.index(0, AlertListModel::TimeColumn).data().toString().isEmpty());
}

void TestAlertListModel::upsertUpdatesTheSameRow()
{
    AlertListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.upsert(makeAlert(1, AlertVerdict::LongDispatch, AlertTier::Hang, AlertEnd::Ongoing, 260'000'000));
    model.upsert(makeAlert(2, AlertVerdict::LongDispatch, AlertTier::Hang, AlertEnd::Ongoing, 260'000'000));
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.upsert(makeAlert(1, AlertVerdict::LongDispatch, AlertTier::Severe, AlertEnd::Recovered, 1'200'000'000));
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(model.index(0, AlertListModel::TierColumn).data().toString(), QStringLiteral("severe"));
    QCOMPARE(model.index(0, 0).data(AlertListModel::OngoingRole).toBool(), false);
    QCOMPARE(model.index(1, 0).data(AlertListModel::OngoingRole).toBool(), true);
}

void TestAlertListModel::rowsAreKeyedBySession()
{
    AlertListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    AlertRecord earlier = makeAlert(1, AlertVerdict::LongDispatch, AlertTier::Critical, AlertEnd::KilledWhileHung,
                                    6'000'000'000);
    earlier.session = QStringLiteral("before");
    earlier.previousSession = true;
    model.upsert(earlier);
    model.upsert(makeAlert(1, AlertVerdict::LongDispatch, AlertTier::Hang, AlertEnd::Recovered, 300'000'000));
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.rowOf(QStringLiteral("before"), 1), 0);
    QCOMPARE(model.rowOf(QStringLiteral("now"), 1), 1);
    QVERIFY(model.index(0, AlertListModel::DurationColumn).data().toString().contains(u"killed"));
    QVERIFY(model.index(0, 0).data(AlertListModel::PreviousSessionRole).toBool());
}

void TestAlertListModel::capDropsOldestAndCounts()
{
    AlertListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setMaxRows(3);
    for (quint32 id = 1; id <= 5; ++id)
        model.upsert(makeAlert(id, AlertVerdict::LongDispatch, AlertTier::Hang, AlertEnd::Recovered, 300'000'000));
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.droppedRows(), 2u);
    QCOMPARE(model.alertAt(0).id, 3u);
    model.setMaxRows(1);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.droppedRows(), 4u);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestAlertListModel::ongoingRowsRefreshTheirDuration()
{
    AlertListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRefreshIntervalMs(20);
    AlertRecord ongoing = makeAlert(1, AlertVerdict::LongDispatch, AlertTier::Hang, AlertEnd::Ongoing, 0);
    model.upsert(ongoing);
    const qint64 first = model.index(0, 0).data(AlertListModel::DurationNsRole).toLongLong();
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QVERIFY(changed.wait(2000));
    const QModelIndex cell = changed.first().at(0).toModelIndex();
    QCOMPARE(cell.column(), int(AlertListModel::DurationColumn));
    QTRY_VERIFY(model.index(0, 0).data(AlertListModel::DurationNsRole).toLongLong() > first);
    QVERIFY(model.index(0, AlertListModel::DurationColumn).data().toString().endsWith(u"…"));
    // Once it ends, the row holds the final duration and the refresh stops.
    ongoing.end = AlertEnd::Recovered;
    ongoing.durationNs = 777'000'000;
    model.upsert(ongoing);
    QCOMPARE(model.index(0, 0).data(AlertListModel::DurationNsRole).toLongLong(), 777'000'000);
    changed.clear();
    QVERIFY(!changed.wait(150));
}

void TestAlertListModel::rolesCarryTheEvidence()
{
    AlertListModel model;
    AlertRecord r = makeAlert(9, AlertVerdict::LongDispatch, AlertTier::Hang, AlertEnd::Recovered, 300'000'000);
    AlertStackFrame frame;
    frame.function = QStringLiteral("sleepInSlot()");
    frame.file = QStringLiteral("/src/test.cpp");
    frame.line = 12;
    frame.count = 5;
    r.sampleCount = 6;
    r.topFrames = {frame};
    r.stack = {frame};
    r.uiThread.summary = QStringLiteral("sleeping (clock_nanosleep)");
    r.dispatch.receiverClass = QStringLiteral("QTimer");
    r.dispatch.eventType = 1;
    r.dispatch.depth = 1;
    AlertWorkerActivity worker;
    worker.lane = QStringLiteral("pool-1");
    worker.state = QStringLiteral("busy on CPU");
    r.workers = {worker};
    model.upsert(r);
    const QModelIndex row = model.index(0, 0);
    QCOMPARE(row.data(AlertListModel::StackRole).toStringList(),
             QStringList {QStringLiteral("sleepInSlot() (test.cpp:12)")});
    QCOMPARE(row.data(AlertListModel::TopFramesRole).toStringList().value(0),
             QStringLiteral("5/6  sleepInSlot() (test.cpp:12)"));
    QCOMPARE(row.data(AlertListModel::ThreadStateRole).toString(), r.uiThread.summary);
    QCOMPARE(row.data(AlertListModel::DispatchRole).toString(), QStringLiteral("QTimer Timer (depth 1)"));
    QCOMPARE(row.data(AlertListModel::WorkersRole).toStringList().value(0), QStringLiteral("pool-1: busy on CPU"));
    QCOMPARE(row.data(AlertListModel::RecordRole).value<AlertRecord>().id, 9u);
    QCOMPARE(row.data(AlertListModel::JsonRole).toJsonObject().value(u"id").toInt(), 9);
    QVERIFY(model.roleNames().contains(AlertListModel::StackRole));
}

QTEST_GUILESS_MAIN(TestAlertListModel)
#include "tst_alertlistmodel.moc"
