// The wired window, in-process against the built-in service, on TaskscopeApplication (whose
// notify() feeds the watchdog): streams started and stopped from the panel with QTest input reach
// the task list and the transcript model; a failing workload shows why and the app goes on; a
// scenario runs through the panel's path; closing with streams running ends in bounded time; the
// freeze action raises an alert naming the freeze span; a hang that ended in a kill in an earlier
// run is listed; the exported report carries tasks and alerts and no key; a trace or scenario from
// the command line that fails keeps its error in the status bar past the first frame.
#include "app/gui/guisession.h"
#include "app/gui/taskscopeapplication.h"
#include "app/gui/workloadcontroller.h"
#include "model/alertrecord.h"
#include "model/runcomparisonmodel.h"
#include "ui/alertinspector.h"
#include "ui/compareview.h"
#include "ui/flamegraphview.h"
#include "ui/hangindicator.h"
#include "ui/mainwindow.h"
#include "ui/streampanel.h"
#include "workers/watchdog/uiwatchdog.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QButtonGroup>
#include <QComboBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>

#include <algorithm>
#include <memory>

using namespace Taskscope::Gui;
using namespace Taskscope::Model;
using namespace Taskscope::Ui;

namespace {

constexpr int StartTimeoutMs = 10'000;
constexpr int StreamTimeoutMs = 30'000;

TaskRow::Status statusOf(const TaskListModel &tasks, quint64 id)
{
    const TaskRow *row = tasks.task(id);
    return row ? row->status : TaskRow::Status::Starting;
}

} // namespace

class TestGuiSession final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void panelStartsAndStopsACoroutineLiveStream();
    void failingWorkloadShowsWhyAndTheAppGoesOn();
    void scenarioRunsThroughThePanelsPath();
    void freezeActionRaisesAnAlertNamingTheFreezeSpan();
    void blockingModelFreezeIsOneAlert();
    void dialogsAreNotHangs_data();
    void dialogsAreNotHangs();
    void reportCarriesTasksAndAlertsButNoKey();
    void newTiersRestartTheWatchdog();
    void closingWithStreamsRunningEndsInBoundedTime();
    void hangKilledInAnEarlierRunIsListed();
    void startupErrorsStayInTheStatusBar_data();
    void startupErrorsStayInTheStatusBar();

private:
    GuiSession::Options options(const QString &journal) const
    {
        GuiSession::Options o;
        o.watchdog = GuiSession::defaultWatchdogConfig();
        o.watchdog.journalPath = journal;
        o.watchdog.desktopNotifications = false;
        o.saveSettings = false;
        o.loadPreviousAlerts = false;
        return o;
    }
    AppSettings settings() const
    {
        AppSettings s;
        // Tiers lowered so a short freeze is a hang; the freeze kept short.
        s.suspicionMs = 40;
        s.hangMs = 100;
        s.severeMs = 2000;
        s.criticalMs = 10'000;
        s.freezeMs = 400;
        s.openAiApiKey = QStringLiteral("sk-test-never-in-a-report");
        return s;
    }
    bool waitForService(GuiSession &session)
    {
        if (session.service().isReady())
            return true;
        QSignalSpy ready(&session, &GuiSession::serviceReady);
        return ready.wait(StartTimeoutMs);
    }
    void choose(StreamPanel *panel, WorkloadKind kind, ExecutionModel model, int count)
    {
        panel->workloadBox()->setCurrentIndex(panel->workloadBox()->findData(int(kind)));
        QTest::mouseClick(panel->modelButtons()->button(int(model)), Qt::LeftButton);
        panel->countBox()->setValue(count);
    }

    QTemporaryDir m_dir;
    std::unique_ptr<GuiSession> m_session;
};

void TestGuiSession::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_session = std::make_unique<GuiSession>(settings(), options(m_dir.filePath(QStringLiteral("journal.jsonl"))));
    m_session->window().show();
    m_session->start();
    QVERIFY(m_session->watchdog().isRunning());
    QVERIFY(waitForService(*m_session));
    QVERIFY(m_session->window().streamPanel()->endpointBox()->itemText(0).contains(QStringLiteral("127.0.0.1")));
}

void TestGuiSession::cleanupTestCase()
{
    m_session.reset();
}

