#pragma once

#include "model/rangestatistics.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QStandardItemModel;
class QTableView;

namespace Taskscope::Ui {

class DurationHistogramView;
class TimelineView;

/// The "Range" tab: per-name counts, totals and p50 / p99 / max durations of the spans that start
/// in the timeline's selected time range (Shift+drag), over the lanes its filter shows, or over
/// the whole view on request. The selected row's durations are drawn as a log-scale histogram.
class RangeStatsView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RangeStatsView)

public:
    explicit RangeStatsView(QWidget *parent = nullptr);

    /// Follows `timeline`'s range selection.
    void attach(TimelineView *timeline);
    /// Computes and shows the statistics of [startNs, endNs) on the timeline's shown lanes.
    void showRange(qint64 startNs, qint64 endNs);
    void showResult(const Model::RangeStatistics::Result &result);

    QTableView *table() const { return m_table; }
    QStandardItemModel *model() const { return m_model; }
    QString summaryText() const;
    DurationHistogramView *histogramView() const { return m_histogram; }

Q_SIGNALS:
    /// Statistics were computed (the window may bring this tab forward).
    void computed();

private:
    void showSelectedHistogram();

    TimelineView *m_timeline = nullptr;
    QLabel *m_summary = nullptr;
    QPushButton *m_wholeView = nullptr;
    QTableView *m_table = nullptr;
    QStandardItemModel *m_model = nullptr;
    DurationHistogramView *m_histogram = nullptr;
    Model::RangeStatistics::Result m_result;
};

} // namespace Taskscope::Ui
