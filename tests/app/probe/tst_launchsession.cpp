// Runs an unmodified Widgets program (tests/workers/probe/targets) offscreen under the probe and
// checks what the launcher collected: alerts with stacks, no alert for a modal dialog, each
// thread's dispatches on its own lane, the exit status for --fail-on-hang.
#include "app/probe/launchsession.h"
#include "app/probe/probereceiver.h"
#include "model/alertrecord.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracestore.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace Taskscope::Model;
using namespace Taskscope::Trace;

using namespace Taskscope::Probe;

class TestLaunchSession final : public QObject
{
    Q_OBJECT

private:
    static LaunchCommandLine commandLine(const QString &mode, const QTemporaryDir &dir)
    {
        LaunchCommandLine line;
        line.headless = true;
        line.quiet = true;
        line.program = QStringLiteral(TASKSCOPE_PROBE_TARGET);
        line.programArguments = {mode};
        line.tracePath = dir.filePath(QStringLiteral("trace.json"));
        line.reportPath = dir.filePath(QStringLiteral("report.json"));
        line.failOnHang = std::chrono::milliseconds(250);
        return line;
    }

    static bool run(LaunchSession &session)
    {
        QString error;
        if (!session.start(&error)) {
            qWarning() << error;
            return false;
        }
        QSignalSpy finished(&session, &LaunchSession::finished);
        return finished.wait(60'000);
    }

    static QList<AlertRecord> hangs(const LaunchSession &session)
    {
        QList<AlertRecord> result;
        for (const AlertRecord &alert : session.receiver().alerts()) {
            if (alert.verdict != AlertVerdict::NestedModalLoop && alert.tier >= AlertTier::Hang)
                result.append(alert);
        }
        return result;
    }

    static QString describeStack(const AlertRecord &alert)
    {
        QStringList frames;
        for (const AlertStackFrame &frame : alert.stack)
            frames.append(frame.toString());
        return alert.culprit + QStringLiteral(" | ") + frames.join(QStringLiteral(" <- "));
    }

    static bool stackNames(const AlertRecord &alert, QStringView function)
    {
        for (const AlertStackFrame &frame : alert.topFrames + alert.stack) {
            if (frame.function.contains(function))
                return true;
        }
        return false;
    }

private slots:
    void initTestCase() { qputenv("QT_QPA_PLATFORM", "offscreen"); }

    void blockingSlotIsAnAlertNamingTheSlot_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::newRow("slot that sleeps") << QStringLiteral("sleep");
        QTest::newRow("slot that spins the CPU") << QStringLiteral("spin");
    }

    void blockingSlotIsAnAlertNamingTheSlot()
    {
        QFETCH(QString, mode);
        QTemporaryDir dir;
        LaunchSession session(commandLine(mode, dir));
        QVERIFY(run(session));
        QVERIFY2(session.receiver().greeted(), "the probe never connected");
        QCOMPARE(session.receiver().error(), QString());
        // A loaded machine may also stall the program's start-up past the tier: look for the slot.
        QList<AlertRecord> found;
        for (const AlertRecord &alert : hangs(session)) {
            if (stackNames(alert, u"SaveWindow::onSaveClicked"))
                found.append(alert);
        }
        QCOMPARE(found.size(), 1);
        const AlertRecord &alert = found.first();
        // Long dispatch as a rule; the classifier may call it blocked outside dispatch when short
        // nested dispatches (the click's own) ran just before the block. Either is a hang.
        QVERIFY(alert.verdict == AlertVerdict::LongDispatch || alert.verdict == AlertVerdict::BlockedOutsideDispatch);
        QVERIFY2(stackNames(alert, u"SaveWindow::onSaveClicked"), qPrintable(describeStack(alert)));
        QVERIFY(alert.sampleCount > 0);
        QVERIFY(alert.durationNs > 250'000'000);
        // The alert left the target while the slot still blocked its UI thread.
        QCOMPARE(session.receiver().alertsSeenWhileOngoing(), 1);
        QCOMPARE(session.exitCode(), 3); // blocked longer than --fail-on-hang 250
        QVERIFY(QFileInfo(dir.filePath(QStringLiteral("trace.json"))).size() > 0);
        QVERIFY(QFileInfo(dir.filePath(QStringLiteral("report.json"))).size() > 0);
    }

    void modalDialogIsNotAHang()
    {
        QTemporaryDir dir;
        LaunchSession session(commandLine(QStringLiteral("modal"), dir));
        QVERIFY(run(session));
        QVERIFY(session.receiver().greeted());
        // The dialog's 800 ms loop is no hang (a loaded machine may stall start-up; that is not it).
        for (const AlertRecord &alert : hangs(session))
            QVERIFY2(!stackNames(alert, u"QDialog::exec"), qPrintable(describeStack(alert)));
        const QList<AlertRecord> all = session.receiver().alerts();
        QVERIFY(std::any_of(all.begin(), all.end(),
                            [](const AlertRecord &alert) { return alert.verdict == AlertVerdict::NestedModalLoop; }));
    }

