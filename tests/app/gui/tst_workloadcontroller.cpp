// The controller between the stream panel and the workloads, against the in-process service:
// workloads wait for the built-in service and start when it is up (or fail with its error);
// transcripts and tokens reach the model only when a frame flushes them, interims replaced by
// finals; finished tasks keep their figures; a spec that cannot run fails with the reason.
#include "app/gui/workloadcontroller.h"
#include "app/scenario/loopbackhost.h"
#include "model/metricsseries.h"
#include "model/tasklistmodel.h"
#include "model/transcriptmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Taskscope::Gui;
using namespace Taskscope::Model;

using Taskscope::Scenarios::LoopbackHost;

namespace {

WorkloadSpec chat(int count, int tokens)
{
    WorkloadSpec spec;
    spec.kind = WorkloadKind::ChatStream;
    spec.model = ExecutionModel::Coroutine;
    spec.count = count;
    spec.maxTokens = tokens;
    spec.tokensPerSecond = 400;
    spec.text = QStringLiteral("Why must a UI thread never block?");
    return spec;
}

} // namespace

class TestWorkloadController final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void waitsForTheServiceThenRuns();
    void serviceThatDidNotStartFailsWaitingTasks();
    void textReachesTheModelOncePerFrame();
    void stopAllStopsEverything();

private:
    LoopbackHost m_service;
    QUrl m_url;
};

void TestWorkloadController::initTestCase()
{
    QSignalSpy ready(&m_service, &LoopbackHost::ready);
    m_service.start();
    QVERIFY(ready.wait(10'000));
    m_url = m_service.url();
}

void TestWorkloadController::waitsForTheServiceThenRuns()
{
    TaskListModel tasks;
    TranscriptModel transcripts;
    MetricsSeries metrics;
    QAbstractItemModelTester tester(&tasks, QAbstractItemModelTester::FailureReportingMode::QtTest);
    WorkloadController controller(&tasks, &transcripts, &metrics);
    const quint64 id = controller.start(chat(2, 10));
    QCOMPARE(tasks.rowCount(), 1);
    QCOMPARE(controller.status(id), TaskRow::Status::Starting); // no service yet
    QVERIFY(!controller.workload(id));

    QSignalSpy ended(&controller, &WorkloadController::taskEnded);
    controller.setLoopbackUrl(m_url);
    QVERIFY(controller.workload(id));
    QVERIFY(ended.wait(20'000));
    QCOMPARE(controller.status(id), TaskRow::Status::Finished);
    QCOMPARE(tasks.task(id)->status, TaskRow::Status::Finished);
    QVERIFY(tasks.task(id)->figures.contains(QStringLiteral("20 tokens")));
    const QJsonArray json = controller.tasksJson();
    QCOMPARE(json.size(), 1);
    QCOMPARE(
        json.first().toObject().value(QStringLiteral("summary")).toObject().value(QStringLiteral("tokens")).toInt(),
        20);
    QVERIFY(!controller.workload(id)); // released; its figures stay
}

void TestWorkloadController::serviceThatDidNotStartFailsWaitingTasks()
{
    TaskListModel tasks;
    TranscriptModel transcripts;
    WorkloadController controller(&tasks, &transcripts, nullptr);
    const quint64 waiting = controller.start(chat(1, 5));
    controller.setLoopbackFailed(QStringLiteral("cannot listen on 127.0.0.1:0"));
    QCOMPARE(controller.status(waiting), TaskRow::Status::Failed);
    QVERIFY(tasks.task(waiting)->lastError.contains(QStringLiteral("cannot listen")));
    // Later ones fail at once with the same reason; the controller keeps working.
    const quint64 later = controller.start(chat(1, 5));
    QCOMPARE(controller.status(later), TaskRow::Status::Failed);
    QCOMPARE(controller.activeCount(), 0);
}

void TestWorkloadController::textReachesTheModelOncePerFrame()
{
    TaskListModel tasks;
    TranscriptModel transcripts;
    WorkloadController controller(&tasks, &transcripts, nullptr);
    controller.setLoopbackUrl(m_url);
    QSignalSpy ended(&controller, &WorkloadController::taskEnded);
    const quint64 id = controller.start(chat(1, 30));
    // The stream's row is there from the start, empty.
    QCOMPARE(transcripts.rowCount(), 1);
    const TranscriptEntry *entry = transcripts.entry(WorkloadController::transcriptStreamId(id, 0));
    QVERIFY(entry);
    QVERIFY(ended.wait(20'000));
    // Nothing is written between frames, however many tokens arrived.
    QCOMPARE(entry->tokens, 0u);
    QSignalSpy changed(&transcripts, &TranscriptModel::textChanged);
    controller.flushFrame();
    QCOMPARE(transcripts.rowCount(), 1);
    entry = transcripts.entry(WorkloadController::transcriptStreamId(id, 0));
    QCOMPARE(entry->tokens, 30u);
    QVERIFY(!entry->tokenText.isEmpty());
    QCOMPARE(changed.size(), 1); // one write for the whole frame
    controller.flushFrame();
    QCOMPARE(changed.size(), 1);
}

void TestWorkloadController::stopAllStopsEverything()
{
    TaskListModel tasks;
    TranscriptModel transcripts;
    WorkloadController controller(&tasks, &transcripts, nullptr);
    controller.setLoopbackUrl(m_url);
    WorkloadSpec live;
    live.kind = WorkloadKind::LiveTranscription;
    live.model = ExecutionModel::Thread;
    live.count = 2;
    live.audio = QStringLiteral("two-utterances");
    controller.start(live);
    live.model = ExecutionModel::Coroutine;
    controller.start(live);
    QTRY_COMPARE_WITH_TIMEOUT(controller.liveStreams(), 4, 10'000);
    QCOMPARE(controller.shutdown(5000), 0);
    QCOMPARE(controller.activeCount(), 0);
    QCOMPARE(tasks.task(1)->status, TaskRow::Status::Stopped);
    QCOMPARE(tasks.task(2)->status, TaskRow::Status::Stopped);
}

QTEST_GUILESS_MAIN(TestWorkloadController)
#include "tst_workloadcontroller.moc"
