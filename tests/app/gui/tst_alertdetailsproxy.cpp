// The bridge between the watchdog's alert list and the alert inspector: the inspector's roles come
// from each alert's record (hot frames, stack, thread state, culprit), earlier runs' alerts get ids
// and no lane of their own, and the proxy passes the model tester while alerts come and change.
#include "app/gui/alertdetailsproxy.h"
#include "model/alertlistmodel.h"
#include "model/trace/traceclock.h"
#include "ui/alertinspector.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTest>
#include <QTreeWidget>

using namespace Taskscope::Gui;
using namespace Taskscope::Model;
using namespace Taskscope::Trace;
using namespace Taskscope::Ui;

namespace {

AlertStackFrame frame(const char *function, int count)
{
    AlertStackFrame f;
    f.function = QString::fromLatin1(function);
    f.file = QStringLiteral("mainwindow.cpp");
    f.line = 42;
    f.count = count;
    return f;
}

AlertRecord alert(quint32 id, const QString &session, bool earlier, AlertEnd end = AlertEnd::Recovered)
{
    AlertRecord r;
    r.id = id;
    r.session = session;
    r.pid = 4242;
    r.previousSession = earlier;
    r.verdict = AlertVerdict::LongDispatch;
    r.tier = AlertTier::Severe;
    r.end = end;
    r.startNs = 2'000'000'000;
    r.detectedNs = r.startNs + 251'000'000;
    r.durationNs = 1'500'000'000;
    r.startWallMs = 1'700'000'000'000;
    r.culprit = QStringLiteral("span 'Freeze the UI: blocking sleep on the UI thread'");
    r.culpritSpans = {QStringLiteral("timeline paint"),
                      QStringLiteral("Freeze the UI: blocking sleep on the UI thread")};
    r.sampleCount = 140;
    r.topFrames = {frame("clock_nanosleep", 140), frame("MainWindow::freezeUi()", 138),
                   frame("QAction::triggered", 120)};
    r.stack = {frame("clock_nanosleep", 0), frame("MainWindow::freezeUi()", 0), frame("QAction::triggered", 0)};
    r.uiThread.state = QStringLiteral("S");
    r.uiThread.wchan = QStringLiteral("hrtimer_nanosleep");
    r.uiThread.summary = QStringLiteral("sleeping");
    r.dispatch.receiverClass = QStringLiteral("QAction");
    r.dispatch.eventName = QStringLiteral("Shortcut");
    return r;
}

} // namespace

class TestAlertDetailsProxy final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void passesTheModelTester();
    void rolesFollowTheContract_data();
    void rolesFollowTheContract();
    void nestedModalLoopIsInformationNotAHang();
    void detailsCarryTheEvidence();
    void earlierRunsGetTheirOwnIdsAndNoLane();
    void inspectorShowsTheSelectedAlert();
};

void TestAlertDetailsProxy::passesTheModelTester()
{
    AlertListModel alerts;
    alerts.setRefreshIntervalMs(0);
    AlertDetailsProxy proxy;
    proxy.setSourceModel(&alerts);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    alerts.setMaxRows(3);
    for (quint32 id = 1; id <= 5; ++id)
        alerts.upsert(alert(id, QStringLiteral("now"), false, AlertEnd::Ongoing));
    alerts.upsert(alert(4, QStringLiteral("now"), false, AlertEnd::Recovered));
    alerts.upsert(alert(1, QStringLiteral("before"), true, AlertEnd::KilledWhileHung));
    QCOMPARE(proxy.rowCount(), 3);
    QCOMPARE(proxy.columnCount(), int(AlertRoles::ColumnCount));
    alerts.clear();
    QCOMPARE(proxy.rowCount(), 0);
}

