// The main window with the real trace core: the freeze action records a real span on the UI thread,
// traces are saved and opened off the UI thread, the live capture comes back, reports are written.
#include "model/metricsseries.h"
#include "model/tasklistmodel.h"
#include "model/trace/chrometracereader.h"
#include "model/trace/traceclock.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracerecorder.h"
#include "ui/compareview.h"
#include "ui/lanefilterbar.h"
#include "ui/livecountsbar.h"
#include "ui/mainwindow.h"
#include "ui/rangestatsview.h"
#include "ui/timeline/minimap.h"
#include "ui/timelinepane.h"
#include "ui/timelineview.h"

#include <QAction>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include "tests/ui/tracefixture.h"

using namespace Taskscope::Model;
using namespace Taskscope::Trace;
using namespace Taskscope::Ui;

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
    void filterBoxNarrowsTheLanes();
    void shiftDragFillsTheRangeTab();
    void fitRunShowsTheLatestTask();
    void holdsItsSizeAt1280x800();
    void twoRunsMinutesApartStayVisible();
    void hidingAGroupIsRemembered();
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
                                QStringLiteral("compare"), QStringLiteral("range"), QStringLiteral("selection")}) {
        QVERIFY(window.showTab(name));
        QCOMPARE(window.bottomTabs()->tabText(window.bottomTabs()->currentIndex()).toLower(), name);
    }
    QVERIFY(!window.showTab(QStringLiteral("nonsense")));
}

void TestMainWindow::filterBoxNarrowsTheLanes()
{
    TraceStore live;
    TraceFixture::fill(live);
    MainWindow window;
    window.setLiveStore(&live);
    window.timeline()->relayout();
    QVERIFY(window.timeline()->layout().rowOfLane(TraceFixture::Worker) >= 0);
    QTest::keyClicks(window.laneFilterBar()->textBox(), QStringLiteral("listen"));
    window.timeline()->relayout();
    QCOMPARE(window.timeline()->layout().rowOfLane(TraceFixture::Worker), -1);
    QVERIFY(window.timeline()->layout().rowOfLane(TraceFixture::Stream) >= 0);
    window.onFrame(0); // the counts tick says how many are hidden
    QVERIFY(window.laneFilterBar()->hiddenLabel()->text().contains(QStringLiteral("hidden")));
    window.laneFilterBar()->textBox()->clear();
    window.timeline()->relayout();
    QVERIFY(window.timeline()->layout().rowOfLane(TraceFixture::Worker) >= 0);
}

void TestMainWindow::shiftDragFillsTheRangeTab()
{
    TraceStore loaded;
    TraceFixture::fill(loaded);
    MainWindow window;
    window.resize(1280, 800);
    window.timeline()->setStore(&loaded, false);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    TimelineView *view = window.timeline();
    view->zoomToRange(0, 60 * TraceFixture::Ms);
    QSignalSpy ranges(view, &TimelineView::rangeChanged);
    const QPoint from = view->pointOf(TraceFixture::Ui, 0, 3 * TraceFixture::Ms);
    const QPoint to = view->pointOf(TraceFixture::Ui, 0, 35 * TraceFixture::Ms);
    QTest::mousePress(view, Qt::LeftButton, Qt::ShiftModifier, from);
    QTest::mouseMove(view, from + QPoint(40, 0));
    QTest::mouseMove(view, to);
    QTest::mouseRelease(view, Qt::LeftButton, Qt::ShiftModifier, to);
    QCOMPARE(ranges.count(), 1);
    QVERIFY(view->hasRange());
    QVERIFY(view->rangeStartNs() < 6 * TraceFixture::Ms && view->rangeEndNs() > 34 * TraceFixture::Ms);
    // The Range tab comes forward with the spans that start in the range, per name.
    QCOMPARE(window.bottomTabs()->currentWidget(), window.rangeStatsView());
    QStringList names;
    const QStandardItemModel *model = window.rangeStatsView()->model();
    for (int r = 0; r < model->rowCount(); ++r)
        names.append(model->item(r, 0)->text());
    QVERIFY2(names.contains(QStringLiteral("onTimer")), qPrintable(names.join(u',')));
    QVERIFY(names.contains(QStringLiteral("decode")));
    QVERIFY(!names.contains(QStringLiteral("tiny"))); // they start at 100 ms
    // Escape clears the range.
    view->setFocus();
    QTest::keyClick(view, Qt::Key_Escape);
    QVERIFY(!view->hasRange());
}

void TestMainWindow::fitRunShowsTheLatestTask()
{
    TraceStore live;
    TraceFixture::fill(live);
    TaskListModel tasks;
    TaskRow first;
    first.id = 1;
    first.label = QStringLiteral("first batch");
    first.status = TaskRow::Status::Finished;
    first.startedNs = 2 * TraceFixture::Ms;
    first.endedNs = 30 * TraceFixture::Ms;
    tasks.addTask(first);
    TaskRow second = first;
    second.id = 2;
    second.label = QStringLiteral("second batch");
    second.startedNs = 40 * TraceFixture::Ms;
    second.endedNs = 90 * TraceFixture::Ms;
    tasks.addTask(second);
    MainWindow window;
    window.setLiveStore(&live);
    window.setTaskModel(&tasks);
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.fitRun();
    const TimelineViewport &v = window.timeline()->viewport();
    QVERIFY(!window.timeline()->followsLive());
    QVERIFY(v.startNs() <= double(40 * TraceFixture::Ms) && v.startNs() > double(30 * TraceFixture::Ms));
    QVERIFY(v.endNs() >= double(90 * TraceFixture::Ms) && v.endNs() < double(100 * TraceFixture::Ms));
}

