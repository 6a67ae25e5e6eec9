// The alert inspector following a selection, and the status-bar hang light.
//
// The watchdog's alert list model is built on another branch; a QStandardItemModel filled with the
// same columns and roles (model/alertdetails.h) stands in for it here, and only for it.
#include "model/alertdetails.h"
#include "model/trace/traceclock.h"
#include "ui/alertinspector.h"
#include "ui/flamegraphview.h"
#include "ui/hangindicator.h"

#include <QLabel>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTableView>
#include <QTableWidget>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>

using namespace Taskscope::Model;
using namespace Taskscope::Trace;
using namespace Taskscope::Ui;

namespace {

AlertDetails hang(quint32 id, qint64 start, qint64 end)
{
    AlertDetails d;
    d.id = id;
    d.startNs = start;
    d.endNs = end;
    d.lane = 1;
    d.verdict = QStringLiteral("long dispatch");
    d.tier = QStringLiteral("severe");
    d.culprit = QStringLiteral("Freeze the UI: blocking sleep on the UI thread");
    d.sampleCount = 30;
    d.stacks = {
        {{QStringLiteral("clock_nanosleep"), QStringLiteral("QThread::msleep"), QStringLiteral("MainWindow::freezeUi")},
         5},
        {{QStringLiteral("__futex_wait"), QStringLiteral("QMutex::lock"), QStringLiteral("MainWindow::freezeUi")}, 25}};
    d.threadStates = {{QStringLiteral("running (R)"), 2}, {QStringLiteral("sleeping (S) in futex_wait_queue"), 28}};
    return d;
}

void addRow(QStandardItemModel &model, const AlertDetails &d)
{
    QList<QStandardItem *> items;
    const QStringList texts = {QString(),
                               d.ongoing() ? QString() : QStringLiteral("%1 ms").arg((d.endNs - d.startNs) / 1'000'000),
                               d.verdict, d.tier, d.culprit};
    for (const QString &text : texts) {
        auto *item = new QStandardItem(text);
        item->setData(d.id, AlertRoles::AlertIdRole);
        item->setData(d.startNs, AlertRoles::StartNsRole);
        item->setData(d.endNs, AlertRoles::EndNsRole);
        item->setData(d.ongoing(), AlertRoles::OngoingRole);
        item->setData(d.lane, AlertRoles::LaneRole);
        item->setData(QVariant::fromValue(d), AlertRoles::DetailsRole);
        items.append(item);
    }
    model.appendRow(items);
}

} // namespace

class TestAlertInspector final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void withoutModelSaysWhy();
    void selectingAnAlertShowsItAndJumps();
    void selectAlertById();
    void detailsOrderByFrequency();
    void ongoingDurationKeepsCounting();
    void hangLightFollowsTheModel();
    void hangLightFromSignals();
};

void TestAlertInspector::withoutModelSaysWhy()
{
    AlertInspector inspector;
    inspector.setModel(nullptr, QStringLiteral("no watchdog here"));
    QCOMPARE(inspector.currentAlert(), 0u);
    QVERIFY(inspector.findChild<QLabel *>() != nullptr);
    bool found = false;
    for (QLabel *label : inspector.findChildren<QLabel *>())
        found = found || label->text() == QStringLiteral("no watchdog here");
    QVERIFY(found);
}