void TestGuiSession::panelStartsAndStopsACoroutineLiveStream()
{
    GuiSession &s = *m_session;
    StreamPanel *panel = s.window().streamPanel();
    choose(panel, WorkloadKind::LiveTranscription, ExecutionModel::Coroutine, 1);
    panel->audioBox()->setCurrentIndex(panel->audioBox()->findText(QStringLiteral("Sample: call-reminder")));
    QVERIFY(panel->audioBox()->currentIndex() >= 0);

    const int rowsBefore = s.tasks().rowCount();
    QTest::mouseClick(panel->startButton(), Qt::LeftButton);
    QCOMPARE(s.tasks().rowCount(), rowsBefore + 1);
    const quint64 finishing = s.tasks().taskIdAt(rowsBefore);
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(s.tasks(), finishing), TaskRow::Status::Running, StartTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(s.tasks(), finishing), TaskRow::Status::Finished, StreamTimeoutMs);
    QVERIFY(!s.tasks().task(finishing)->figures.isEmpty()); // the final figures stay
    QCOMPARE(s.tasks().task(finishing)->errors, 0);
    // The sample's exact text, via the coalesced per-frame flush.
    const quint64 stream = WorkloadController::transcriptStreamId(finishing, 0);
    QTRY_VERIFY(s.transcripts().entry(stream) && s.transcripts().entry(stream)->finals > 0);
    QString text = s.transcripts().entry(stream)->finalText.toLower();
    text.remove(QRegularExpression(QStringLiteral("[^a-z ]")));
    QVERIFY2(text.contains(QStringLiteral("remind me to call my sister at six thirty")), qPrintable(text));

    // A second one, stopped from the panel while it runs.
    QTest::mouseClick(panel->startButton(), Qt::LeftButton);
    const quint64 stopping = s.tasks().taskIdAt(rowsBefore + 1);
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(s.tasks(), stopping), TaskRow::Status::Running, StartTimeoutMs);
    panel->taskView()->selectRow(rowsBefore + 1);
    QVERIFY(panel->stopButton()->isEnabled());
    QTest::mouseClick(panel->stopButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(s.tasks(), stopping), TaskRow::Status::Stopped, StartTimeoutMs);
    QCOMPARE(s.workloads().activeCount(), 0);

    // The two runs side by side: select both, Compare.
    QItemSelectionModel *selection = panel->taskView()->selectionModel();
    selection->clearSelection();
    for (const int row : {rowsBefore, rowsBefore + 1})
        selection->select(s.tasks().index(row, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    QVERIFY(panel->compareButton()->isEnabled());
    QTest::mouseClick(panel->compareButton(), Qt::LeftButton);
    RunComparisonModel *comparison = s.window().compareView()->comparison();
    QVERIFY(comparison->rowCount() > 0);
    QVERIFY(comparison->labelA().startsWith(QStringLiteral("#%1 ").arg(finishing)));
    QVERIFY(comparison->labelB().startsWith(QStringLiteral("#%1 ").arg(stopping)));
    QCOMPARE(s.window().bottomTabs()->currentWidget(), s.window().compareView());
}

void TestGuiSession::failingWorkloadShowsWhyAndTheAppGoesOn()
{
    GuiSession &s = *m_session;
    StreamPanel *panel = s.window().streamPanel();
    choose(panel, WorkloadKind::ChatStream, ExecutionModel::Coroutine, 1);
    // A port nothing listens on: the connection is refused.
    panel->endpointBox()->setCurrentIndex(1);
    panel->urlEdit()->setText(QStringLiteral("http://127.0.0.1:9"));
    QTest::mouseClick(panel->startButton(), Qt::LeftButton);
    const quint64 failing = s.tasks().taskIdAt(s.tasks().rowCount() - 1);
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(s.tasks(), failing), TaskRow::Status::Failed, StreamTimeoutMs);
    const TaskRow *row = s.tasks().task(failing);
    QVERIFY(row->errors > 0);
    QVERIFY2(row->lastError.contains(QStringLiteral("127.0.0.1:9")), qPrintable(row->lastError));
    QVERIFY(panel->statusMessage().contains(QStringLiteral("failed")));

    // The app goes on: the same workload on the built-in service finishes.
    panel->endpointBox()->setCurrentIndex(0);
    QTest::mouseClick(panel->startButton(), Qt::LeftButton);
    const quint64 next = s.tasks().taskIdAt(s.tasks().rowCount() - 1);
    QVERIFY(next != failing);
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(s.tasks(), next), TaskRow::Status::Finished, StreamTimeoutMs);
    const quint64 stream = WorkloadController::transcriptStreamId(next, 0);
    QTRY_VERIFY(s.transcripts().entry(stream) && s.transcripts().entry(stream)->tokens > 0);
}