void TestAlertDetailsProxy::rolesFollowTheContract_data()
{
    QTest::addColumn<int>("end");
    QTest::addColumn<bool>("ongoing");
    QTest::addColumn<qint64>("endNs");
    QTest::newRow("recovered") << int(AlertEnd::Recovered) << false << qint64(3'500'000'000);
    QTest::newRow("still going") << int(AlertEnd::Ongoing) << true << qint64(-1);
}

void TestAlertDetailsProxy::rolesFollowTheContract()
{
    QFETCH(int, end);
    QFETCH(bool, ongoing);
    QFETCH(qint64, endNs);
    AlertListModel alerts;
    alerts.setRefreshIntervalMs(0);
    AlertDetailsProxy proxy;
    proxy.setSourceModel(&alerts);
    alerts.upsert(alert(7, QStringLiteral("now"), false, AlertEnd(end)));
    const QModelIndex index = proxy.index(0, AlertRoles::CulpritColumn);
    QCOMPARE(index.data(AlertRoles::AlertIdRole).toUInt(), 7u);
    QCOMPARE(index.data(AlertRoles::StartNsRole).toLongLong(), 2'000'000'000);
    QCOMPARE(index.data(AlertRoles::EndNsRole).toLongLong(), endNs);
    QCOMPARE(index.data(AlertRoles::OngoingRole).toBool(), ongoing);
    QCOMPARE(index.data(AlertRoles::LaneRole).toUInt(), quint32(UiThreadLane));
    QCOMPARE(index.data(AlertRoles::TierRole).toString(), QStringLiteral("severe"));
    QCOMPARE(index.data().toString(), QStringLiteral("span 'Freeze the UI: blocking sleep on the UI thread'"));
    // The source's own roles pass through.
    QCOMPARE(index.data(AlertListModel::CulpritRole).toString(), index.data().toString());
    QCOMPARE(proxy.index(0, AlertRoles::VerdictColumn).data().toString(), QStringLiteral("long dispatch"));
}

void TestAlertDetailsProxy::nestedModalLoopIsInformationNotAHang()
{
    AlertListModel alerts;
    alerts.setRefreshIntervalMs(0);
    AlertDetailsProxy proxy;
    proxy.setSourceModel(&alerts);
    alerts.upsert(alert(7, QStringLiteral("now"), false, AlertEnd::Ongoing));
    AlertRecord dialog = alert(8, QStringLiteral("now"), false, AlertEnd::Ongoing);
    dialog.verdict = AlertVerdict::NestedModalLoop;
    dialog.tier = AlertTier::None;
    alerts.upsert(dialog);
    const QModelIndex hang = proxy.index(0, AlertRoles::CulpritColumn);
    const QModelIndex modal = proxy.index(1, AlertRoles::CulpritColumn);
    QVERIFY(hang.data(AlertRoles::HangRole).toBool());
    QVERIFY(hang.data(AlertRoles::OngoingRole).toBool());
    QVERIFY(!hang.data(Qt::ForegroundRole).isValid());
    // A dialog's nested loop: listed (greyed), but neither a hang nor one going on.
    QVERIFY(!modal.data(AlertRoles::HangRole).toBool());
    QVERIFY(!modal.data(AlertRoles::OngoingRole).toBool());
    QVERIFY(modal.data(Qt::ForegroundRole).isValid());
}

void TestAlertDetailsProxy::detailsCarryTheEvidence()
{
    AlertListModel alerts;
    AlertDetailsProxy proxy;
    proxy.setSourceModel(&alerts);
    alerts.upsert(alert(3, QStringLiteral("now"), false));
    const AlertDetails d = proxy.index(0, 0).data(AlertRoles::DetailsRole).value<AlertDetails>();
    QCOMPARE(d.id, 3u);
    QCOMPARE(d.verdict, QStringLiteral("long dispatch"));
    QCOMPARE(d.tier, QStringLiteral("severe"));
    QCOMPARE(d.sampleCount, 140);
    QVERIFY(!d.ongoing());
    QCOMPARE(d.durationNs(0), 1'500'000'000);
    // Hot frames with their counts over every sample, most frequent first.
    const QList<QPair<QString, int>> hot = d.framesByFrequency();
    QCOMPARE(hot.size(), 3);
    QVERIFY(hot.first().first.startsWith(QStringLiteral("clock_nanosleep")));
    QCOMPARE(hot.first().second, 140);
    QCOMPARE(hot.at(1).second, 138);
    // The representative stack, innermost first, and the UI thread's state.
    QCOMPARE(d.stacks.size(), 1);
    QVERIFY(d.stacks.first().frames.at(1).startsWith(QStringLiteral("MainWindow::freezeUi()")));
    QCOMPARE(d.threadStates.size(), 1);
    QVERIFY(d.threadStates.first().state.contains(QStringLiteral("hrtimer_nanosleep")));
    QVERIFY(d.notes.join(u'\n').contains(QStringLiteral("dispatch: QAction Shortcut")));
    QVERIFY(d.notes.join(u'\n').contains(QStringLiteral("detected 251 ms after it began")));
}

void TestAlertDetailsProxy::earlierRunsGetTheirOwnIdsAndNoLane()
{
    AlertListModel alerts;
    AlertDetailsProxy proxy;
    proxy.setSourceModel(&alerts);
    alerts.upsert(alert(1, QStringLiteral("run-a"), true, AlertEnd::KilledWhileHung));
    alerts.upsert(alert(1, QStringLiteral("run-b"), true, AlertEnd::Recovered));
    alerts.upsert(alert(1, QStringLiteral("now"), false));
    const quint32 a = proxy.index(0, 0).data(AlertRoles::AlertIdRole).toUInt();
    const quint32 b = proxy.index(1, 0).data(AlertRoles::AlertIdRole).toUInt();
    QVERIFY(a > AlertDetailsProxy::FirstEarlierRunId);
    QVERIFY(b > AlertDetailsProxy::FirstEarlierRunId);
    QVERIFY(a != b);
    QCOMPARE(proxy.index(0, 0).data(AlertRoles::AlertIdRole).toUInt(), a); // stable
    QCOMPARE(proxy.index(2, 0).data(AlertRoles::AlertIdRole).toUInt(), 1u);
    QCOMPARE(proxy.index(0, 0).data(AlertRoles::LaneRole).toUInt(), quint32(NoLane));
    QVERIFY(!proxy.index(0, 0).data(AlertRoles::StartNsRole).isValid());
    QVERIFY(!proxy.index(0, 0).data(AlertRoles::OngoingRole).toBool());
    const AlertDetails killed = proxy.index(0, 0).data(AlertRoles::DetailsRole).value<AlertDetails>();
    QVERIFY(killed.title.contains(QStringLiteral("earlier run")));
    QCOMPARE(killed.durationNs(0), 1'500'000'000);
}

void TestAlertDetailsProxy::inspectorShowsTheSelectedAlert()
{
    AlertListModel alerts;
    AlertDetailsProxy proxy;
    proxy.setSourceModel(&alerts);
    alerts.upsert(alert(1, QStringLiteral("before"), true, AlertEnd::KilledWhileHung));
    alerts.upsert(alert(1, QStringLiteral("now"), false));
    AlertInspector inspector;
    inspector.setModel(&proxy);
    QSignalSpy jumps(&inspector, &AlertInspector::jumpRequested);

    // This run's alert: the timeline is asked to show it.
    inspector.selectAlert(1);
    QCOMPARE(inspector.currentAlert(), 1u);
    QCOMPARE(jumps.size(), 1);
    QCOMPARE(jumps.first().at(0).toLongLong(), 2'000'000'000);
    QCOMPARE(jumps.first().at(2).toUInt(), quint32(UiThreadLane));
    QCOMPARE(inspector.frameTable()->rowCount(), 3);
    QCOMPARE(inspector.frameTable()->item(0, 0)->data(Qt::UserRole).toInt(), 140);
    QCOMPARE(inspector.stackTree()->topLevelItemCount(), 1);
    QCOMPARE(inspector.stateTable()->rowCount(), 1);

    // An earlier run's alert has no place on this timeline: it is shown, not jumped to.
    inspector.listView()->setCurrentIndex(proxy.index(0, 0));
    QVERIFY(inspector.currentAlert() > AlertDetailsProxy::FirstEarlierRunId);
    QCOMPARE(jumps.size(), 1);
    QCOMPARE(inspector.frameTable()->rowCount(), 3);
}

QTEST_MAIN(TestAlertDetailsProxy)
#include "tst_alertdetailsproxy.moc"
