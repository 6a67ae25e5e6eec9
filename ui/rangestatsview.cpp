#include "ui/rangestatsview.h"

#include "model/timeformat.h"
#include "model/trace/tracestore.h"
#include "ui/durationhistogramview.h"
#include "ui/timelineview.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

using Taskscope::Model::RangeStatistics;
using Taskscope::Model::TimeFormat;
using Taskscope::Trace::LaneId;
using Taskscope::Trace::LaneInfo;
using Taskscope::Trace::TraceStore;

namespace Taskscope::Ui {

namespace {

// The name cell keeps the row's index in the result, which table sorting does not change.
constexpr int ResultRowRole = Qt::UserRole + 1;

enum Column { NameColumn, CountColumn, TotalColumn, P50Column, P99Column, MaxColumn, LanesColumn, ColumnCount };

QStandardItem *numberItem(const QString &text, double sortValue)
{
    auto *item = new QStandardItem(text);
    item->setData(sortValue, Qt::UserRole);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    item->setEditable(false);
    return item;
}

} // namespace

RangeStatsView::RangeStatsView(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    auto *top = new QHBoxLayout;
    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    m_summary->setText(QStringLiteral("Shift+drag on the timeline to select a time range; its spans are counted "
                                      "here per name."));
    m_wholeView = new QPushButton(QStringLiteral("Statistics of the whole view"), this);
    m_wholeView->setToolTip(QStringLiteral("Count the spans of the time range the timeline shows now"));
    top->addWidget(m_summary, 1);
    top->addWidget(m_wholeView);
    layout->addLayout(top);

    m_model = new QStandardItemModel(0, ColumnCount, this);
    m_model->setHorizontalHeaderLabels({QStringLiteral("Name"), QStringLiteral("Count"), QStringLiteral("Total time"),
                                        QStringLiteral("p50"), QStringLiteral("p99"), QStringLiteral("Max"),
                                        QStringLiteral("Lanes")});
    m_model->setSortRole(Qt::UserRole);
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    m_table = new QTableView(splitter);
    m_table->setModel(m_model);
    m_table->setSortingEnabled(true);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setDefaultSectionSize(22);
    m_table->horizontalHeader()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    for (int c = CountColumn; c < ColumnCount; ++c)
        m_table->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_histogram = new DurationHistogramView(splitter);
    splitter->addWidget(m_table);
    splitter->addWidget(m_histogram);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setSizes({600, 400}); // the histogram needs room for its edge labels
    layout->addWidget(splitter, 1);
    m_wholeView->setEnabled(false);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &RangeStatsView::showSelectedHistogram);
}

void RangeStatsView::attach(TimelineView *timeline)
{
    m_timeline = timeline;
    m_wholeView->setEnabled(timeline != nullptr);
    if (!timeline)
        return;
    connect(timeline, &TimelineView::rangeChanged, this, &RangeStatsView::showRange);
    connect(m_wholeView, &QPushButton::clicked, this, [this] {
        const TimelineViewport &vp = m_timeline->viewport();
        m_timeline->setRange(qint64(vp.startNs()), qint64(vp.endNs()));
    });
}

void RangeStatsView::showRange(qint64 startNs, qint64 endNs)
{
    const TraceStore *store = m_timeline ? m_timeline->store() : nullptr;
    if (!store || endNs <= startNs)
        return;
    // The lanes the timeline's filter shows, so the figures match what is on screen.
    std::vector<LaneId> lanes;
    const LaneFilter &filter = m_timeline->laneFilter();
    for (const LaneInfo &info : store->lanes()) {
        if (filter.matches(*store, info))
            lanes.push_back(info.id);
    }
    showResult(RangeStatistics::compute(*store, lanes, startNs, endNs));
    Q_EMIT computed();
}

void RangeStatsView::showResult(const RangeStatistics::Result &result)
{
    m_result = result;
    m_table->setSortingEnabled(false);
    m_model->removeRows(0, m_model->rowCount());
    for (std::size_t i = 0; i < result.rows.size(); ++i) {
        const RangeStatistics::Row &row = result.rows[i];
        auto *name = new QStandardItem(row.name);
        name->setData(row.name, Qt::UserRole);
        name->setData(qulonglong(i), ResultRowRole);
        name->setEditable(false);
        m_model->appendRow({name, numberItem(TimeFormat::count(row.count), double(row.count)),
                            numberItem(TimeFormat::duration(row.totalNs), double(row.totalNs)),
                            numberItem(TimeFormat::duration(row.p50Ns), double(row.p50Ns)),
                            numberItem(TimeFormat::duration(row.p99Ns), double(row.p99Ns)),
                            numberItem(TimeFormat::duration(row.maxNs), double(row.maxNs)),
                            numberItem(QString::number(row.lanes), double(row.lanes))});
    }
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(TotalColumn, Qt::DescendingOrder);
    QString text = QStringLiteral("<b>%1 – %2</b> (%3) · %4 spans on %5 lanes · %6 names")
                       .arg(TimeFormat::timestamp(result.startNs, 1'000'000),
                            TimeFormat::timestamp(result.endNs, 1'000'000),
                            TimeFormat::duration(result.endNs - result.startNs), TimeFormat::count(result.spans))
                       .arg(result.lanes)
                       .arg(result.rows.size());
    if (result.truncated)
        text += QStringLiteral(" · <b>only the first %1 spans counted</b> (narrow the range)")
                    .arg(TimeFormat::count(result.spans));
    m_summary->setText(text);
    // The row with the most time is the first one worth a look.
    if (m_model->rowCount() > 0)
        m_table->setCurrentIndex(m_model->index(0, NameColumn));
    else
        m_histogram->clear(QStringLiteral("No spans start in this range."));
    showSelectedHistogram();
}

void RangeStatsView::showSelectedHistogram()
{
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid())
        return;
    const std::size_t i = current.siblingAtColumn(NameColumn).data(ResultRowRole).toULongLong();
    if (i >= m_result.rows.size())
        return;
    const RangeStatistics::Row &row = m_result.rows[i];
    m_histogram->setHistogram(QStringLiteral("%1 · %2 durations").arg(row.name, TimeFormat::count(row.count)),
                              row.histogram);
}

QString RangeStatsView::summaryText() const
{
    return m_summary->text();
}

} // namespace Taskscope::Ui
