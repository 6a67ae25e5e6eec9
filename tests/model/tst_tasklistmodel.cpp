// The task list: rows per task, status, elapsed time, progress, errors, the row cap.
#include "model/tasklistmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Taskscope::Model;

namespace {

TaskRow task(quint64 id, qint64 startedNs = 0, TaskRow::Status status = TaskRow::Status::Running)
{
    TaskRow t;
    t.id = id;
    t.label = QStringLiteral("listen #%1").arg(id);
    t.kind = WorkloadKind::LiveTranscription;
    t.model = ExecutionModel::Thread;
    t.status = status;
    t.startedNs = startedNs;
    return t;
}

} // namespace

class TestTaskListModel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void passesTheModelTester();
    void columnsShowTheTask_data();
    void columnsShowTheTask();
    void elapsedAdvancesUntilTheTaskEnds();
    void statusChangesEndTasks_data();
    void statusChangesEndTasks();
    void errorsCountAndKeepTheLastMessage();
    void figuresStayWithTheTask();
    void unknownIdsAreRefused();
    void capDropsOldestFinishedFirst();
    void removeInactiveKeepsRunningTasks();
};

void TestTaskListModel::passesTheModelTester()
{
    TaskListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setMaxRows(5);
    for (quint64 id = 1; id <= 8; ++id)
        model.addTask(task(id));
    for (quint64 id = 1; id <= 8; id += 2)
        model.setStatus(id, TaskRow::Status::Finished, 100);
    model.setProgress(2, 0.5);
    model.addError(4, QStringLiteral("closed with 1011"));
    model.tick(1'000'000);
    model.addTask(task(9));
    model.addTask(task(2)); // replaces
    model.removeInactive();
    QVERIFY(model.rowCount() > 0);
}

void TestTaskListModel::columnsShowTheTask_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("text");
    QTest::newRow("id") << int(TaskListModel::IdColumn) << QStringLiteral("7");
    QTest::newRow("label") << int(TaskListModel::TaskColumn) << QStringLiteral("listen #7");
    QTest::newRow("execution model") << int(TaskListModel::ModelColumn) << QStringLiteral("thread");
    QTest::newRow("status") << int(TaskListModel::StatusColumn) << QStringLiteral("running");
    QTest::newRow("elapsed") << int(TaskListModel::ElapsedColumn) << QStringLiteral("1.5 s");
    QTest::newRow("progress") << int(TaskListModel::ProgressColumn) << QStringLiteral("25 %");
    QTest::newRow("errors") << int(TaskListModel::ErrorsColumn) << QStringLiteral("0");
}