void TestGuiSession::scenarioRunsThroughThePanelsPath()
{
    GuiSession &s = *m_session;
    const QString path = m_dir.filePath(QStringLiteral("scenario.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"name": "tiny", "timeoutS": 60, "workloads": [
        {"workload": "chat-stream", "model": "coroutine", "count": 2, "maxTokens": 12, "tokensPerSecond": 400},
        {"workload": "command", "model": "offload", "command": "cpu-hash", "commandMs": 20, "startS": 0.2}]})");
    file.close();
    const int rowsBefore = s.tasks().rowCount();
    QSignalSpy finished(&s, &GuiSession::scenarioFinished);
    QString error;
    QVERIFY2(s.runScenario(path, &error), qPrintable(error));
    QVERIFY(finished.wait(StreamTimeoutMs));
    QCOMPARE(finished.first().first().toBool(), true);
    QCOMPARE(s.tasks().rowCount(), rowsBefore + 2);
    QCOMPARE(statusOf(s.tasks(), s.tasks().taskIdAt(rowsBefore)), TaskRow::Status::Finished);
    QCOMPARE(statusOf(s.tasks(), s.tasks().taskIdAt(rowsBefore + 1)), TaskRow::Status::Finished);
    QVERIFY(!s.runScenario(m_dir.filePath(QStringLiteral("missing.json")), &error));
    QVERIFY(error.contains(QStringLiteral("missing.json")));
}