    void workerThreadDispatchesOnItsOwnLane()
    {
        QTemporaryDir dir;
        LaunchSession session(commandLine(QStringLiteral("worker"), dir));
        QVERIFY(run(session));
        const QStringList threads = session.receiver().threadNames();
        QVERIFY2(threads.contains(u"AudioWorker"), qPrintable(threads.join(u',')));
        const TraceStore &store = session.store();
        LaneId workerLane = NoLane;
        for (const LaneInfo &lane : store.lanes()) {
            if (TraceNames::name(lane.name) == u"AudioWorker")
                workerLane = lane.id;
        }
        QVERIFY(workerLane != NoLane && workerLane != UiThreadLane);
        int timerSpans = 0;
        store.forEachSpan(workerLane, 0, StoredSpan::OpenEnd, [&](int, const StoredSpan &span) {
            if (TraceNames::name(span.name) == u"QTimer \"workerTimer\" · Timer")
                ++timerSpans;
        });
        QVERIFY2(timerSpans > 10, qPrintable(QString::number(timerSpans)));
        // Its dispatch rate is a counter on its lane (a 5 ms timer: well over 50 a second).
        const NameId rate = TraceNames::intern(u"dispatches/s");
        QVERIFY(store.counterNames(workerLane).contains(rate));
        std::vector<CounterItem> samples;
        store.queryCounter(workerLane, rate, std::numeric_limits<qint64>::min() / 2,
                           std::numeric_limits<qint64>::max() / 2, 1, samples);
        double highest = 0;
        for (const CounterItem &sample : samples)
            highest = std::max(highest, sample.max);
        QVERIFY2(highest > 50, qPrintable(QString::number(highest)));
        // The UI thread is the first lane and has its own dispatches.
        QCOMPARE(store.lanes().isEmpty() ? NoLane : store.lanes().first().id, UiThreadLane);
        int uiSpans = 0;
        store.forEachSpan(UiThreadLane, 0, StoredSpan::OpenEnd, [&](int, const StoredSpan &) { ++uiSpans; });
        QVERIFY(uiSpans > 0);
    }

    void attachInjectsIntoARunningProgram()
    {
        QProcess target;
        target.setProgram(QStringLiteral(TASKSCOPE_PROBE_TARGET));
        target.setArguments({QStringLiteral("linger")});
        target.start();
        QVERIFY(target.waitForStarted());
        QTest::qWait(700); // its event loop runs
        QTemporaryDir dir;
        LaunchCommandLine line = commandLine(QString(), dir);
        line.program.clear();
        line.attachPid = target.processId();
        line.failOnHang.reset();
        line.stopAfter = std::chrono::milliseconds(2500);
        LaunchSession session(line);
        QString error;
        if (!session.start(&error)) {
            target.kill();
            target.waitForFinished();
            if (error.contains(u"ptrace") || error.contains(u"gdb was not found"))
                QSKIP(qPrintable(error));
            QFAIL(qPrintable(error));
        }
        QSignalSpy finished(&session, &LaunchSession::finished);
        QVERIFY(finished.wait(30'000));
        target.kill();
        target.waitForFinished();
        QVERIFY2(session.receiver().greeted(), qPrintable(session.report().value(u"error").toString()));
        int uiSpans = 0;
        session.store().forEachSpan(UiThreadLane, 0, StoredSpan::OpenEnd, [&](int, const StoredSpan &) { ++uiSpans; });
        QVERIFY(uiSpans > 0);
        QCOMPARE(session.exitCode(), 0);
    }

    void debianDesignerRunsUnderTheProbe()
    {
        const QString designer = QStringLiteral("/usr/lib/qt6/bin/designer");
        if (!QFileInfo(designer).isExecutable())
            QSKIP("designer-qt6 is not installed (scripts/setup installs it)");
        QTemporaryDir dir;
        LaunchCommandLine line = commandLine(QString(), dir);
        line.program = designer;
        line.programArguments = {};
        line.failOnHang.reset();
        line.stopAfter = std::chrono::milliseconds(4000);
        LaunchSession session(line);
        QVERIFY(run(session));
        QVERIFY2(session.receiver().greeted(), "the probe never connected to designer");
        QCOMPARE(session.receiver().error(), QString());
        QCOMPARE(session.receiver().hello().value(u"qtVersion").toString(), QString::fromLatin1(qVersion()));
        int uiSpans = 0;
        session.store().forEachSpan(UiThreadLane, 0, StoredSpan::OpenEnd, [&](int, const StoredSpan &) { ++uiSpans; });
        QVERIFY2(uiSpans > 100, qPrintable(QString::number(uiSpans)));
        QCOMPARE(session.report().value(u"stoppedByLauncher").toBool(), true);
        QCOMPARE(session.exitCode(), 0);
    }
};

QTEST_GUILESS_MAIN(TestLaunchSession)
#include "tst_launchsession.moc"
