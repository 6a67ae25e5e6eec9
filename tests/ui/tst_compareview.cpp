// Two runs side by side, from the app or from report files read off the UI thread.
#include "model/runcomparisonmodel.h"
#include "model/trace/chrometracewriter.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracestore.h"
#include "ui/compareview.h"

#include <QComboBox>
#include <QFile>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace Taskscope::Model;
using namespace Taskscope::Trace;
using namespace Taskscope::Ui;

class TestCompareView final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsRunsFromTheApp();
    void loadsReportFiles();
    void badReportSaysWhy();
    void loadsSavedTraces();
    void repeatedRunsShowMediansAndSpread();
    void runControlsAskForAComparison();
};

void TestCompareView::showsRunsFromTheApp()
{
    CompareView view;
    view.setRuns(QStringLiteral("thread"),
                 QJsonObject {{QStringLiteral("cpu_ms_per_stream_s"), 1.4}, {QStringLiteral("p99_ms"), 1.1}},
                 QStringLiteral("coroutine"),
                 QJsonObject {{QStringLiteral("cpu_ms_per_stream_s"), 0.7}, {QStringLiteral("p99_ms"), 2.0}});
    QCOMPARE(view.comparison()->rowCount(), 2);
    QCOMPARE(view.table()->model()->rowCount(), 2);
    view.setFilter(QStringLiteral("p99"));
    QCOMPARE(view.table()->model()->rowCount(), 1);
    QCOMPARE(view.table()->model()->index(0, 0).data().toString(), QStringLiteral("p99 (ms)"));
    view.setFilter(QString());
    QCOMPARE(view.table()->model()->rowCount(), 2);
}

void TestCompareView::loadsReportFiles()
{
    QTemporaryDir dir;
    const auto write = [&](const QString &name, const QByteArray &json) {
        QFile file(dir.filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(json);
    };
    write(QStringLiteral("a.json"), R"({"label":"threads","tokens_per_s":40,"latency":{"p99_ms":8}})");
    write(QStringLiteral("b.json"), R"({"label":"coroutines","tokens_per_s":60,"latency":{"p99_ms":5}})");
    CompareView view;
    QSignalSpy changed(&view, &CompareView::runsChanged);
    view.loadReportFile(0, dir.filePath(QStringLiteral("a.json")));
    view.loadReportFile(1, dir.filePath(QStringLiteral("b.json")));
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 2, 10000);
    RunComparisonModel *model = view.comparison();
    QCOMPARE(model->labelA(), QStringLiteral("threads"));
    QCOMPARE(model->labelB(), QStringLiteral("coroutines"));
    const int row = model->figureRow(QStringLiteral("latency.p99_ms"));
    QVERIFY(row >= 0);
    QCOMPARE(model->index(row, 0).data(RunComparisonModel::VerdictRole).toInt(), 1);
}

void TestCompareView::loadsSavedTraces()
{
    // Two saved traces: "decode" takes 4 ms in A and 2 ms in B, five times each.
    QTemporaryDir dir;
    const auto save = [&](const QString &name, qint64 decodeNs) {
        TraceStore store;
        LaneInfo info;
        info.id = 1;
        info.kind = LaneKind::Thread;
        info.name = TraceNames::intern("worker");
        store.setLane(info);
        for (int i = 0; i < 5; ++i)
            store.addSpan(1, i * 10'000'000, i * 10'000'000 + decodeNs, TraceNames::intern("decode"));
        QFile file(dir.filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        QVERIFY(ChromeTraceWriter::write(store, &file));
    };
    save(QStringLiteral("before.json"), 4'000'000);
    save(QStringLiteral("after.json"), 2'000'000);
    CompareView view;
    QSignalSpy changed(&view, &CompareView::runsChanged);
    view.loadReportFile(0, dir.filePath(QStringLiteral("before.json")));
    view.loadReportFile(1, dir.filePath(QStringLiteral("after.json")));
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 2, 10000);
    RunComparisonModel *model = view.comparison();
    QCOMPARE(model->labelA(), QStringLiteral("before (trace)"));
    const int p50 = model->figureRow(QStringLiteral("names.decode.p50Ms"));
    QVERIFY(p50 >= 0);
    QCOMPARE(model->index(p50, 0).data(RunComparisonModel::ValueARole).toDouble(), 4.0);
    QCOMPARE(model->index(p50, 0).data(RunComparisonModel::ValueBRole).toDouble(), 2.0);
    QCOMPARE(model->index(p50, 0).data(RunComparisonModel::VerdictRole).toInt(), 1); // B is faster
    const int count = model->figureRow(QStringLiteral("names.decode.count"));
    QCOMPARE(model->index(count, 0).data(RunComparisonModel::ValueARole).toDouble(), 5.0);
}