void TestMainWindow::holdsItsSizeAt1280x800()
{
    TraceStore live;
    TraceFixture::fill(live);
    MainWindow window;
    window.setLiveStore(&live);
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    // Every tab fits: showing one never widens or heightens the window.
    for (const QString &name : {QStringLiteral("alerts"), QStringLiteral("transcripts"), QStringLiteral("metrics"),
                                QStringLiteral("compare"), QStringLiteral("range"), QStringLiteral("selection")}) {
        QVERIFY(window.showTab(name));
        QCoreApplication::processEvents();
        QVERIFY2(window.width() <= 1280 && window.height() <= 800,
                 qPrintable(QStringLiteral("%1: %2 x %3").arg(name).arg(window.width()).arg(window.height())));
    }
    QVERIFY(window.minimumSizeHint().width() <= 1280);
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

namespace {

// A run of ten seconds of spans on its own stream lane, fed in batches like the live drain.
void feedRun(TraceStore &store, quint64 id, LaneId lane, qint64 startNs)
{
    TraceFixture::lane(store, lane, LaneKind::Stream, id == 1 ? "listen #1" : "listen #2");
    const NameId n = TraceNames::intern(u"utterance");
    store.beginRun(id, startNs);
    for (int i = 0; i < 1000; ++i) {
        const qint64 t = startNs + qint64(i) * 10 * TraceFixture::Ms;
        store.addSpan(lane, t, t + 5 * TraceFixture::Ms, n);
        if (i % 100 == 99)
            store.afterIngest();
    }
    store.endRun(id, startNs + 10'000 * TraceFixture::Ms);
    store.afterIngest();
}

} // namespace

void TestMainWindow::twoRunsMinutesApartStayVisible()
{
    // Synthetic times, no sleeping: two runs of ten seconds, the second starting three minutes after
    // the first ended. The trace clock counts from process start, so they lie ahead of it; the live
    // edge is then the last event.
    const qint64 first = TraceClock::nowNs() + 1'000 * TraceFixture::Ms;
    const qint64 second = first + 190'000 * TraceFixture::Ms;
    TraceStore live;
    live.setKeepRuns(8);
    live.setBudgetBytes(512ull * 1024 * 1024);
    feedRun(live, 1, 40, first);
    feedRun(live, 2, 41, second);
    // The 120 s time window this replaces would have dropped the first run by now.
    {
        TraceStore windowed;
        windowed.setRetentionNs(120'000 * TraceFixture::Ms);
        feedRun(windowed, 1, 40, first);
        feedRun(windowed, 2, 41, second);
        QCOMPARE(windowed.spanAt(40, 0, first + 5'000 * TraceFixture::Ms), nullptr);
    }
    QVERIFY(live.spanAt(40, 0, first + 5'000 * TraceFixture::Ms));

    MainWindow window;
    window.setLiveStore(&live);
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.onFrame(0);
    QCOMPARE(window.liveCountsBar()->counts().runsKept, 2);
    QCOMPARE(window.liveCountsBar()->counts().runsEvicted, quint64(0));
    QVERIFY(window.liveCountsBar()->text().contains(QStringLiteral("runs kept 2, runs evicted 0")));

    window.timeline()->fitAll();
    const QRect content = window.timeline()->contentRect();
    for (const auto &[lane, start] : {std::pair {LaneId(40), first}, std::pair {LaneId(41), second}}) {
        const int x = window.timeline()->pointOf(lane, 0, start + 5'000 * TraceFixture::Ms).x();
        QVERIFY2(x > content.left() && x < content.right(), qPrintable(QString::number(x)));
    }
    // The minimap spans both runs.
    Timeline::Minimap *minimap = window.timelinePane()->minimap();
    minimap->repaint();
    QVERIFY(minimap->sessionStartNs() <= first);
    QVERIFY(minimap->sessionEndNs() >= second + 9'000 * TraceFixture::Ms);
}

void TestMainWindow::hidingAGroupIsRemembered()
{
    TraceStore live;
    TraceFixture::fill(live);
    MainWindow window;
    window.setLiveStore(&live);
    QSignalSpy saved(&window, &MainWindow::settingsChanged);
    window.timeline()->relayout();
    QVERIFY(window.timeline()->layout().rowOfLane(TraceFixture::GroupFirst) >= 0);
    // What the group's context menu does.
    Q_EMIT window.timeline()->hideGroupRequested(QStringLiteral("Coroutines/fetchChunk"));
    QCOMPARE(saved.count(), 1);
    QCOMPARE(window.settings().hiddenLaneGroups, QStringList {QStringLiteral("Coroutines/fetchChunk")});
    window.timeline()->relayout();
    QCOMPARE(window.timeline()->layout().rowOfLane(TraceFixture::GroupFirst), -1);
    QVERIFY(window.laneFilterBar()->groupsButton()->isVisibleTo(&window));
    // A new window with the saved settings hides it from the start.
    MainWindow again;
    again.setLiveStore(&live);
    again.setSettings(window.settings());
    again.timeline()->relayout();
    QCOMPARE(again.timeline()->layout().rowOfLane(TraceFixture::GroupFirst), -1);
    // Shown again from the filter bar.
    again.laneFilterBar()->showGroup(QStringLiteral("Coroutines/fetchChunk"));
    again.timeline()->relayout();
    QVERIFY(again.timeline()->layout().rowOfLane(TraceFixture::GroupFirst) >= 0);
    QVERIFY(again.settings().hiddenLaneGroups.isEmpty());
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
