// Charts fed from MetricsSeries: known figures land on their chart, others on "Other figures".
#include "model/metricsseries.h"
#include "ui/metricsview.h"

#include <QTest>

using namespace Taskscope::Model;
using namespace Taskscope::Ui;

class TestMetricsView final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void chartsTheSeries();
    void chartsOnlyTheRecentWindow();
};

void TestMetricsView::chartsTheSeries()
{
    MetricsSeries metrics;
    MetricsView view;
    view.setMetrics(&metrics);
    const QStringList titles = view.chartTitles();
    QVERIFY(titles.contains(QStringLiteral("Pacing lateness")));
    QVERIFY(titles.contains(QStringLiteral("UI frame time")));
    QVERIFY(titles.contains(QStringLiteral("Tokens per second")));
    for (int i = 0; i < 10; ++i) {
        metrics.add(MetricNames::PacingLatenessP99, qint64(i) * 500'000'000, 1.0 + i);
        metrics.add(MetricNames::UiFrameIntervalMs, qint64(i) * 500'000'000, 16.7);
        metrics.add(QStringLiteral("custom.figure"), qint64(i) * 500'000'000, i);
    }
    view.refreshNow();
    QCOMPARE(view.plottedPoints(QString(MetricNames::PacingLatenessP99)), 10);
    QCOMPARE(view.plottedPoints(QString(MetricNames::UiFrameIntervalMs)), 10);
    QCOMPARE(view.plottedPoints(QStringLiteral("custom.figure")), 10);
    metrics.add(MetricNames::PacingLatenessP99, 5'000'000'000, 3);
    view.refreshNow();
    QCOMPARE(view.plottedPoints(QString(MetricNames::PacingLatenessP99)), 11);
}

void TestMetricsView::chartsOnlyTheRecentWindow()
{
    MetricsSeries metrics;
    MetricsView view;
    view.setMetrics(&metrics);
    // 300 s of samples, one a second: the charts show the last two minutes.
    for (int s = 0; s < 300; ++s)
        metrics.add(MetricNames::TokensPerSecond, qint64(s) * 1'000'000'000, 50);
    view.refreshNow();
    const int points = view.plottedPoints(QString(MetricNames::TokensPerSecond));
    QVERIFY(points >= int(MetricsView::WindowSeconds) - 1 && points <= int(MetricsView::WindowSeconds) + 1);
}

QTEST_MAIN(TestMetricsView)
#include "tst_metricsview.moc"
