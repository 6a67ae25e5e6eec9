// "Run this scenario in two models": the compare runner launches the real headless taskscope
// (built next to this test) as a child process, relays its progress, and hands back both runs from
// its report, with the figures the compare view shows; a program that cannot start is an error.
#include "app/gui/comparerunner.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace Taskscope::Gui;
using namespace Taskscope::Model;

class TestCompareRunner final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void runsTheScenarioInTwoModels();
    void aProgramThatCannotStartIsAnError();
    void sameModelTwiceIsRefused();
    void repeatsRunEveryRound();

private:
    static QString taskscope()
    {
        // tests/ and app/ are siblings in the build tree.
        return QFileInfo(QCoreApplication::applicationDirPath() + QStringLiteral("/../app/taskscope"))
            .absoluteFilePath();
    }
};

void TestCompareRunner::runsTheScenarioInTwoModels()
{
    QVERIFY2(QFileInfo(taskscope()).isExecutable(),
             qPrintable(QStringLiteral("build the taskscope target: %1").arg(taskscope())));
    CompareRunner runner;
    runner.setProgram(taskscope());
    QSignalSpy progress(&runner, &CompareRunner::progress);
    QSignalSpy finished(&runner, &CompareRunner::finished);
    QVERIFY(
        runner.start(QStringLiteral(":/scenarios/ui-freeze.json"), ExecutionModel::Coroutine, ExecutionModel::Offload));
    QVERIFY(runner.isRunning());
    QVERIFY(!progress.isEmpty());
    QVERIFY(finished.wait(60'000));
    const QList<QVariant> result = finished.first();
    QVERIFY2(result.at(0).toBool(), qPrintable(result.at(1).toString()));
    QCOMPARE(result.at(2).toString(), QStringLiteral("coroutine"));
    QCOMPARE(result.at(4).toString(), QStringLiteral("offload"));
    const QJsonObject a = result.at(3).toJsonObject();
    const QJsonObject b = result.at(5).toJsonObject();
    QCOMPARE(a.value(QStringLiteral("model")).toString(), QStringLiteral("coroutine"));
    QCOMPARE(b.value(QStringLiteral("model")).toString(), QStringLiteral("offload"));

    // What the compare view shows: the blocking sleep froze the loop in one model only.
    QJsonObject figuresA = CompareRunner::comparableFigures(a);
    QJsonObject figuresB = CompareRunner::comparableFigures(b);
    QVERIFY(figuresA.contains(QStringLiteral("chat-stream")));
    QVERIFY(figuresA.contains(QStringLiteral("command sleep")));
    const double gapA =
        figuresA.value(QStringLiteral("chat-stream")).toObject().value(QStringLiteral("interTokenGapMaxMs")).toDouble();
    const double gapB =
        figuresB.value(QStringLiteral("chat-stream")).toObject().value(QStringLiteral("interTokenGapMaxMs")).toDouble();
    QVERIFY2(gapA > gapB, qPrintable(QStringLiteral("%1 vs %2").arg(gapA).arg(gapB)));
    QVERIFY(figuresA.value(QStringLiteral("ui watchdog")).toObject().value(QStringLiteral("alerts")).toInt() >= 1);
    QCOMPARE(figuresB.value(QStringLiteral("ui watchdog")).toObject().value(QStringLiteral("alerts")).toInt(), 0);
    QVERIFY(figuresA.value(QStringLiteral("process")).toObject().value(QStringLiteral("cpuMs")).toDouble() > 0);
    QVERIFY(!runner.isRunning());

    // Figures that are 0 in both runs say nothing and are left out; the rest stay.
    CompareRunner::dropZeroInBoth(figuresA, figuresB);
    QVERIFY(!figuresA.value(QStringLiteral("chat-stream")).toObject().contains(QStringLiteral("errors")));
    QVERIFY(figuresA.value(QStringLiteral("chat-stream")).toObject().contains(QStringLiteral("interTokenGapMaxMs")));
    QVERIFY(figuresB.value(QStringLiteral("ui watchdog")).toObject().contains(QStringLiteral("alerts"))); // 0 in B only
}

void TestCompareRunner::aProgramThatCannotStartIsAnError()
{
    CompareRunner runner;
    runner.setProgram(QStringLiteral("/nonexistent/taskscope"));
    QSignalSpy finished(&runner, &CompareRunner::finished);
    QVERIFY(runner.start(QStringLiteral("ui-freeze"), ExecutionModel::Thread, ExecutionModel::Coroutine));
    QVERIFY(finished.wait(10'000));
    QCOMPARE(finished.first().at(0).toBool(), false);
    QVERIFY(!finished.first().at(1).toString().isEmpty());
    QVERIFY(!runner.isRunning());
}

void TestCompareRunner::sameModelTwiceIsRefused()
{
    CompareRunner runner;
    QVERIFY(!runner.start(QStringLiteral("ui-freeze"), ExecutionModel::Thread, ExecutionModel::Thread));
    QVERIFY(!runner.errorString().isEmpty());
    QVERIFY(!runner.isRunning());
}

void TestCompareRunner::repeatsRunEveryRound()
{
    CompareRunner refused;
    QVERIFY(!refused.start(QStringLiteral("ui-freeze"), ExecutionModel::Thread, ExecutionModel::Coroutine, 0));
    QVERIFY(refused.errorString().contains(QStringLiteral("repeat")));

    QVERIFY(QFileInfo(taskscope()).isExecutable());
    CompareRunner runner;
    runner.setProgram(taskscope());
    QSignalSpy finished(&runner, &CompareRunner::finished);
    QVERIFY(runner.start(QStringLiteral(":/scenarios/ui-freeze.json"), ExecutionModel::Coroutine,
                         ExecutionModel::Offload, 2));
    QVERIFY(finished.wait(120'000));
    QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
    // Two rounds, each a child of its own: two runs per model, in order.
    QCOMPARE(runner.runsA().size(), 2);
    QCOMPARE(runner.runsB().size(), 2);
    for (const QJsonObject &run : runner.runsA())
        QCOMPARE(run.value(QStringLiteral("model")).toString(), QStringLiteral("coroutine"));
    QCOMPARE(runner.runsB().last().value(QStringLiteral("model")).toString(), QStringLiteral("offload"));
    QVERIFY(!runner.isRunning());
}

QTEST_GUILESS_MAIN(TestCompareRunner)
#include "tst_comparerunner.moc"