void TestGuiSession::freezeActionRaisesAnAlertNamingTheFreezeSpan()
{
    GuiSession &s = *m_session;
    QAbstractItemModel *alerts = s.window().alertInspector()->model();
    QCOMPARE(alerts, static_cast<QAbstractItemModel *>(s.watchdog().inspectorModel()));
    const int before = alerts->rowCount();
    // Triggered from the event loop, as a click or the shortcut would: inside a dispatch.
    QMetaObject::invokeMethod(s.window().freezeAction(), &QAction::trigger, Qt::QueuedConnection);
    // On a loaded machine an unrelated slow dispatch (a layout pass) can raise its own alert
    // around the freeze, so look for the freeze's row instead of taking the last one.
    const QString freezeName = QStringLiteral("Freeze the UI: blocking sleep on the UI thread");
    const auto freezeRow = [&] {
        for (int r = before; r < alerts->rowCount(); ++r) {
            if (alerts->index(r, AlertRoles::CulpritColumn).data().toString().contains(freezeName))
                return r;
        }
        return -1;
    };
    QTRY_VERIFY_WITH_TIMEOUT(freezeRow() >= 0, StartTimeoutMs);
    const int row = freezeRow();
    QCOMPARE(alerts->index(row, AlertRoles::VerdictColumn).data().toString(), QStringLiteral("long dispatch"));
    // One freeze, one alert: no other row begins while it lasts (the events queued behind the
    // freeze run after it in the same episode).
    QTRY_VERIFY_WITH_TIMEOUT(!alerts->index(row, 0).data(AlertRoles::OngoingRole).toBool(), StartTimeoutMs);
    QTest::qWait(300);
    const qint64 freezeStart = alerts->index(row, 0).data(AlertRoles::StartNsRole).toLongLong();
    const qint64 freezeEnd = alerts->index(row, 0).data(AlertRoles::EndNsRole).toLongLong();
    for (int r = before; r < alerts->rowCount(); ++r) {
        const qint64 start = alerts->index(r, 0).data(AlertRoles::StartNsRole).toLongLong();
        QVERIFY2(r == row || start < freezeStart || start > freezeEnd,
                 qPrintable(alerts->index(r, AlertRoles::VerdictColumn).data().toString()));
    }
    QVERIFY(s.window().hangIndicator()->alertCount() >= 1);
    QVERIFY(s.window().hangIndicator()->isRed());

    // Selecting it shows its evidence.
    const quint32 id = alerts->index(row, 0).data(AlertRoles::AlertIdRole).toUInt();
    s.window().alertInspector()->selectAlert(id);
    QCOMPARE(s.window().alertInspector()->currentAlert(), id);
    // The evidence arrives when the alert ends, which may be a moment after the row appears.
    QTRY_VERIFY_WITH_TIMEOUT(s.window().alertInspector()->currentDetails().sampleCount > 0, StartTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(s.window().alertInspector()->stackTree()->topLevelItemCount() > 0, StartTimeoutMs);
    // Its flame graph: more than one frame under the root, the freeze among the program's own code.
    const FlameGraph &graph = s.window().alertInspector()->flameGraph()->graph();
    QVERIFY2(graph.nodes().size() > 2, qPrintable(QString::number(graph.nodes().size())));
    QCOMPARE(graph.totalSamples(), s.window().alertInspector()->currentDetails().sampleCount);
    const bool freezeIsOwnCode = std::any_of(graph.nodes().begin(), graph.nodes().end(), [](const FlameGraph::Node &n) {
        return n.ownCode && n.frame.contains(QStringLiteral("freeze"), Qt::CaseInsensitive);
    });
    QVERIFY(freezeIsOwnCode);
}

void TestGuiSession::blockingModelFreezeIsOneAlert()
{
    GuiSession &s = *m_session;
    StreamPanel *panel = s.window().streamPanel();
    choose(panel, WorkloadKind::LiveTranscription, ExecutionModel::Blocking, 1);
    panel->audioBox()->setCurrentIndex(panel->audioBox()->findText(QStringLiteral("Sample: call-reminder")));
    QTest::qWait(300); // earlier tests' alerts settled
    const int before = s.watchdog().alertsThisRun();
    const int rowsBefore = s.tasks().rowCount();
    QTest::mouseClick(panel->startButton(), Qt::LeftButton);
    const quint64 id = s.tasks().taskIdAt(rowsBefore);
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(s.tasks(), id), TaskRow::Status::Finished, StreamTimeoutMs);
    // The stream blocked the UI thread for seconds: exactly one alert, with its final duration.
    QTRY_VERIFY_WITH_TIMEOUT(!s.watchdog().hangOngoing() && s.watchdog().alertsThisRun() > before, StartTimeoutMs);
    QTest::qWait(500);
    const auto describe = [&] {
        QStringList lines;
        for (const QJsonValue &value : s.watchdog().alertsJson()) {
            const QJsonObject a = value.toObject();
            lines << QStringLiteral("#%1 %2 start %3 ms, %4 ms: %5")
                         .arg(a.value(QStringLiteral("id")).toInt())
                         .arg(a.value(QStringLiteral("verdict")).toString())
                         .arg(a.value(QStringLiteral("startNs")).toInteger() / 1'000'000)
                         .arg(a.value(QStringLiteral("durationNs")).toInteger() / 1'000'000)
                         .arg(a.value(QStringLiteral("culprit")).toString());
        }
        return lines.join(u'\n');
    };
    // The seconds-long block is one alert, not split. With the tiers lowered to 100 ms, a loaded
    // machine may add alerts of its own (an Expose, one chunk's dispatch past 100 ms): those are
    // real and short, so only alerts over a second are counted here.
    const QJsonArray alerts = s.watchdog().alertsJson();
    QJsonObject alert;
    int longAlerts = 0;
    for (qsizetype i = before; i < alerts.size(); ++i) {
        if (alerts.at(i).toObject().value(QStringLiteral("durationNs")).toInteger() > 1'000'000'000) {
            alert = alerts.at(i).toObject();
            ++longAlerts;
        }
    }
    QVERIFY2(longAlerts == 1, qPrintable(describe()));
    QCOMPARE(s.window().hangIndicator()->alertCount(), s.watchdog().alertsThisRun());
    QVERIFY2(alert.value(QStringLiteral("verdict")).toString() == QStringLiteral("long-dispatch"),
             qPrintable(describe()));
    QCOMPARE(alert.value(QStringLiteral("end")).toString(), QStringLiteral("recovered"));
}

