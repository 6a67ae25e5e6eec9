#include "ui/metricsview.h"

#include "model/metricsseries.h"

#include <QChart>
#include <QChartView>
#include <QGridLayout>
#include <QLegend>
#include <QLineSeries>
#include <QTimer>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

using Taskscope::Model::MetricsSeries;

namespace Taskscope::Ui {

MetricsView::MetricsView(QWidget *parent)
    : QWidget(parent)
{
    m_timer = new QTimer(this);
    m_timer->setInterval(250);
    connect(m_timer, &QTimer::timeout, this, &MetricsView::refresh);
    auto *grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(2);

    using namespace Model::MetricNames;
    const auto s = [](QLatin1StringView v) { return QString(v); };
    m_charts = {
        Chart {QStringLiteral("Pacing lateness"),
               QStringLiteral("ms"),
               nullptr,
               nullptr,
               nullptr,
               nullptr,
               {},
               {{s(PacingLatenessP50), QStringLiteral("p50")},
                {s(PacingLatenessP99), QStringLiteral("p99")},
                {s(PacingLatenessMax), QStringLiteral("max")}},
               false},
        Chart {QStringLiteral("Latency percentiles"),
               QStringLiteral("ms"),
               nullptr,
               nullptr,
               nullptr,
               nullptr,
               {},
               {{s(LatencyP50), QStringLiteral("p50")},
                {s(LatencyP90), QStringLiteral("p90")},
                {s(LatencyP99), QStringLiteral("p99")}},
               false},
        Chart {QStringLiteral("Tokens per second"),
               QStringLiteral("tokens/s"),
               nullptr,
               nullptr,
               nullptr,
               nullptr,
               {},
               {{s(TokensPerSecond), QStringLiteral("tokens/s")}},
               false},
        Chart {QStringLiteral("Live tasks"),
               QStringLiteral("count"),
               nullptr,
               nullptr,
               nullptr,
               nullptr,
               {},
               {{s(LiveTasks), QStringLiteral("tasks")},
                {s(LiveThreads), QStringLiteral("threads")},
                {s(LiveCoroutines), QStringLiteral("coroutines")},
                {s(RunningCoroutines), QStringLiteral("running")}},
               false},
        Chart {QStringLiteral("UI frame time"),
               QStringLiteral("ms"),
               nullptr,
               nullptr,
               nullptr,
               nullptr,
               {},
               {{s(UiFrameIntervalMs), QStringLiteral("frame interval")},
                {s(UiPaintMs), QStringLiteral("timeline paint")}},
               false},
        Chart {QStringLiteral("Other figures"), QString(), nullptr, nullptr, nullptr, nullptr, {}, {}, true},
    };
}

QStringList MetricsView::chartTitles() const
{
    QStringList titles;
    for (const Chart &c : m_charts)
        titles.append(c.title);
    return titles;
}

int MetricsView::plottedPoints(const QString &seriesName) const
{
    for (const Chart &c : m_charts) {
        if (QLineSeries *series = c.series.value(seriesName))
            return int(series->count());
    }
    return 0;
}

void MetricsView::setMetrics(MetricsSeries *metrics)
{
    m_metrics = metrics;
    m_seen.clear();
    if (m_built) {
        for (Chart &c : m_charts) {
            for (QLineSeries *series : std::as_const(c.series))
                series->clear();
        }
    }
    if (isVisible())
        refresh();
}

void MetricsView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (!m_built)
        build();
    m_timer->start();
    refresh();
}

void MetricsView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange && m_built)
        applyTheme();
    QWidget::changeEvent(event);
}

void MetricsView::refreshNow()
{
    if (!m_built)
        build();
    refresh();
}

void MetricsView::addSeries(Chart &chart, const QString &name, const QString &label)
{
    auto *series = new QLineSeries(chart.chart);
    series->setName(label);
    chart.chart->addSeries(series);
    series->attachAxis(chart.x);
    series->attachAxis(chart.y);
    QPen pen = series->pen();
    pen.setWidthF(1.6);
    series->setPen(pen);
    chart.series.insert(name, series);
}