void TestAlertInspector::selectingAnAlertShowsItAndJumps()
{
    QStandardItemModel model(0, AlertRoles::ColumnCount);
    addRow(model, hang(1, 1'000'000'000, 1'400'000'000));
    addRow(model, hang(2, 3'000'000'000, 4'500'000'000));
    AlertInspector inspector;
    inspector.setModel(&model);
    inspector.resize(900, 400);
    inspector.show();
    QVERIFY(QTest::qWaitForWindowExposed(&inspector));
    QSignalSpy jump(&inspector, &AlertInspector::jumpRequested);
    QSignalSpy changed(&inspector, &AlertInspector::currentAlertChanged);
    QTableView *list = inspector.listView();
    const QRect second = list->visualRect(model.index(1, AlertRoles::VerdictColumn));
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, second.center());
    QCOMPARE(inspector.currentAlert(), 2u);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(jump.count(), 1);
    QCOMPARE(jump.at(0).at(0).toLongLong(), 3'000'000'000ll);
    QCOMPARE(jump.at(0).at(1).toLongLong(), 4'500'000'000ll);
    QCOMPARE(jump.at(0).at(2).toUInt(), 1u);
    QCOMPARE(jump.at(0).at(3).toUInt(), 2u);
    // The keyboard moves the selection, and the details follow.
    QTest::keyClick(list, Qt::Key_Up);
    QCOMPARE(inspector.currentAlert(), 1u);
    QCOMPARE(jump.count(), 2);
    QCOMPARE(jump.at(1).at(0).toLongLong(), 1'000'000'000ll);
}

void TestAlertInspector::selectAlertById()
{
    QStandardItemModel model(0, AlertRoles::ColumnCount);
    for (quint32 id = 1; id <= 5; ++id)
        addRow(model, hang(id * 10, qint64(id) * 1'000'000'000, qint64(id) * 1'000'000'000 + 300'000'000));
    AlertInspector inspector;
    inspector.setModel(&model);
    inspector.selectAlert(40);
    QCOMPARE(inspector.currentAlert(), 40u);
    QCOMPARE(inspector.listView()->currentIndex().row(), 3);
    inspector.selectAlert(999); // unknown: nothing changes
    QCOMPARE(inspector.currentAlert(), 40u);
}

void TestAlertInspector::detailsOrderByFrequency()
{
    QStandardItemModel model(0, AlertRoles::ColumnCount);
    addRow(model, hang(1, 0, 1'500'000'000));
    AlertInspector inspector;
    inspector.setModel(&model);
    inspector.selectAlert(1);
    // The most frequent stack first, expanded, innermost frame as its title.
    QTreeWidget *stacks = inspector.stackTree();
    QCOMPARE(stacks->topLevelItemCount(), 2);
    QCOMPARE(stacks->topLevelItem(0)->text(0), QStringLiteral("__futex_wait"));
    QVERIFY(stacks->topLevelItem(0)->text(1).startsWith(QStringLiteral("25")));
    QVERIFY(stacks->topLevelItem(0)->isExpanded());
    QVERIFY(!stacks->topLevelItem(1)->isExpanded());
    QCOMPARE(stacks->topLevelItem(0)->childCount(), 2);
    // Hot frames: a frame in every sample leads.
    QTableWidget *frames = inspector.frameTable();
    QCOMPARE(frames->item(0, 1)->text(), QStringLiteral("MainWindow::freezeUi"));
    QCOMPARE(frames->item(0, 0)->data(Qt::UserRole).toInt(), 30);
    QCOMPARE(frames->item(1, 1)->text(), QStringLiteral("__futex_wait"));
    // Thread states, most frequent first.
    QTableWidget *states = inspector.stateTable();
    QCOMPARE(states->rowCount(), 2);
    QVERIFY(states->item(0, 1)->text().startsWith(QStringLiteral("sleeping")));
    // The flame graph: both stacks share their outermost frame, which holds every sample.
    const FlameGraph &graph = inspector.flameGraph()->graph();
    QCOMPARE(graph.totalSamples(), 30);
    QCOMPARE(graph.depth(), 3);
    const int outer = graph.find({QStringLiteral("MainWindow::freezeUi")});
    QCOMPARE(graph.share(outer), 1.0);
    const int mutex = graph.find({QStringLiteral("MainWindow::freezeUi"), QStringLiteral("QMutex::lock")});
    QVERIFY(inspector.flameGraph()->nodeText(mutex).contains(QStringLiteral("25 of 30 samples (83.3 %)")));
}

void TestAlertInspector::ongoingDurationKeepsCounting()
{
    QStandardItemModel model(0, AlertRoles::ColumnCount);
    const qint64 start = TraceClock::nowNs() - 2'000'000'000;
    addRow(model, hang(3, start, -1));
    AlertInspector inspector;
    inspector.setModel(&model);
    inspector.resize(800, 300);
    inspector.show();
    QVERIFY(QTest::qWaitForWindowExposed(&inspector));
    inspector.selectAlert(3);
    QVERIFY(inspector.currentDetails().ongoing());
    // The duration cell counts from StartNsRole while OngoingRole holds.
    const QModelIndex duration = model.index(0, AlertRoles::DurationColumn);
    QCOMPARE(AlertInspector::durationText(duration, start + 2'500'000'000), QStringLiteral("2.50 s …"));
    QCOMPARE(AlertInspector::durationText(duration, start + 4'000'000'000), QStringLiteral("4.00 s …"));
    // A tick timer repaints while an alert is open, and stops when it closes.
    const QList<QTimer *> timers = inspector.findChildren<QTimer *>();
    QVERIFY(std::any_of(timers.cbegin(), timers.cend(), [](QTimer *t) { return t->isActive(); }));
    for (int column = 0; column < AlertRoles::ColumnCount; ++column) {
        model.setData(model.index(0, column), false, AlertRoles::OngoingRole);
        model.setData(model.index(0, column), start + 2'000'000'000, AlertRoles::EndNsRole);
    }
    QVERIFY(std::none_of(timers.cbegin(), timers.cend(), [](QTimer *t) { return t->isActive(); }));
    QCOMPARE(AlertInspector::durationText(duration, start + 9'000'000'000), QStringLiteral("2.00 s"));
}

void TestAlertInspector::hangLightFollowsTheModel()
{
    QStandardItemModel model(0, AlertRoles::ColumnCount);
    HangIndicator light;
    QVERIFY(!light.isAvailable()); // nothing reports hangs yet: it says so rather than "no hangs"
    light.setModel(&model);
    QVERIFY(light.isAvailable());
    QVERIFY(!light.isRed());
    QCOMPARE(light.alertCount(), 0);
    addRow(model, hang(1, 0, -1)); // a hang in progress
    QVERIFY(light.isRed());
    QCOMPARE(light.alertCount(), 1);
    model.setData(model.index(0, 0), false, AlertRoles::OngoingRole);
    // It stays red a moment after the hang (the window could not paint during it) ...
    QVERIFY(light.isRed());
    // ... then goes back to normal.
    QTRY_VERIFY_WITH_TIMEOUT(!light.isRed(), HangIndicator::HoldMs + 2000);
    QCOMPARE(light.alertCount(), 1);
}

void TestAlertInspector::hangLightFromSignals()
{
    HangIndicator light;
    QSignalSpy clicked(&light, &HangIndicator::clicked);
    light.setHangActive(true);
    QVERIFY(light.isRed());
    light.setAlertCount(4);
    QCOMPARE(light.alertCount(), 4);
    light.resize(light.sizeHint());
    QTest::mouseClick(&light, Qt::LeftButton);
    QCOMPARE(clicked.count(), 1);
}

QTEST_MAIN(TestAlertInspector)
#include "tst_alertinspector.moc"
