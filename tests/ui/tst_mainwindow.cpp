// The main window with the real trace core: the freeze action records a real span on the UI thread,
// traces are saved and opened off the UI thread, the live capture comes back, reports are written.
#include "model/metricsseries.h"
#include "model/tasklistmodel.h"
#include "model/trace/chrometracereader.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracerecorder.h"
#include "ui/compareview.h"
#include "ui/livecountsbar.h"
#include "ui/mainwindow.h"
#include "ui/timelineview.h"

#include <QAction>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

#include "tests/ui/tracefixture.h"

class TestMainWindow final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void freezeRecordsARealSpanOnTheUiThread_data();
    void freezeRecordsARealSpanOnTheUiThread();
    void savesAndOpensTracesOffTheUiThread();
    void openingABadFileSaysWhy();
    void exportsAReport();
    void framesFeedCountsAndMetrics();
    void spacePausesTheLiveViewOnly();
    void tabsByName();
    void closingAsksTheAppToStop();
};

void TestMainWindow::freezeRecordsARealSpanOnTheUiThread_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("name");
    QTest::newRow("sleep") << int(AppSettings::FreezeKind::Sleep)
                           << QStringLiteral("Freeze the UI: blocking sleep on the UI thread");
    QTest::newRow("busy loop") << int(AppSettings::FreezeKind::Busy)
                               << QStringLiteral("Freeze the UI: busy loop on the UI thread");
}

void TestMainWindow::freezeRecordsARealSpanOnTheUiThread()
{
    QFETCH(int, kind);
    QFETCH(QString, name);
    TraceStore live;
    TraceRecorder::drain(live); // start from what earlier tests left
    MainWindow window;
    window.setLiveStore(&live);
    AppSettings settings;
    settings.freezeMs = 30;
    settings.freezeKind = AppSettings::FreezeKind(kind);
    window.setSettings(settings);
    window.freezeAction()->trigger();
    TraceRecorder::drain(live);
    const StoredSpan *found = nullptr;
    live.forEachSpan(UiThreadLane, std::numeric_limits<qint64>::min(), std::numeric_limits<qint64>::max(),
                     [&](int, const StoredSpan &span) {
                         if (TraceNames::name(span.name) == name)
                             found = &span;
                     });
    QVERIFY2(found, "the freeze span is on the UI thread's lane");
    QVERIFY(!found->isOpen());
    QVERIFY(found->endNs > found->startNs);
    QCOMPARE(found->arg, 30u); // the requested duration travels with the span (no timing asserted)
}

void TestMainWindow::savesAndOpensTracesOffTheUiThread()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("trace.json"));
    TraceStore live;
    TraceFixture::fill(live);
    MainWindow window;
    window.setLiveStore(&live);
    QSignalSpy started(&window, &MainWindow::liveStoreReadStarted);
    QSignalSpy finished(&window, &MainWindow::liveStoreReadFinished);
    window.saveTrace(path);
    QVERIFY(window.fileJobRunning());
    QCOMPARE(started.count(), 1);
    QVERIFY(finished.wait(10000));
    QVERIFY(!window.fileJobRunning());
    QVERIFY(QFile::exists(path));

    QSignalSpy opened(&window, &MainWindow::traceOpened);
    window.openTrace(path);
    QVERIFY(opened.wait(10000));
    QCOMPARE(opened.at(0).at(0).toString(), path);
    QVERIFY(window.showsOpenedTrace());
    QVERIFY(window.shownStore() != &live);
    QCOMPARE(window.timeline()->store(), window.shownStore());
    QVERIFY(!window.timeline()->isLive());
    QCOMPARE(window.shownStore()->spanCount(), live.spanCount());
    QCOMPARE(window.shownStore()->alertBands().size(), live.alertBands().size());
    QVERIFY(window.windowTitle().contains(QStringLiteral("trace.json")));

    window.backToLive();
    QVERIFY(!window.showsOpenedTrace());
    QCOMPARE(window.timeline()->store(), &live);
    QVERIFY(window.timeline()->isLive());
}