void TestGuiSession::dialogsAreNotHangs_data()
{
    QTest::addColumn<QString>("action");
    QTest::newRow("open trace") << QStringLiteral("&Open trace…");
    QTest::newRow("save trace") << QStringLiteral("&Save trace as…");
    QTest::newRow("export report") << QStringLiteral("&Export report…");
    QTest::newRow("load scenario") << QStringLiteral("&Load scenario…");
    QTest::newRow("preferences") << QStringLiteral("&Preferences…");
    QTest::newRow("keyboard shortcuts") << QStringLiteral("&Keyboard shortcuts");
    QTest::newRow("wav file picker") << QString();
}

void TestGuiSession::dialogsAreNotHangs()
{
    QFETCH(QString, action);
    GuiSession &s = *m_session;
    // The light holds red for a while after an earlier test's hang.
    QTRY_VERIFY_WITH_TIMEOUT(!s.window().hangIndicator()->isRed(), StartTimeoutMs);
    const qsizetype before = s.watchdog().alertsJson().size();
    QAction *trigger = nullptr;
    for (QAction *candidate : s.window().findChildren<QAction *>()) {
        if (!action.isEmpty() && candidate->text() == action)
            trigger = candidate;
    }
    if (!action.isEmpty())
        QVERIFY2(trigger, qPrintable(action));
    // Open it from the event loop as a click would; close it after 600 ms (well past the hang tier).
    bool opened = false;
    QTimer closer;
    closer.setInterval(600);
    closer.setSingleShot(true);
    connect(&closer, &QTimer::timeout, this, [&] {
        if (QWidget *dialog = QApplication::activeModalWidget()) {
            opened = true;
            dialog->close();
        }
    });
    closer.start();
    if (trigger) {
        QMetaObject::invokeMethod(trigger, &QAction::trigger, Qt::QueuedConnection);
    } else {
        StreamPanel *panel = s.window().streamPanel();
        choose(panel, WorkloadKind::LiveTranscription, ExecutionModel::Coroutine, 1);
        const int browse = panel->audioBox()->findText(QStringLiteral("WAV file…"), Qt::MatchStartsWith);
        QVERIFY(browse >= 0);
        // As a user's pick would: the panel opens the picker on activated().
        QMetaObject::invokeMethod(
            panel->audioBox(),
            [panel, browse] {
                panel->audioBox()->setCurrentIndex(browse);
                Q_EMIT panel->audioBox()->activated(browse);
            },
            Qt::QueuedConnection);
    }
    QTRY_VERIFY_WITH_TIMEOUT(opened || !closer.isActive(), StartTimeoutMs);
    QVERIFY2(opened, "no modal dialog was open when the timer fired");
    QTest::qWait(400);
    // The dialog's own loop ran for 600 ms: as a hang it would be an alert of about that length.
    // Building the dialog may itself be a long dispatch on a loaded machine (it ends before the
    // dialog's loop starts, well under 600 ms): that one is real and not what this test is about.
    const QJsonArray all = s.watchdog().alertsJson();
    QStringList modalHangs;
    for (qsizetype i = 0; i < all.size(); ++i) {
        const QJsonObject a = all.at(i).toObject();
        const QString verdict = a.value(QStringLiteral("verdict")).toString();
        const qint64 durationMs = a.value(QStringLiteral("durationNs")).toInteger() / 1'000'000;
        if (i < before || verdict == AlertRecord::verdictKey(AlertVerdict::NestedModalLoop) || durationMs < 500)
            continue;
        modalHangs << QStringLiteral("%1 %2 ms: %3 / %4")
                          .arg(verdict)
                          .arg(durationMs)
                          .arg(a.value(QStringLiteral("culprit")).toString(),
                               a.value(QStringLiteral("dispatch"))
                                   .toObject()
                                   .value(QStringLiteral("receiverClass"))
                                   .toString());
    }
    QVERIFY2(modalHangs.isEmpty(), qPrintable(modalHangs.join(u'\n')));
}