void MetricsView::build()
{
    m_built = true;
    auto *grid = static_cast<QGridLayout *>(layout());
    int index = 0;
    for (Chart &c : m_charts) {
        c.chart = new QChart;
        c.chart->setTitle(c.title);
        c.chart->setMargins(QMargins(4, 2, 4, 2));
        c.chart->setBackgroundRoundness(0);
        c.chart->legend()->setAlignment(Qt::AlignBottom);
        QFont small = font();
        small.setPointSizeF(font().pointSizeF() * 0.85);
        c.chart->legend()->setFont(small);
        QFont titleFont = font();
        titleFont.setBold(true);
        c.chart->setTitleFont(titleFont);
        c.x = new QValueAxis(c.chart);
        c.x->setLabelFormat(QStringLiteral("%.0f s"));
        c.x->setLabelsFont(small);
        c.x->setTickType(QValueAxis::TicksDynamic);
        c.x->setTickAnchor(0);
        c.x->setTickInterval(30);
        c.y = new QValueAxis(c.chart);
        c.y->setLabelsFont(small);
        c.y->setTitleText(c.unit);
        c.y->setTitleFont(small);
        c.y->setTickType(QValueAxis::TicksDynamic);
        c.y->setTickAnchor(0);
        c.y->setLabelFormat(QStringLiteral("%.4g"));
        c.chart->addAxis(c.x, Qt::AlignBottom);
        c.chart->addAxis(c.y, Qt::AlignLeft);
        for (const auto &[name, label] : std::as_const(c.wanted))
            addSeries(c, name, label);
        c.view = new QChartView(c.chart, this);
        c.view->setRenderHint(QPainter::Antialiasing);
        c.view->setMinimumSize(220, 150);
        grid->addWidget(c.view, index / 3, index % 3);
        ++index;
    }
    applyTheme();
}

void MetricsView::applyTheme()
{
    const bool dark = palette().color(QPalette::Window).lightnessF() < 0.5;
    for (Chart &c : m_charts) {
        c.chart->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
        c.chart->setBackgroundBrush(palette().color(QPalette::Base));
        c.chart->setTitleBrush(palette().color(QPalette::Text));
        QFont titleFont = font();
        titleFont.setBold(true);
        c.chart->setTitleFont(titleFont);
        c.chart->legend()->setLabelColor(palette().color(QPalette::Text));
    }
}

MetricsView::Chart *MetricsView::chartFor(const QString &name)
{
    for (Chart &c : m_charts) {
        if (c.series.contains(name))
            return &c;
    }
    for (Chart &c : m_charts) {
        if (c.catchAll)
            return c.series.size() < 8 ? &c : nullptr;
    }
    return nullptr;
}

void MetricsView::refresh()
{
    if (!m_built || !m_metrics)
        return;
    const QStringList names = m_metrics->names();
    qint64 latestNs = 0;
    for (const QString &name : names) {
        const QList<MetricsSeries::Sample> samples = m_metrics->samples(name);
        if (!samples.isEmpty())
            latestNs = std::max(latestNs, samples.last().ns);
    }
    const double right = std::max(WindowSeconds / 4, double(latestNs) / 1e9);
    const double left = std::max(0.0, right - WindowSeconds);
    const qint64 fromNs = qint64(left * 1e9);
    QHash<Chart *, double> yMax;
    for (const QString &name : names) {
        Chart *chart = chartFor(name);
        if (!chart)
            continue;
        if (!chart->series.contains(name))
            addSeries(*chart, name, name);
        const quint64 revision = m_metrics->revision(name);
        QLineSeries *series = chart->series.value(name);
        if (m_seen.value(name, ~0ull) != revision) {
            m_seen.insert(name, revision);
            QList<QPointF> points;
            const QList<MetricsSeries::Sample> samples = m_metrics->samples(name, fromNs);
            points.reserve(samples.size());
            for (const MetricsSeries::Sample &s : samples)
                points.append(QPointF(double(s.ns) / 1e9, s.value));
            series->replace(points);
        }
        double peak = 0;
        const QList<QPointF> points = series->points();
        for (const QPointF &p : points)
            peak = std::max(peak, p.y());
        yMax[chart] = std::max(yMax.value(chart, 0.0), peak);
    }
    // Ticks at round values: 1, 2 or 5 times a power of ten, about four per axis.
    const auto niceStep = [](double range, int ticks) {
        const double raw = std::max(range / ticks, 1e-9);
        const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
        const double f = raw / magnitude;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * magnitude;
    };
    for (Chart &c : m_charts) {
        c.x->setRange(left, right);
        c.x->setTickInterval(niceStep(right - left, 5));
        const double peak = yMax.value(&c, 0.0);
        const double top = peak > 0 ? peak * 1.15 : 1.0;
        c.y->setTickInterval(niceStep(top, 4));
        c.y->setRange(0, top);
        const bool empty = peak <= 0
            && std::all_of(c.series.cbegin(), c.series.cend(), [](QLineSeries *s) { return s->count() == 0; });
        c.chart->setTitle(empty ? c.title + QStringLiteral(" · no samples yet") : c.title);
    }
}

} // namespace Taskscope::Ui
