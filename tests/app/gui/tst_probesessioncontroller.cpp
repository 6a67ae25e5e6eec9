// The window watching other programs: an unmodified Widgets program (tests/workers/probe/targets)
// launched offscreen with the probe, its threads as one lane group, its hang in the alert inspector
// tagged with the process, its exit or crash ending the group, and the window's close leaving it
// running.
#include "app/gui/guisession.h"
#include "app/gui/probesessioncontroller.h"
#include "app/gui/tracecontroller.h"
#include "app/gui/watchdogcontroller.h"
#include "app/probe/attachpreflight.h"
#include "model/alertlistmodel.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracestore.h"
#include "ui/mainwindow.h"
#include "ui/timelinelayout.h"

#include <QMenu>
#include <QMenuBar>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>

#include <sys/wait.h>
#include <unistd.h>

using namespace Taskscope::Gui;
using namespace Taskscope::Model;
using namespace Taskscope::Trace;
using namespace Taskscope::Ui;

using namespace Taskscope::Probe;

namespace {

constexpr int StartTimeoutMs = 30'000;

bool processRuns(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray text = stat.readAll();
    return text.mid(text.lastIndexOf(')') + 2, 1) != "Z";
}

} // namespace

class TestProbeSessionController final : public QObject
{
    Q_OBJECT

private:
    GuiSession::Options options() const
    {
        GuiSession::Options o;
        o.startService = false;
        o.startWatchdog = false;
        o.watchdog = GuiSession::defaultWatchdogConfig();
        o.watchdog.journalPath = m_dir.filePath(QStringLiteral("journal.jsonl"));
        o.watchdog.desktopNotifications = false;
        o.saveSettings = false;
        o.loadPreviousAlerts = false;
        return o;
    }

    static LaunchRequest target(const QString &mode)
    {
        return {QStringLiteral(TASKSCOPE_PROBE_TARGET), {mode}, {}, {QStringLiteral("QT_QPA_PLATFORM=offscreen")}};
    }

    static QList<LaneInfo> groupLanes(const TraceStore &store, const QString &group)
    {
        QList<LaneInfo> lanes;
        for (const LaneInfo &lane : store.lanes()) {
            if (TraceNames::name(lane.group) == group)
                lanes.append(lane);
        }
        return lanes;
    }

