#include "ui/durationhistogramview.h"

#include "model/timeformat.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

using Taskscope::Model::DurationHistogram;
using Taskscope::Model::TimeFormat;

namespace Taskscope::Ui {

namespace {

constexpr int Margin = 6;
constexpr int TitleHeight = 18;
constexpr int AxisHeight = 18;
constexpr int CountWidth = 44;

QString edgeText(qint64 ns)
{
    return ns <= 0 ? QStringLiteral("0") : TimeFormat::duration(ns, 0);
}

} // namespace

DurationHistogramView::DurationHistogramView(QWidget *parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    setAccessibleName(QStringLiteral("Duration histogram"));
    clear(QStringLiteral("Select a row to see how its durations spread."));
}

void DurationHistogramView::setHistogram(const QString &title, const DurationHistogram &histogram)
{
    m_title = title;
    m_histogram = histogram;
    update();
}

void DurationHistogramView::clear(const QString &hint)
{
    setHistogram(hint, {});
}

QSize DurationHistogramView::minimumSizeHint() const
{
    return {220, 120};
}

QRectF DurationHistogramView::plotRect() const
{
    return QRectF(rect()).adjusted(Margin + CountWidth, Margin + TitleHeight, -Margin, -(Margin + AxisHeight));
}

int DurationHistogramView::bucketAt(QPoint pos) const
{
    const QRectF plot = plotRect();
    const auto n = qsizetype(m_histogram.buckets().size());
    if (n == 0 || !plot.contains(pos))
        return -1;
    const int index = int((pos.x() - plot.left()) / plot.width() * double(n));
    return index >= 0 && index < n ? index : -1;
}

QString DurationHistogramView::bucketText(int index) const
{
    const auto &buckets = m_histogram.buckets();
    if (index < 0 || std::size_t(index) >= buckets.size())
        return {};
    const DurationHistogram::Bucket &b = buckets[std::size_t(index)];
    const double share = m_histogram.total() ? 100.0 * double(b.count) / double(m_histogram.total()) : 0.0;
    return QStringLiteral("%1 – %2: %3 (%4 %)")
        .arg(edgeText(b.lowNs), edgeText(b.highNs), TimeFormat::count(b.count), QString::number(share, 'f', 1));
}

bool DurationHistogramView::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString text = bucketText(bucketAt(help->pos()));
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

void DurationHistogramView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing, false);
    const QPalette pal = palette();
    QFont titleFont = font();
    titleFont.setBold(true);
    p.setFont(titleFont);
    p.setPen(pal.color(QPalette::WindowText));
    const QRect titleRect(Margin, Margin, width() - 2 * Margin, TitleHeight);
    p.drawText(titleRect, Qt::AlignLeft | Qt::AlignVCenter,
               p.fontMetrics().elidedText(m_title, Qt::ElideRight, titleRect.width()));
    const auto &buckets = m_histogram.buckets();
    if (buckets.empty())
        return;

    p.setFont(font());
    const QRectF plot = plotRect();
    const double most = double(std::max<quint64>(1, m_histogram.maxCount()));
    const double slot = plot.width() / double(buckets.size());
    QColor bar = pal.color(QPalette::Highlight);
    QColor axis = pal.color(QPalette::WindowText);
    axis.setAlphaF(0.45);
    for (std::size_t i = 0; i < buckets.size(); ++i) {
        const double h = plot.height() * double(buckets[i].count) / most;
        const QRectF r(plot.left() + double(i) * slot + 1, plot.bottom() - h, std::max(1.0, slot - 2), h);
        // A non-empty bucket stays visible however small its share.
        p.fillRect(buckets[i].count && r.height() < 1 ? r.adjusted(0, -1, 0, 0) : r, bar);
    }
    p.setPen(axis);
    p.drawLine(plot.bottomLeft(), plot.bottomRight());
    p.drawLine(plot.bottomLeft(), plot.topLeft());

    // Count scale: the largest count at the top, 0 at the bottom.
    const QFontMetrics fm = p.fontMetrics();
    p.setPen(pal.color(QPalette::WindowText));
    p.drawText(QRectF(Margin, plot.top() - fm.height() / 2.0, CountWidth - 4, fm.height()),
               Qt::AlignRight | Qt::AlignVCenter, TimeFormat::compactCount(m_histogram.maxCount()));
    p.drawText(QRectF(Margin, plot.bottom() - fm.height() / 2.0, CountWidth - 4, fm.height()),
               Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("0"));

    // Edge labels, thinned so they do not overlap.
    const int labelWidth = fm.horizontalAdvance(QStringLiteral("500 ms")) + 8;
    const int every = std::max(1, int(std::ceil(labelWidth / std::max(1.0, slot))));
    for (std::size_t i = 0; i <= buckets.size(); i += std::size_t(every)) {
        const double x = plot.left() + double(i) * slot;
        const qint64 edge = i < buckets.size() ? buckets[i].lowNs : buckets.back().highNs;
        p.setPen(axis);
        p.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 3));
        p.setPen(pal.color(QPalette::WindowText));
        // Kept inside the widget: the last edge sits at its right border.
        const double left = std::clamp(x - labelWidth / 2.0, 0.0, double(width() - labelWidth));
        p.drawText(QRectF(left, plot.bottom() + 3, labelWidth, AxisHeight - 3), Qt::AlignCenter, edgeText(edge));
    }
}

} // namespace Taskscope::Ui
