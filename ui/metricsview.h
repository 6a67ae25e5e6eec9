#pragma once

#include <QHash>
#include <QList>
#include <QString>
#include <QWidget>

class QChart;
class QChartView;
class QLineSeries;
class QTimer;
class QValueAxis;
namespace Taskscope::Model {
class MetricsSeries;
} // namespace Taskscope::Model

namespace Taskscope::Ui {

/// Charts of the run's figures over time (Qt Charts): pacing lateness, latency percentiles,
/// tokens/s, live tasks, the UI's own frame time, and any other series the app adds. Fed by a
/// MetricsSeries; redrawn at most four times a second, only while visible, and only what changed.
/// The charts are built the first time the view is shown, so they cost nothing at start-up.
class MetricsView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MetricsView)

public:
    static constexpr double WindowSeconds = 120;

    explicit MetricsView(QWidget *parent = nullptr);

    void setMetrics(Model::MetricsSeries *metrics);
    /// Builds the charts now (normally done on first show) and refreshes them.
    void refreshNow();
    /// The chart titles, in order (for tests and screenshots).
    QStringList chartTitles() const;
    /// Points currently plotted for a series (for tests).
    int plottedPoints(const QString &seriesName) const;

protected:
    void showEvent(QShowEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    struct Chart
    {
        QString title;
        QString unit;
        QChart *chart = nullptr;
        QChartView *view = nullptr;
        QValueAxis *x = nullptr;
        QValueAxis *y = nullptr;
        QHash<QString, QLineSeries *> series; // by metric name
        QList<QPair<QString, QString>> wanted; // metric name, legend label
        bool catchAll = false;
    };

    void build();
    void refresh();
    void applyTheme();
    Chart *chartFor(const QString &name);
    void addSeries(Chart &chart, const QString &name, const QString &label);

    Model::MetricsSeries *m_metrics = nullptr;
    QList<Chart> m_charts;
    QHash<QString, quint64> m_seen; // revision per series when last drawn
    QTimer *m_timer = nullptr;
    bool m_built = false;
};

} // namespace Taskscope::Ui
