// Two runs side by side, from the app or from report files read off the UI thread.
#include "model/runcomparisonmodel.h"
#include "ui/compareview.h"

#include <QComboBox>
#include <QFile>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

class TestCompareView final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsRunsFromTheApp();
    void loadsReportFiles();
    void badReportSaysWhy();
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
    QTest::mouseClick(view.runButton(), Qt::LeftButton);
    QCOMPARE(requested.size(), 1);
    QCOMPARE(requested.first().at(0).toString(), QStringLiteral("/tmp/ui-freeze.json"));
    QCOMPARE(requested.first().at(1).toString(), QStringLiteral("thread"));
    QCOMPARE(requested.first().at(2).toString(), QStringLiteral("coroutine"));

    // While it runs, the button cancels and the choices are locked.
    view.setRunState(true, QStringLiteral("Comparing thread vs coroutine: 1.0 s"));
    QVERIFY(!view.scenarioBox()->isEnabled());
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
