#include "ui/flamegraphview.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

using Taskscope::Model::FlameGraph;

namespace Taskscope::Ui {

namespace {

constexpr int Margin = 4;
constexpr int NoteHeight = 18;
constexpr double MinLabelWidth = 28;

// Stable per name, so a frame keeps its colour between alerts: warm hues for own code.
QColor colourOf(const FlameGraph::Node &node)
{
    const uint h = qHash(node.frame);
    if (node.ownCode)
        return QColor::fromHsv(int(10 + h % 35), int(150 + h % 60), 235);
    return QColor::fromHsv(215, int(12 + h % 20), int(175 + h % 40));
}

} // namespace

FlameGraphView::FlameGraphView(QWidget *parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    setAccessibleName(QStringLiteral("Flame graph"));
}

void FlameGraphView::setGraph(const FlameGraph &graph, const QString &note)
{
    m_graph = graph;
    m_note = note;
    updateGeometry();
    update();
}

QSize FlameGraphView::sizeHint() const
{
    return {400, 2 * Margin + NoteHeight + (m_graph.depth() + 1) * RowHeight};
}

QSize FlameGraphView::minimumSizeHint() const
{
    return {160, 2 * Margin + NoteHeight + 2 * RowHeight};
}

QRectF FlameGraphView::nodeRect(int index) const
{
    const FlameGraph::Node &n = m_graph.nodes()[std::size_t(index)];
    const double width = double(this->width() - 2 * Margin);
    const double total = std::max(1, m_graph.totalSamples());
    return {Margin + width * n.offset / total, double(Margin + NoteHeight + n.depth * RowHeight),
            width * n.samples / total, double(RowHeight - 1)};
}

int FlameGraphView::nodeAt(QPoint pos) const
{
    if (m_graph.isEmpty())
        return -1;
    for (std::size_t i = 0; i < m_graph.nodes().size(); ++i) {
        if (nodeRect(int(i)).contains(pos))
            return int(i);
    }
    return -1;
}

QString FlameGraphView::nodeText(int index) const
{
    if (index < 0 || std::size_t(index) >= m_graph.nodes().size())
        return {};
    const FlameGraph::Node &n = m_graph.nodes()[std::size_t(index)];
    const QString name = index == 0 ? QStringLiteral("all samples") : n.frame;
    return QStringLiteral("%1\n%2 of %3 samples (%4 %)%5")
        .arg(name)
        .arg(n.samples)
        .arg(m_graph.totalSamples())
        .arg(QString::number(100.0 * m_graph.share(index), 'f', 1),
             n.ownCode ? QStringLiteral("\nthe program's own code") : QString());
}

bool FlameGraphView::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString text = nodeText(nodeAt(help->pos()));
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

void FlameGraphView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const QPalette pal = palette();
    p.setPen(pal.color(QPalette::PlaceholderText));
    const QRect noteRect(Margin, Margin, width() - 2 * Margin, NoteHeight);
    const QString note = m_graph.isEmpty() ? QStringLiteral("No stack samples for this alert.") : m_note;
    p.drawText(noteRect, Qt::AlignLeft | Qt::AlignVCenter,
               p.fontMetrics().elidedText(note, Qt::ElideRight, noteRect.width()));
    if (m_graph.isEmpty())
        return;
    for (std::size_t i = 0; i < m_graph.nodes().size(); ++i) {
        const FlameGraph::Node &n = m_graph.nodes()[i];
        const QRectF r = nodeRect(int(i));
        if (r.width() < 0.5)
            continue; // a sliver narrower than a pixel; its parent already shows its samples
        const QColor fill = i == 0 ? pal.color(QPalette::Mid) : colourOf(n);
        p.fillRect(r.adjusted(0, 0, -0.5, 0), fill);
        if (r.width() < MinLabelWidth)
            continue;
        const QString name = i == 0 ? QStringLiteral("all samples (%1)").arg(n.samples) : n.frame;
        QFont f = font();
        f.setBold(n.ownCode);
        p.setFont(f);
        p.setPen(fill.lightnessF() > 0.55 ? QColor(20, 20, 20) : QColor(245, 245, 245));
        const QRectF text = r.adjusted(3, 0, -3, 0);
        p.drawText(text, Qt::AlignLeft | Qt::AlignVCenter,
                   p.fontMetrics().elidedText(name, Qt::ElideRight, int(text.width())));
    }
}

} // namespace Taskscope::Ui