void TestTaskListModel::columnsShowTheTask()
{
    QFETCH(int, column);
    QFETCH(QString, text);
    TaskListModel model;
    model.addTask(task(7, 500'000'000));
    model.setProgress(7, 0.25);
    model.tick(2'000'000'000);
    QCOMPARE(model.index(0, column).data().toString(), text);
    QCOMPARE(model.index(0, column).data(TaskListModel::TaskIdRole).toULongLong(), 7ull);
}

void TestTaskListModel::elapsedAdvancesUntilTheTaskEnds()
{
    TaskListModel model;
    model.addTask(task(1, 1'000'000'000));
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.tick(3'000'000'000);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.at(0).at(0).toModelIndex().column(), int(TaskListModel::ElapsedColumn));
    QCOMPARE(model.index(0, 0).data(TaskListModel::ElapsedNsRole).toLongLong(), 2'000'000'000ll);
    model.setStatus(1, TaskRow::Status::Finished, 4'000'000'000);
    model.tick(10'000'000'000);
    QCOMPARE(model.index(0, 0).data(TaskListModel::ElapsedNsRole).toLongLong(), 3'000'000'000ll);
}

void TestTaskListModel::statusChangesEndTasks_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("active");
    QTest::newRow("stopping is still active") << int(TaskRow::Status::Stopping) << true;
    QTest::newRow("finished") << int(TaskRow::Status::Finished) << false;
    QTest::newRow("stopped") << int(TaskRow::Status::Stopped) << false;
    QTest::newRow("failed") << int(TaskRow::Status::Failed) << false;
}

void TestTaskListModel::statusChangesEndTasks()
{
    QFETCH(int, status);
    QFETCH(bool, active);
    TaskListModel model;
    model.addTask(task(1));
    model.addTask(task(2));
    QCOMPARE(model.activeCount(), 2);
    QVERIFY(model.setStatus(1, TaskRow::Status(status), 50));
    QCOMPARE(model.index(0, 0).data(TaskListModel::ActiveRole).toBool(), active);
    QCOMPARE(model.activeCount(), active ? 2 : 1);
    QCOMPARE(model.activeTaskIds().contains(1), active);
    QCOMPARE(model.task(1)->endedNs, active ? -1 : 50);
}

void TestTaskListModel::errorsCountAndKeepTheLastMessage()
{
    TaskListModel model;
    model.addTask(task(3));
    model.addError(3, QStringLiteral("HTTP 429"));
    model.addError(3, QStringLiteral("closed with 1011 NET-0001"));
    QCOMPARE(model.index(0, TaskListModel::ErrorsColumn).data().toInt(), 2);
    QCOMPARE(model.index(0, 0).data(TaskListModel::LastErrorRole).toString(),
             QStringLiteral("closed with 1011 NET-0001"));
    QVERIFY(model.index(0, 0).data(Qt::ToolTipRole).toString().contains(QStringLiteral("2 error(s)")));
    model.addError(3, QString(10'000, QLatin1Char('x')));
    QCOMPARE(model.task(3)->lastError.size(), 500); // bounded
}

void TestTaskListModel::figuresStayWithTheTask()
{
    TaskListModel model;
    model.addTask(task(5));
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QVERIFY(model.setFigures(5, QStringLiteral("lateness p99 1.2 ms")));
    QCOMPARE(changed.size(), 1);
    QVERIFY(model.setFigures(5, QStringLiteral("lateness p99 1.2 ms"))); // unchanged: no signal
    QCOMPARE(changed.size(), 1);
    model.setStatus(5, TaskRow::Status::Finished, 10);
    QCOMPARE(model.index(0, 0).data(TaskListModel::FiguresRole).toString(), QStringLiteral("lateness p99 1.2 ms"));
    QVERIFY(model.index(0, TaskListModel::TaskColumn)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("lateness p99")));
    QVERIFY(!model.setFigures(6, QStringLiteral("x")));
}

void TestTaskListModel::unknownIdsAreRefused()
{
    TaskListModel model;
    QVERIFY(!model.setStatus(42, TaskRow::Status::Finished, 0));
    QVERIFY(!model.setProgress(42, 0.5));
    QVERIFY(!model.addError(42, QStringLiteral("x")));
    QCOMPARE(model.task(42), nullptr);
    QCOMPARE(model.taskIdAt(-1), 0ull);
    QCOMPARE(model.taskIdAt(5), 0ull);
}

void TestTaskListModel::capDropsOldestFinishedFirst()
{
    TaskListModel model;
    model.setMaxRows(3);
    model.addTask(task(1));
    model.addTask(task(2, 0, TaskRow::Status::Finished));
    model.addTask(task(3));
    model.addTask(task(4));
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.task(2), nullptr); // the finished one went, not the older running one
    QVERIFY(model.task(1));
    QCOMPARE(model.removedRows(), 1ull);
    // Running tasks are never hidden, even past the cap.
    model.addTask(task(5));
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(model.activeCount(), 4);
}

void TestTaskListModel::removeInactiveKeepsRunningTasks()
{
    TaskListModel model;
    for (quint64 id = 1; id <= 4; ++id)
        model.addTask(task(id));
    model.setStatus(2, TaskRow::Status::Failed, 1);
    model.setStatus(4, TaskRow::Status::Stopped, 1);
    model.removeInactive();
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.taskIdAt(0), 1ull);
    QCOMPARE(model.taskIdAt(1), 3ull);
    QVERIFY(model.setProgress(3, 2.0));
    QCOMPARE(model.task(3)->progress, 1.0);
}

QTEST_GUILESS_MAIN(TestTaskListModel)
#include "tst_tasklistmodel.moc"