void TestMainWindow::openingABadFileSaysWhy()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bad.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{\"traceEvents\": [ {\"ph\": 5} ");
    file.close();
    TraceStore live;
    MainWindow window;
    window.setLiveStore(&live);
    window.openTrace(path);
    QTRY_VERIFY_WITH_TIMEOUT(!window.fileJobRunning(), 10000);
    QVERIFY(!window.showsOpenedTrace());
    QCOMPARE(window.timeline()->store(), &live);
    window.openTrace(dir.filePath(QStringLiteral("missing.json")));
    QTRY_VERIFY_WITH_TIMEOUT(!window.fileJobRunning(), 10000);
    QVERIFY(!window.showsOpenedTrace());
}

void TestMainWindow::exportsAReport()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("report.json"));
    TraceStore live;
    TraceFixture::fill(live);
    MetricsSeries metrics;
    metrics.add(MetricNames::LatencyP99, 1, 12.5);
    TaskListModel tasks;
    TaskRow row;
    row.id = 5;
    row.label = QStringLiteral("listen #5");
    tasks.addTask(row);
    MainWindow window;
    window.setLiveStore(&live);
    window.setMetrics(&metrics);
    window.setTaskModel(&tasks);
    window.exportReport(path);
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(path), 10000);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject report = QJsonDocument::fromJson(file.readAll()).object();
    QCOMPARE(report.value(QStringLiteral("trace")).toObject().value(QStringLiteral("spans")).toDouble(),
             double(live.spanCount()));
    QCOMPARE(report.value(QStringLiteral("metrics"))
                 .toObject()
                 .value(QString(MetricNames::LatencyP99))
                 .toObject()
                 .value(QStringLiteral("max"))
                 .toDouble(),
             12.5);
    QCOMPARE(report.value(QStringLiteral("tasks")).toArray().size(), 1);

    // The app can supply its own report (the headless format).
    window.setReportProvider([] { return QJsonObject {{QStringLiteral("scenario"), QStringLiteral("ui-freeze")}}; });
    QFile::remove(path);
    window.exportReport(path);
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(path), 10000);
    file.close();
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("scenario")).toString(),
             QStringLiteral("ui-freeze"));
}

void TestMainWindow::framesFeedCountsAndMetrics()
{
    TraceStore live;
    TraceFixture::fill(live);
    MetricsSeries metrics;
    MainWindow window;
    window.setLiveStore(&live);
    window.setMetrics(&metrics);
    window.onFrame(0);
    QTRY_VERIFY_WITH_TIMEOUT((window.onFrame(0), metrics.contains(QString(MetricNames::UiFrameIntervalMs))), 3000);
    QVERIFY(metrics.contains(QString(MetricNames::LiveCoroutines)));
    QCOMPARE(window.liveCountsBar()->counts().coroutinesTotal, 1 + TraceFixture::GroupSize);
    QCOMPARE(window.liveCountsBar()->counts().threadsTotal, 2);
}

void TestMainWindow::spacePausesTheLiveViewOnly()
{
    TraceStore live;
    TraceFixture::fill(live);
    MainWindow window;
    window.setLiveStore(&live);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.timeline()->setFocus();
    QVERIFY(window.timeline()->followsLive());
    QTest::keyClick(window.timeline(), Qt::Key_Space);
    QVERIFY(!window.timeline()->followsLive());
    // Capture goes on: frames keep arriving and the view counts what it has not shown.
    window.onFrame(40);
    window.onFrame(2);
    QCOMPARE(window.timeline()->eventsBehind(), quint64(42));
    QTest::keyClick(window.timeline(), Qt::Key_Space);
    QVERIFY(window.timeline()->followsLive());
    QCOMPARE(window.timeline()->eventsBehind(), quint64(0));
}

void TestMainWindow::tabsByName()
{
    MainWindow window;
    for (const QString &name : {QStringLiteral("alerts"), QStringLiteral("transcripts"), QStringLiteral("metrics"),
                                QStringLiteral("compare"), QStringLiteral("selection")}) {
        QVERIFY(window.showTab(name));
        QCOMPARE(window.bottomTabs()->tabText(window.bottomTabs()->currentIndex()).toLower(), name);
    }
    QVERIFY(!window.showTab(QStringLiteral("nonsense")));
}

void TestMainWindow::closingAsksTheAppToStop()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy closing(&window, &MainWindow::closing);
    QVERIFY(window.close());
    QCOMPARE(closing.count(), 1);
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
