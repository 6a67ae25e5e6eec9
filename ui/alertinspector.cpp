#include "ui/alertinspector.h"

#include "model/timeformat.h"
#include "model/trace/traceclock.h"
#include "ui/flamegraphview.h"

#include <QAbstractItemModel>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QStyledItemDelegate>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

using Taskscope::Model::AlertDetails;
using Taskscope::Model::AlertStack;
using Taskscope::Model::AlertStateCount;
using Taskscope::Model::FlameGraph;
using Taskscope::Model::TimeFormat;
using Taskscope::Trace::NoLane;
using Taskscope::Trace::TraceClock;
namespace AlertRoles = Taskscope::Model::AlertRoles;

namespace Taskscope::Ui {

namespace {

/// Time and duration cells from the roles, so a hang that is still going keeps counting on screen
/// even when the model only updates at its end.
class AlertCellDelegate final : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        const bool ongoing = index.data(AlertRoles::OngoingRole).toBool();
        const QVariant start = index.data(AlertRoles::StartNsRole);
        if (index.column() == AlertRoles::DurationColumn) {
            option->text = AlertInspector::durationText(index, TraceClock::nowNs());
            if (ongoing) {
                option->palette.setColor(QPalette::Text, QColor(0xd9, 0x3b, 0x3b));
                option->font.setBold(true);
            }
        } else if (index.column() == AlertRoles::TimeColumn && start.isValid() && option->text.isEmpty()) {
            option->text = TimeFormat::timestamp(start.toLongLong(), 1'000'000);
        }
        if (index.column() == AlertRoles::TierColumn) {
            const QString tier = index.data(Qt::DisplayRole).toString();
            if (tier == QLatin1StringView("critical") || tier == QLatin1StringView("severe"))
                option->palette.setColor(QPalette::Text, QColor(0xd9, 0x3b, 0x3b));
            else if (tier == QLatin1StringView("hang"))
                option->palette.setColor(QPalette::Text, QColor(0xc8, 0x6a, 0x10));
        }
    }
};

QTableWidget *makeCountTable(const QStringList &headers, QWidget *parent)
{
    auto *table = new QTableWidget(0, int(headers.size()), parent);
    table->setHorizontalHeaderLabels(headers);
    table->verticalHeader()->setVisible(false);
    table->verticalHeader()->setDefaultSectionSize(20);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setShowGrid(false);
    table->setAlternatingRowColors(true);
    table->horizontalHeader()->setStretchLastSection(true);
    table->setWordWrap(false);
    return table;
}

QTableWidgetItem *countItem(int count, int total)
{
    auto *item = new QTableWidgetItem(total > 0
                                          ? QStringLiteral("%1  (%2 %)").arg(count).arg(qRound(100.0 * count / total))
                                          : QString::number(count));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    item->setData(Qt::UserRole, count);
    return item;
}

} // namespace

QString AlertInspector::durationText(const QModelIndex &index, qint64 nowNs)
{
    const QVariant start = index.data(AlertRoles::StartNsRole);
    if (index.data(AlertRoles::OngoingRole).toBool() && start.isValid())
        return TimeFormat::duration(nowNs - start.toLongLong(), 2) + QStringLiteral(" …");
    const QString text = index.data(Qt::DisplayRole).toString();
    const QVariant end = index.data(AlertRoles::EndNsRole);
    if (text.isEmpty() && start.isValid() && end.isValid() && end.toLongLong() >= start.toLongLong())
        return TimeFormat::duration(end.toLongLong() - start.toLongLong(), 2);
    return text;
}