    static QList<AlertRecord> taggedAlerts(GuiSession &session, const QString &tag)
    {
        QList<AlertRecord> found;
        for (const AlertRecord &alert : session.watchdog().alerts()->alerts()) {
            if (alert.culprit.startsWith(tag + u':') && alert.tier >= AlertTier::Hang
                && alert.verdict != AlertVerdict::NestedModalLoop)
                found.append(alert);
        }
        return found;
    }

    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }

    void fileMenuOffersLaunchAttachAndDetach()
    {
        GuiSession session(AppSettings(), options());
        QStringList texts;
        for (QAction *action : session.window().menuBar()->actions()) {
            if (action->menu() && action->text().remove(u'&') == QStringLiteral("File")) {
                for (QAction *item : action->menu()->actions())
                    texts.append(item->text().remove(u'&'));
            }
        }
        QVERIFY2(texts.contains(QStringLiteral("Launch application…")), qPrintable(texts.join(u'|')));
        QVERIFY(texts.contains(QStringLiteral("Attach to process…")));
        QVERIFY(texts.contains(QStringLiteral("Detach from watched programs")));
        QVERIFY(!session.probes().detachAction()->isEnabled()); // nothing watched yet
    }

    void launchFailureIsReportedAndTheWindowGoesOn()
    {
        GuiSession session(AppSettings(), options());
        QString error;
        QVERIFY(!session.probes().launch({QStringLiteral("/nonexistent/program"), {}, {}, {}}, &error));
        QVERIFY2(error.contains(QStringLiteral("no such program")), qPrintable(error));
        QCOMPARE(session.probes().count(), 0);
    }

    void hangOfALaunchedProgramIsATaggedAlertInItsGroup()
    {
        GuiSession session(AppSettings(), options());
        session.window().show();
        session.start();
        QString error;
        WatchedProcess *process = session.probes().launch(target(QStringLiteral("sleep")), &error);
        QVERIFY2(process, qPrintable(error));
        const QString tag = QStringLiteral("probetarget (%1)").arg(process->pid());
        QCOMPARE(process->displayName(), tag);
        QVERIFY(session.probes().detachAction()->isEnabled());
        QSignalSpy ended(process, &WatchedProcess::ended);

        // The slot's 600 ms sleep: an alert of the target's own watchdog, listed in the window's
        // inspector with the process as the culprit's prefix.
        QTRY_VERIFY_WITH_TIMEOUT(!taggedAlerts(session, tag).isEmpty(), StartTimeoutMs);
        const AlertRecord alert = taggedAlerts(session, tag).first();
        QVERIFY2(alert.culprit.startsWith(tag + QStringLiteral(": ")), qPrintable(alert.culprit));
        QCOMPARE(alert.pid, process->pid());
        QVERIFY(alert.id & (1u << 31)); // apart from the window's own alert ids (a band click finds it)

        QVERIFY(ended.wait(StartTimeoutMs) || !ended.isEmpty());
        QCOMPARE(ended.first().first().toString(), QStringLiteral("exited 0"));
        QCOMPARE(process->endReason(), QStringLiteral("exited 0"));

        // A frame moves the last events and the ended lanes into the store.
        QSignalSpy frames(&session.trace(), &TraceController::frame);
        QVERIFY(frames.wait(5000) && frames.wait(5000));
        const QList<LaneInfo> lanes = groupLanes(session.trace().store(), tag);
        QVERIFY2(lanes.size() >= 2, qPrintable(QString::number(lanes.size())));
        const LaneInfo ui = session.trace().store().lane(process->uiLane());
        QVERIFY2(TraceNames::name(ui.name).endsWith(QStringLiteral("exited 0")), qPrintable(TraceNames::name(ui.name)));
        for (const LaneInfo &lane : lanes)
            QVERIFY2(lane.endedNs >= 0, qPrintable(TraceNames::name(lane.name)));
        QVERIFY(session.trace().store().depthCount(process->uiLane()) > 0); // dispatch spans on the UI thread
        QVERIFY(process->msToFirstSpan() >= 0);
        qInfo("launch to the first span in the window's store: %lld ms", process->msToFirstSpan());
        QCOMPARE(process->droppedItems(), quint64(0));

        session.shutdown();
    }

    void crashEndsTheGroupWithTheSignal()
    {
        GuiSession session(AppSettings(), options());
        session.start();
        QString error;
        WatchedProcess *process = session.probes().launch(target(QStringLiteral("crash")), &error);
        QVERIFY2(process, qPrintable(error));
        QSignalSpy ended(process, &WatchedProcess::ended);
        QVERIFY(ended.wait(StartTimeoutMs));
        QCOMPARE(ended.first().first().toString(), QStringLiteral("killed by SIGSEGV"));
        session.shutdown();
    }

    void attachingToARunningProgramMakesItsGroup()
    {
        QProcess target;
        target.setProgram(QStringLiteral(TASKSCOPE_PROBE_TARGET));
        target.setArguments({QStringLiteral("linger")});
        target.start();
        QVERIFY(target.waitForStarted());
        QTest::qWait(700); // its event loop runs
        // The attach dialog's list: the program is there, with the pre-flight's verdict.
        AttachPreflight::Candidate listed;
        for (const AttachPreflight::Candidate &candidate : AttachPreflight::qtProcesses()) {
            if (candidate.pid == target.processId())
                listed = candidate;
        }
        QCOMPARE(listed.pid, target.processId());
        QCOMPARE(listed.name, QStringLiteral("probetarget"));
        if (listed.refusal.contains(u"ptrace") || listed.refusal.contains(u"gdb"))
            QSKIP(qPrintable(QStringLiteral("attaching is refused here: ") + listed.refusal));
        QCOMPARE(listed.refusal, QString());

        GuiSession session(AppSettings(), options());
        session.start();
        QString error;
        WatchedProcess *process = session.probes().attach(target.processId(), &error);
        QVERIFY2(process, qPrintable(error));
        QCOMPARE(process->displayName(), QStringLiteral("probetarget (%1)").arg(target.processId()));
        QSignalSpy greeted(process, &WatchedProcess::greetedProbe);
        QVERIFY2(greeted.wait(StartTimeoutMs) || !greeted.isEmpty(), qPrintable(process->errorString()));
        QTRY_VERIFY_WITH_TIMEOUT(session.trace().store().hasLane(process->uiLane())
                                     && session.trace().store().depthCount(process->uiLane()) > 0,
                                 StartTimeoutMs);
        QCOMPARE(TraceNames::name(session.trace().store().lane(process->uiLane()).group), process->displayName());
        // A second attach is refused with the pre-flight's reason: the probe is inside already.
        QVERIFY(!session.probes().attach(target.processId(), &error));
        QVERIFY2(error.contains(QStringLiteral("already has the Taskscope probe")), qPrintable(error));
        session.probes().detachAll();
        QCOMPARE(process->state(), WatchedProcess::State::Detached);
        QVERIFY(target.state() == QProcess::Running); // detached: it goes on
        session.shutdown();
        target.kill();
        target.waitForFinished();
    }

    void closingTheWindowLeavesTheProgramRunning()
    {
        qint64 pid = 0;
        {
            GuiSession session(AppSettings(), options());
            session.window().show();
            session.start();
            QString error;
            WatchedProcess *process = session.probes().launch(target(QStringLiteral("hangs")), &error);
            QVERIFY2(process, qPrintable(error));
            pid = process->pid();
            QSignalSpy greeted(process, &WatchedProcess::greetedProbe);
            QVERIFY(greeted.wait(StartTimeoutMs));

            // Its UI thread leads its group, its worker thread ("AudioWorker") follows.
            const QString tag = process->displayName();
            const auto workerLane = [&] {
                for (const LaneInfo &lane : groupLanes(session.trace().store(), tag)) {
                    if (TraceNames::name(lane.name) == QStringLiteral("AudioWorker")
                        && session.trace().store().depthCount(lane.id) > 0)
                        return lane.id;
                }
                return NoLane;
            };
            QTRY_VERIFY_WITH_TIMEOUT(workerLane() != NoLane, StartTimeoutMs);
            QTRY_VERIFY_WITH_TIMEOUT(session.trace().store().depthCount(process->uiLane()) > 0, StartTimeoutMs);
            TimelineLayout layout;
            layout.rebuild(session.trace().store());
            layout.expandAll();
            layout.rebuild(session.trace().store());
            const int uiRow = layout.rowOfLane(process->uiLane());
            QVERIFY(uiRow > 0);
            const TimelineRow &heading = layout.rows().at(std::size_t(uiRow - 1));
            QCOMPARE(int(heading.type), int(TimelineRow::Type::Group));
            QCOMPARE(TraceNames::name(heading.group), tag);
            QVERIFY(uiRow < layout.rowOfLane(workerLane()));

            session.window().close();
            session.shutdown();
            QCOMPARE(process->state(), WatchedProcess::State::Detached);
        }
        QTest::qWait(300);
        QVERIFY2(processRuns(pid), "the watched program went with the window");
        ::kill(pid_t(pid), SIGKILL);
        ::waitpid(pid_t(pid), nullptr, 0); // still our child: reap it
    }
};

QTEST_MAIN(TestProbeSessionController)
#include "tst_probesessioncontroller.moc"
