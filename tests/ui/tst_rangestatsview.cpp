// The Range tab: a timeline range selection turns into per-name rows, sortable by figure.
#include "ui/durationhistogramview.h"
#include "ui/rangestatsview.h"
#include "ui/timelineview.h"

#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTableView>
#include <QTest>

#include "tests/ui/tracefixture.h"

using namespace Taskscope::Model;
using namespace Taskscope::Trace;
using namespace Taskscope::Ui;

using namespace TraceFixture;

class TestRangeStatsView final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void followsTheTimelinesRange();
    void onlyTheLanesTheFilterShows();
    void sortsByNumbersNotText();
    void selectingARowShowsItsHistogram();
};

namespace {

QStringList names(const QStandardItemModel *model)
{
    QStringList out;
    for (int r = 0; r < model->rowCount(); ++r)
        out.append(model->item(r, 0)->text());
    return out;
}

} // namespace

void TestRangeStatsView::followsTheTimelinesRange()
{
    TraceStore store;
    fill(store);
    TimelineView timeline;
    timeline.setStore(&store, false);
    RangeStatsView view;
    view.attach(&timeline);
    QSignalSpy computed(&view, &RangeStatsView::computed);
    timeline.setRange(0, 200 * Ms);
    QCOMPARE(computed.count(), 1);
    const QStringList shown = names(view.model());
    QVERIFY(shown.contains(QStringLiteral("tiny")));
    QVERIFY(shown.contains(QStringLiteral("suspended: QTimer 20 ms")));
    const int row = int(shown.indexOf(QStringLiteral("tiny")));
    QCOMPARE(view.model()->item(row, 1)->text(), QStringLiteral("200"));
    QVERIFY(view.summaryText().contains(QStringLiteral("spans")));
    // Clearing the range keeps the last figures (nothing to compute).
    timeline.clearRange();
    QCOMPARE(computed.count(), 1);
}

void TestRangeStatsView::onlyTheLanesTheFilterShows()
{
    TraceStore store;
    fill(store);
    TimelineView timeline;
    timeline.setStore(&store, false);
    LaneFilter filter;
    filter.setText(QStringLiteral("worker"));
    timeline.setLaneFilter(filter);
    RangeStatsView view;
    view.attach(&timeline);
    timeline.setRange(0, 200 * Ms);
    QCOMPARE(names(view.model()), QStringList {QStringLiteral("decode")});
}

void TestRangeStatsView::sortsByNumbersNotText()
{
    RangeStatsView view;
    RangeStatistics::Result result;
    result.startNs = 0;
    result.endNs = 10 * Ms;
    result.rows.push_back(RangeStatistics::Row {QStringLiteral("nine"), 9, 9 * Ms, Ms, Ms, Ms, Ms, 1, {}});
    result.rows.push_back(RangeStatistics::Row {QStringLiteral("ten"), 10, 2 * Ms, 1000, 1000, 1000, 1000, 1, {}});
    view.showResult(result);
    view.table()->sortByColumn(1, Qt::DescendingOrder); // count
    QCOMPARE(view.model()->item(0, 0)->text(), QStringLiteral("ten"));
    view.table()->sortByColumn(2, Qt::DescendingOrder); // total
    QCOMPARE(view.model()->item(0, 0)->text(), QStringLiteral("nine"));
}

void TestRangeStatsView::selectingARowShowsItsHistogram()
{
    TraceStore store;
    fill(store);
    TimelineView timeline;
    timeline.setStore(&store, false);
    RangeStatsView view;
    view.attach(&timeline);
    view.resize(900, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    timeline.setRange(0, 200 * Ms);
    // The first row (most time) is selected and drawn at once.
    QVERIFY(!view.histogramView()->histogram().isEmpty());

    const QStringList shown = names(view.model());
    const int tiny = int(shown.indexOf(QStringLiteral("tiny")));
    QVERIFY(tiny >= 0);
    view.table()->setCurrentIndex(view.model()->index(tiny, 2));
    const DurationHistogram &h = view.histogramView()->histogram();
    QVERIFY(view.histogramView()->title().startsWith(QStringLiteral("tiny")));
    // 200 spans of 10 µs: one bar, [10 µs, 20 µs).
    QCOMPARE(h.total(), quint64(200));
    QCOMPARE(h.buckets().size(), std::size_t(1));
    QCOMPARE(h.buckets().front().lowNs, qint64(10'000));
    QVERIFY(view.histogramView()->bucketText(0).contains(QStringLiteral("200 (100.0 %)")));
    // The middle of the plot is that bar; it says so when hovered.
    DurationHistogramView *hv = view.histogramView();
    QCOMPARE(hv->bucketAt(QPoint(hv->width() / 2, hv->height() / 2)), 0);

    const int onTimer = int(shown.indexOf(QStringLiteral("onTimer")));
    view.table()->setCurrentIndex(view.model()->index(onTimer, 0));
    QCOMPARE(view.histogramView()->histogram().total(), quint64(1));
    QVERIFY(view.histogramView()->title().startsWith(QStringLiteral("onTimer")));
}

QTEST_MAIN(TestRangeStatsView)
#include "tst_rangestatsview.moc"