AlertInspector::AlertInspector(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_stack = new QStackedWidget(this);
    layout->addWidget(m_stack);

    m_unavailable = new QLabel(this);
    m_unavailable->setAlignment(Qt::AlignCenter);
    m_unavailable->setWordWrap(true);
    m_unavailable->setMargin(24);
    m_stack->addWidget(m_unavailable);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    m_list = new QTableView(splitter);
    m_list->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->verticalHeader()->setVisible(false);
    m_list->verticalHeader()->setDefaultSectionSize(22);
    m_list->horizontalHeader()->setStretchLastSection(true);
    m_list->setShowGrid(false);
    m_list->setAlternatingRowColors(true);
    m_list->setWordWrap(false);
    m_list->setItemDelegate(new AlertCellDelegate(m_list));
    m_list->setAccessibleName(QStringLiteral("Alerts"));

    auto *details = new QWidget(splitter);
    auto *detailsLayout = new QVBoxLayout(details);
    detailsLayout->setContentsMargins(6, 0, 0, 0);
    auto *header = new QHBoxLayout;
    m_summary = new QLabel(details);
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_show = new QPushButton(QStringLiteral("Show on timeline"), details);
    m_show->setEnabled(false);
    header->addWidget(m_summary, 1);
    header->addWidget(m_show, 0, Qt::AlignTop);
    detailsLayout->addLayout(header);

    m_tabs = new QTabWidget(details);
    m_tabs->setDocumentMode(true);
    m_stacks = new QTreeWidget(m_tabs);
    m_stacks->setHeaderLabels({QStringLiteral("Stack (innermost frame first)"), QStringLiteral("Samples")});
    m_stacks->setUniformRowHeights(true);
    m_stacks->setAlternatingRowColors(true);
    m_stacks->header()->setStretchLastSection(false);
    m_stacks->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_stacks->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_frames = makeCountTable({QStringLiteral("Samples"), QStringLiteral("Frame")}, m_tabs);
    m_states = makeCountTable({QStringLiteral("Samples"), QStringLiteral("UI thread state (/proc)")}, m_tabs);
    // The flame graph scrolls vertically when the stacks are deep; its width follows the pane.
    auto *flameScroll = new QScrollArea(m_tabs);
    flameScroll->setWidgetResizable(true);
    flameScroll->setFrameShape(QFrame::NoFrame);
    m_flame = new FlameGraphView(flameScroll);
    flameScroll->setWidget(m_flame);
    m_tabs->addTab(flameScroll, QStringLiteral("Flame graph"));
    m_tabs->addTab(m_stacks, QStringLiteral("Stacks"));
    m_tabs->addTab(m_frames, QStringLiteral("Hot frames"));
    m_tabs->addTab(m_states, QStringLiteral("Thread states"));
    detailsLayout->addWidget(m_tabs, 1);
    splitter->addWidget(m_list);
    splitter->addWidget(details);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    m_stack->addWidget(splitter);

    m_timer = new QTimer(this);
    m_timer->setInterval(100);
    connect(m_timer, &QTimer::timeout, this, &AlertInspector::tick);
    connect(m_show, &QPushButton::clicked, this, [this] {
        if (m_current.id)
            Q_EMIT jumpRequested(m_current.startNs, m_current.ongoing() ? TraceClock::nowNs() : m_current.endNs,
                                 m_current.lane, m_current.id);
    });
    setModel(nullptr);
}

void AlertInspector::setModel(QAbstractItemModel *model, const QString &unavailableText)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    m_list->setModel(model);
    m_current = {};
    showDetails(m_current);
    if (!model) {
        m_unavailable->setText(unavailableText.isEmpty() ? QStringLiteral("No alert source is connected.")
                                                         : unavailableText);
        m_stack->setCurrentIndex(0);
        m_timer->stop();
        return;
    }
    m_stack->setCurrentIndex(1);
    QHeaderView *h = m_list->horizontalHeader();
    h->resizeSection(AlertRoles::TimeColumn, 90);
    h->resizeSection(AlertRoles::DurationColumn, 80);
    h->resizeSection(AlertRoles::VerdictColumn, 130);
    h->resizeSection(AlertRoles::TierColumn, 64);
    connect(m_list->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &AlertInspector::currentRowChanged);
    connect(model, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &topLeft, const QModelIndex &bottomRight) {
                const QModelIndex current = m_list->currentIndex();
                if (current.isValid() && current.row() >= topLeft.row() && current.row() <= bottomRight.row())
                    currentRowChanged();
                tick();
            });
    connect(model, &QAbstractItemModel::rowsInserted, this, &AlertInspector::tick);
    connect(model, &QAbstractItemModel::modelReset, this, [this] {
        m_current = {};
        showDetails(m_current);
    });
    tick();
}