void TestGuiSession::reportCarriesTasksAndAlertsButNoKey()
{
    const QJsonObject report = m_session->report();
    QVERIFY(report.value(QStringLiteral("tasks")).toArray().size() >= 4);
    const QJsonObject first = report.value(QStringLiteral("tasks")).toArray().first().toObject();
    QVERIFY(first.value(QStringLiteral("statistics")).toObject().contains(QStringLiteral("aggregate")));
    QVERIFY(!report.value(QStringLiteral("alerts")).toArray().isEmpty());
    QVERIFY(report.value(QStringLiteral("environment")).toObject().value(QStringLiteral("openAiKeySet")).toBool());
    QVERIFY(report.value(QStringLiteral("ui")).toObject().value(QStringLiteral("frames")).toDouble() > 0);
    const QByteArray json = QJsonDocument(report).toJson();
    QVERIFY(!json.contains("sk-test-never-in-a-report"));
}

void TestGuiSession::newTiersRestartTheWatchdog()
{
    GuiSession &s = *m_session;
    const int restarts = s.watchdog().restarts();
    AppSettings changed = s.settings();
    changed.theme = AppSettings::Theme::Light; // not a tier: no restart
    s.applySettings(changed);
    QCOMPARE(s.watchdog().restarts(), restarts);
    changed.hangMs = 150;
    Q_EMIT s.window().settingsChanged(changed); // what the settings dialog does
    QCOMPARE(s.watchdog().restarts(), restarts + 1);
    QVERIFY(s.watchdog().isRunning());
    QCOMPARE(s.watchdog().watchdog()->config().hang.count(), 150);
    QCOMPARE(s.watchdog().watchdog()->config().journalPath, m_dir.filePath(QStringLiteral("journal.jsonl")));
    QVERIFY(s.watchdog().watchdog()->dispatchProbeActive());
    // Turning the dispatch probe off restarts it with heartbeats and stack samples only.
    changed.recordDispatches = false;
    s.applySettings(changed);
    QCOMPARE(s.watchdog().restarts(), restarts + 2);
    QVERIFY(s.watchdog().isRunning());
    QVERIFY(!s.watchdog().watchdog()->dispatchProbeActive());
    // The alerts of the first watchdog are still listed.
    QVERIFY(s.watchdog().alertsThisRun() >= 1);
    // Every hang is listed; nested modal loops (the dialogs above) are listed too, as information.
    QAbstractItemModel *listed = s.window().alertInspector()->model();
    int hangs = 0;
    for (int row = 0; row < listed->rowCount(); ++row)
        hangs += listed->index(row, 0).data(AlertRoles::HangRole).toBool();
    QCOMPARE(hangs, s.watchdog().alertsThisRun());
}