void TestCompareView::repeatedRunsShowMediansAndSpread()
{
    CompareView view;
    const auto runs = [](std::initializer_list<double> values) {
        QList<QJsonObject> out;
        for (const double v : values)
            out.append(QJsonObject {{QStringLiteral("latencyP50Ms"), v}});
        return out;
    };
    view.setRepeatedRuns(QStringLiteral("thread"), runs({10, 30, 20}), QStringLiteral("coroutine"), runs({5, 7, 6}));
    RunComparisonModel *model = view.comparison();
    QCOMPARE(model->index(0, 0).data(RunComparisonModel::ValueARole).toDouble(), 20.0);
    QCOMPARE(model->index(0, 0).data(RunComparisonModel::ValueBRole).toDouble(), 6.0);
    QVERIFY(model->index(0, RunComparisonModel::ChangeColumn)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("A ranged 10–30")));
    // Loading a report into one side replaces that side's runs; the other keeps its three.
    view.setRuns(QStringLiteral("a"), QJsonObject {{QStringLiteral("latencyP50Ms"), 1.0}}, QStringLiteral("b"),
                 QJsonObject {{QStringLiteral("latencyP50Ms"), 2.0}});
    QCOMPARE(model->index(0, 0).data(RunComparisonModel::ValueARole).toDouble(), 1.0);
}

void TestCompareView::badReportSaysWhy()
{
    QTemporaryDir dir;
    QFile file(dir.filePath(QStringLiteral("bad.json")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("[1, 2");
    file.close();
    CompareView view;
    QSignalSpy failed(&view, &CompareView::loadFailed);
    view.loadReportFile(0, file.fileName());
    QVERIFY(failed.wait(10000));
    QVERIFY(failed.at(0).at(0).toString().contains(QStringLiteral("not a JSON report")));
    view.loadReportFile(1, dir.filePath(QStringLiteral("missing.json")));
    QVERIFY(failed.wait(10000));
    QVERIFY(failed.at(1).at(0).toString().contains(QStringLiteral("Cannot open")));
    QCOMPARE(view.comparison()->rowCount(), 0);
}

void TestCompareView::runControlsAskForAComparison()
{
    CompareView view;
    QSignalSpy requested(&view, &CompareView::runRequested);
    QSignalSpy cancelled(&view, &CompareView::cancelRunRequested);
    // (The ui layer's tests have no bundled scenarios: a file chosen elsewhere is offered too.)
    view.setScenario(QStringLiteral("/tmp/ui-freeze.json"));
    QCOMPARE(view.scenarioBox()->currentText(), QStringLiteral("ui-freeze"));
    view.modelBoxA()->setCurrentText(QStringLiteral("thread"));
    view.modelBoxB()->setCurrentText(QStringLiteral("coroutine"));
    view.repeatBox()->setValue(3);
    QTest::mouseClick(view.runButton(), Qt::LeftButton);
    QCOMPARE(requested.size(), 1);
    QCOMPARE(requested.first().at(3).toInt(), 3);
    QCOMPARE(requested.first().at(0).toString(), QStringLiteral("/tmp/ui-freeze.json"));
    QCOMPARE(requested.first().at(1).toString(), QStringLiteral("thread"));
    QCOMPARE(requested.first().at(2).toString(), QStringLiteral("coroutine"));

    // While it runs, the button cancels and the choices are locked.
    view.setRunState(true, QStringLiteral("Comparing thread vs coroutine: 1.0 s"));
    QVERIFY(!view.scenarioBox()->isEnabled());
    QVERIFY(!view.repeatBox()->isEnabled());
    QCOMPARE(view.runStatus(), QStringLiteral("Comparing thread vs coroutine: 1.0 s"));
    QTest::mouseClick(view.runButton(), Qt::LeftButton);
    QCOMPARE(cancelled.size(), 1);
    QCOMPARE(requested.size(), 1);
    view.setRunState(false, QStringLiteral("the comparison was cancelled"));
    QVERIFY(view.scenarioBox()->isEnabled());

    // The same model twice is not a comparison.
    view.modelBoxB()->setCurrentText(QStringLiteral("thread"));
    QTest::mouseClick(view.runButton(), Qt::LeftButton);
    QCOMPARE(requested.size(), 1);
    QVERIFY(view.runStatus().contains(QStringLiteral("two different")));

    // Choosing it again does not add it twice.
    const int entries = view.scenarioBox()->count();
    view.setScenario(QStringLiteral("/tmp/ui-freeze.json"));
    QCOMPARE(view.scenarioBox()->count(), entries);
}

QTEST_MAIN(TestCompareView)
#include "tst_compareview.moc"