void AlertInspector::selectAlert(quint32 alertId)
{
    if (!m_model)
        return;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const QModelIndex index = m_model->index(row, 0);
        if (index.data(AlertRoles::AlertIdRole).toUInt() == alertId) {
            m_list->setCurrentIndex(index);
            m_list->scrollTo(index);
            return;
        }
    }
}

void AlertInspector::currentRowChanged()
{
    const QModelIndex current = m_list->currentIndex();
    if (!current.isValid()) {
        m_current = {};
        showDetails(m_current);
        return;
    }
    const QModelIndex first = current.siblingAtColumn(0);
    AlertDetails details = first.data(AlertRoles::DetailsRole).value<AlertDetails>();
    // A model that fills only the roles still gets a useful header.
    if (details.id == 0)
        details.id = first.data(AlertRoles::AlertIdRole).toUInt();
    if (details.startNs == 0)
        details.startNs = first.data(AlertRoles::StartNsRole).toLongLong();
    if (first.data(AlertRoles::EndNsRole).isValid())
        details.endNs = first.data(AlertRoles::EndNsRole).toLongLong();
    if (first.data(AlertRoles::LaneRole).isValid())
        details.lane = first.data(AlertRoles::LaneRole).toUInt();
    if (details.verdict.isEmpty())
        details.verdict = current.siblingAtColumn(AlertRoles::VerdictColumn).data().toString();
    if (details.tier.isEmpty())
        details.tier = current.siblingAtColumn(AlertRoles::TierColumn).data().toString();
    if (details.culprit.isEmpty())
        details.culprit = current.siblingAtColumn(AlertRoles::CulpritColumn).data().toString();
    const bool changed = details.id != m_current.id;
    showDetails(details);
    if (changed) {
        Q_EMIT currentAlertChanged(details.id);
        // An alert with no lane (e.g. from an earlier run) has no place on this timeline.
        if (details.lane != NoLane)
            Q_EMIT jumpRequested(details.startNs, details.ongoing() ? TraceClock::nowNs() : details.endNs, details.lane,
                                 details.id);
    }
}