void TestGuiSession::closingWithStreamsRunningEndsInBoundedTime()
{
    GuiSession session(settings(), options(m_dir.filePath(QStringLiteral("close-journal.jsonl"))));
    session.window().show();
    session.start();
    QVERIFY(waitForService(session));
    StreamPanel *panel = session.window().streamPanel();
    choose(panel, WorkloadKind::LiveTranscription, ExecutionModel::Coroutine, 8);
    QTest::mouseClick(panel->startButton(), Qt::LeftButton);
    choose(panel, WorkloadKind::LiveTranscription, ExecutionModel::Thread, 2);
    QTest::mouseClick(panel->startButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(session.liveStreams(), 10, StartTimeoutMs);
    session.window().close();
    const GuiSession::ShutdownTimes times = session.shutdown();
    QCOMPARE(times.streamsAtClose, 10);
    QCOMPARE(times.workloadsLeft, 0);
    QVERIFY2(times.totalMs < 5000, qPrintable(QString::number(times.totalMs))); // a generous bound
    QCOMPARE(session.workloads().activeCount(), 0);
    QVERIFY(!session.watchdog().isRunning());
    QVERIFY(!session.service().isReady());
}

void TestGuiSession::hangKilledInAnEarlierRunIsListed()
{
    // An earlier run's journal: an alert that started and never ended, written by a process that
    // no longer runs (no such pid).
    AlertRecord killed;
    killed.id = 3;
    killed.session = QStringLiteral("an-earlier-run");
    killed.pid = 99999999;
    killed.tier = AlertTier::Critical;
    killed.startWallMs = 1'700'000'000'000;
    killed.durationNs = 7'000'000'000;
    killed.culprit = QStringLiteral("span 'load project' in coroutine 'open #1'");
    const QJsonObject line {{QStringLiteral("v"), 1},
                            {QStringLiteral("op"), QStringLiteral("start")},
                            {QStringLiteral("session"), killed.session},
                            {QStringLiteral("pid"), qint64(99999999)},
                            {QStringLiteral("procStart"), QStringLiteral("12345")},
                            {QStringLiteral("alert"), killed.toJson()}};
    const QString journal = m_dir.filePath(QStringLiteral("earlier-journal.jsonl"));
    QFile file(journal);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n');
    file.close();

    GuiSession::Options o = options(journal);
    o.loadPreviousAlerts = true;
    o.startService = false;
    GuiSession session(settings(), o);
    session.window().show();
    session.start();
    QAbstractItemModel *alerts = session.window().alertInspector()->model();
    QTRY_COMPARE_WITH_TIMEOUT(alerts->rowCount(), 1, StartTimeoutMs);
    QVERIFY(alerts->index(0, AlertRoles::DurationColumn).data().toString().contains(QStringLiteral("killed")));
    QCOMPARE(alerts->index(0, AlertRoles::CulpritColumn).data().toString(), killed.culprit);
    QCOMPARE(session.watchdog().alertsEarlierRuns(), 1);
    QCOMPARE(session.window().hangIndicator()->alertCount(), 0); // this run's count
    session.window().alertInspector()->listView()->setCurrentIndex(alerts->index(0, 0));
    QVERIFY(session.window().alertInspector()->currentDetails().title.contains(QStringLiteral("earlier run")));
}

int main(int argc, char *argv[])
{
    // The app's own QApplication, so dispatches reach the watchdog through its notify().
    TaskscopeApplication app(argc, argv);
    TestGuiSession test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_guisession.moc"

void TestGuiSession::startupErrorsStayInTheStatusBar_data()
{
    QTest::addColumn<QByteArray>("traceText"); // empty: no trace file given
    QTest::addColumn<QString>("traceName");
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QString>("expected"); // the start of the status bar's message after the first frame
    QTest::addRow("a trace that is not JSON") << QByteArray("this is not json") << QStringLiteral("bad.json")
                                              << QString() << QStringLiteral("Could not open bad.json: not valid JSON");
    QTest::addRow("a trace that does not exist")
        << QByteArray() << QStringLiteral("missing.json") << QString() << QStringLiteral("Could not open missing.json");
    QTest::addRow("a scenario that does not exist") << QByteArray() << QString() << QStringLiteral("no-such-scenario")
                                                    << QStringLiteral("Cannot run the scenario no-such-scenario");
    QTest::addRow("nothing to open") << QByteArray() << QString() << QString()
                                     << QStringLiteral("Ready: window drawn 42 ms after launch.");
}

void TestGuiSession::startupErrorsStayInTheStatusBar()
{
    QFETCH(QByteArray, traceText);
    QFETCH(QString, traceName);
    QFETCH(QString, scenario);
    QFETCH(QString, expected);
    QString tracePath;
    if (!traceName.isEmpty()) {
        tracePath = m_dir.filePath(traceName);
        QFile::remove(tracePath);
        if (!traceText.isEmpty()) {
            QFile file(tracePath);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(traceText);
        }
    }
    GuiSession::Options o = options(m_dir.filePath(QStringLiteral("startup-journal.jsonl")));
    o.startService = false;
    o.startWatchdog = false;
    o.msSinceLaunch = [] { return 42.0; };
    GuiSession session(settings(), o);
    QStatusBar *bar = session.window().statusBar();
    session.start();
    QString error;
    QCOMPARE(session.openAtStartup(tracePath, scenario, &error), scenario.isEmpty());
    // The error is on the bar before the window first paints (the slow case: a quick failure).
    if (!traceName.isEmpty())
        QTRY_VERIFY_WITH_TIMEOUT(bar->currentMessage().startsWith(QStringLiteral("Could not open")), StartTimeoutMs);
    QSignalSpy firstFrame(&session, &GuiSession::firstFramePainted);
    session.window().show();
    QVERIFY(firstFrame.wait(StartTimeoutMs));
    QCOMPARE(firstFrame.first().first().toDouble(), 42.0);
    QVERIFY2(bar->currentMessage().startsWith(expected), qPrintable(bar->currentMessage()));
    if (!scenario.isEmpty())
        QVERIFY(error.startsWith(expected));
    session.window().close();
    session.shutdown();
}