void AlertInspector::showDetails(const AlertDetails &details)
{
    const bool sameAlert = details.id == m_current.id && details.id != 0;
    const bool sameSamples = sameAlert && details.sampleCount == m_current.sampleCount
        && details.stacks.size() == m_current.stacks.size();
    m_current = details;
    m_show->setEnabled(details.id != 0 && details.lane != NoLane);
    if (details.id == 0) {
        m_summary->setText(
            QStringLiteral("<span style='color:#8a93a0'>Select an alert to see where the UI thread was and what it "
                           "was doing.</span>"));
        m_stacks->clear();
        m_flame->setGraph({});
        m_frames->setRowCount(0);
        m_states->setRowCount(0);
        return;
    }
    const auto esc = [](const QString &s) { return s.toHtmlEscaped(); };
    QString text = QStringLiteral("<b>%1</b> · %2 · %3 · <b>%4</b>%5")
                       .arg(esc(details.title.isEmpty() ? QStringLiteral("Alert #%1").arg(details.id) : details.title),
                            esc(details.tier.isEmpty() ? QStringLiteral("?") : details.tier),
                            esc(details.verdict.isEmpty() ? QStringLiteral("unclassified") : details.verdict),
                            TimeFormat::duration(details.durationNs(TraceClock::nowNs())),
                            details.ongoing() ? QStringLiteral(" <span style='color:#d93b3b'>(still blocked)</span>")
                                              : QString());
    if (details.lane != NoLane) // else its start is on another run's clock
        text += QStringLiteral("<br>started at %1").arg(TimeFormat::timestamp(details.startNs, 1'000'000));
    if (!details.culprit.isEmpty())
        text += QStringLiteral("<br>culprit: <b>%1</b>").arg(esc(details.culprit));
    if (!details.coroutine.isEmpty())
        text += QStringLiteral("<br>coroutine: %1").arg(esc(details.coroutine));
    text += QStringLiteral("<br>%1 stack samples").arg(details.sampleCount);
    for (const QString &note : details.notes)
        text += QStringLiteral("<br><span style='color:#8a93a0'>%1</span>").arg(esc(note));
    m_summary->setText(text);
    if (sameSamples)
        return;

    m_stacks->clear();
    const QList<AlertStack> stacks = details.stacksByFrequency();
    int total = 0;
    for (const AlertStack &stack : stacks)
        total += stack.samples;
    for (int i = 0; i < stacks.size(); ++i) {
        const AlertStack &stack = stacks[i];
        auto *top = new QTreeWidgetItem(m_stacks);
        top->setText(0, stack.frames.isEmpty() ? QStringLiteral("(empty stack)") : stack.frames.first());
        top->setText(1,
                     total ? QStringLiteral("%1 (%2 %)").arg(stack.samples).arg(qRound(100.0 * stack.samples / total))
                           : QString::number(stack.samples));
        top->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
        QFont bold = top->font(0);
        bold.setBold(true);
        top->setFont(0, bold);
        for (int f = 1; f < stack.frames.size(); ++f)
            new QTreeWidgetItem(top, {stack.frames[f]});
        top->setExpanded(i == 0);
    }
    QString flameNote = QStringLiteral("%1 samples, outermost frame at the top; width = share of samples; "
                                       "the program's own code in warm colours")
                            .arg(total);
    if (details.samplesNotKept > 0)
        flameNote += QStringLiteral(" · %1 samples past the stack cap not drawn").arg(details.samplesNotKept);
    m_flame->setGraph(FlameGraph::fromStacks(stacks, details.ownFrames), flameNote);
    const QList<QPair<QString, int>> frames = details.framesByFrequency();
    m_frames->setRowCount(int(frames.size()));
    for (int i = 0; i < frames.size(); ++i) {
        m_frames->setItem(i, 0, countItem(frames[i].second, total));
        m_frames->setItem(i, 1, new QTableWidgetItem(frames[i].first));
    }
    m_frames->resizeColumnToContents(0);
    const QList<AlertStateCount> states = details.threadStatesByFrequency();
    int stateTotal = 0;
    for (const AlertStateCount &s : states)
        stateTotal += s.samples;
    m_states->setRowCount(int(states.size()));
    for (int i = 0; i < states.size(); ++i) {
        m_states->setItem(i, 0, countItem(states[i].samples, stateTotal));
        m_states->setItem(i, 1, new QTableWidgetItem(states[i].state));
    }
    m_states->resizeColumnToContents(0);
}

bool AlertInspector::anyOngoing() const
{
    if (!m_model)
        return false;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        if (m_model->index(row, 0).data(AlertRoles::OngoingRole).toBool())
            return true;
    }
    return false;
}

void AlertInspector::tick()
{
    // Keep live durations counting while any alert is still open.
    const bool ongoing = anyOngoing();
    if (ongoing && !m_timer->isActive())
        m_timer->start();
    else if (!ongoing)
        m_timer->stop();
    if (ongoing)
        m_list->viewport()->update();
    if (m_current.ongoing() && m_current.id)
        showDetails(m_current);
}

} // namespace Taskscope::Ui
