#include "ui/timeline/minimap.h"

#include "model/timeformat.h"
#include "model/trace/tracestore.h"
#include "ui/timelinepalette.h"

#include <QMouseEvent>
#include <QPainter>

using Taskscope::Model::TimeFormat;
using Taskscope::Trace::LaneKind;
using Taskscope::Trace::TraceStore;

namespace Taskscope::Ui::Timeline {

namespace {

constexpr int TopPad = 2;

QColor bandColor(LaneKind kind)
{
    switch (kind) {
    case LaneKind::Thread:
        return QColor(0x3b, 0x7d, 0xd8);
    case LaneKind::Stream:
        return QColor(0x8e, 0x5c, 0xc8);
    case LaneKind::Coroutine:
        return TimelinePalette::running();
    case LaneKind::Process:
        break;
    }
    return QColor(0x80, 0x80, 0x80);
}

} // namespace

Minimap::Minimap(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("timelineMinimap"));
    setMouseTracking(false);
    setCursor(Qt::PointingHandCursor);
    setToolTip(QStringLiteral("The whole session: activity of threads, streams and coroutines (running), alerts in "
                              "red. Click or drag to move the view; double-click to follow live."));
    m_sinceRebuild.start();
}

QSize Minimap::sizeHint() const
{
    return QSize(600, TopPad * 2 + 3 * BandHeight + AlertHeight + 2);
}

QSize Minimap::minimumSizeHint() const
{
    return QSize(100, sizeHint().height());
}

void Minimap::setStore(const TraceStore *store)
{
    m_store = store;
    m_dirty = true;
    update();
}

void Minimap::setLeftMargin(int px)
{
    m_leftMargin = std::max(0, px);
    m_dirty = true;
    update();
}

void Minimap::setView(qint64 startNs, qint64 endNs, qint64 liveEdgeNs, bool following)
{
    // New data shows at the next rebuild even when the view stands still.
    const bool due = m_sinceRebuild.elapsed() >= RebuildIntervalMs;
    if (!due && startNs == m_viewStart && endNs == m_viewEnd && liveEdgeNs == m_liveEdge && following == m_following)
        return;
    m_viewStart = startNs;
    m_viewEnd = endNs;
    m_liveEdge = liveEdgeNs;
    m_following = following;
    update();
}

double Minimap::xOf(qint64 ns) const
{
    return m_leftMargin + double(ns - m_t0) / double(std::max<qint64>(1, m_t1 - m_t0)) * stripWidth();
}

qint64 Minimap::timeAt(double x) const
{
    return m_t0 + qint64((x - m_leftMargin) / stripWidth() * double(m_t1 - m_t0));
}

QRectF Minimap::viewRect() const
{
    const double a = std::clamp(xOf(m_viewStart), double(m_leftMargin), double(width()));
    const double b = std::clamp(xOf(m_viewEnd), double(m_leftMargin), double(width()));
    return QRectF(a, 0, std::max(3.0, b - a), height() - 1);
}

void Minimap::rebuildIfDue()
{
    if (!m_store)
        return;
    const bool sizeChanged = m_image.size() != QSize(stripWidth(), height()) * devicePixelRatioF();
    if (!m_dirty && !sizeChanged && m_sinceRebuild.elapsed() < RebuildIntervalMs)
        return;
    rebuild();
}

void Minimap::rebuild()
{
    m_dirty = false;
    m_sinceRebuild.restart();
    ++m_rebuilds;
    if (m_store->lastNs() >= m_store->firstNs()) {
        m_t0 = m_store->firstNs();
        m_t1 = std::max({m_store->lastNs(), m_liveEdge, m_t0 + 1000});
    }
    const int columns = stripWidth();
    m_density.compute(*m_store, m_t0, m_t1, columns);

    const qreal dpr = devicePixelRatioF();
    m_image = QImage(QSize(columns, height()) * dpr, QImage::Format_ARGB32_Premultiplied);
    m_image.setDevicePixelRatio(dpr);
    const TimelinePalette palette(this->palette());
    m_image.fill(palette.rulerBackground());
    QPainter p(&m_image);
    int y = TopPad;
    for (const MinimapDensity::Band &band : m_density.bands()) {
        const QColor base = bandColor(band.kind);
        // Scaled to the band's own peak so a light load still shows its shape.
        const float peak = band.peak > 0 ? band.peak : 1.0f;
        for (int c = 0; c < columns; ++c) {
            const float v = band.busy[std::size_t(c)] / peak;
            if (v <= 0.02f)
                continue;
            QColor color = base;
            color.setAlphaF(0.25 + 0.75 * double(v));
            p.fillRect(QRectF(c, y, 1, BandHeight - 1), color);
        }
        y += BandHeight;
    }
    const int alertY = height() - AlertHeight - TopPad;
    for (int c = 0; c < columns; ++c) {
        if (m_density.alerts()[std::size_t(c)])
            p.fillRect(QRectF(c, alertY, 1, AlertHeight), TimelinePalette::alert());
    }
}

void Minimap::paintEvent(QPaintEvent *)
{
    rebuildIfDue();
    QPainter p(this);
    const TimelinePalette palette(this->palette());
    p.fillRect(rect(), palette.rulerBackground());
    if (m_leftMargin > 0) {
        p.fillRect(QRect(0, 0, m_leftMargin, height()), palette.gutterBackground());
        p.setPen(palette.mutedText());
        QFont small = font();
        small.setPointSizeF(std::max(6.0, small.pointSizeF() * 0.85));
        p.setFont(small);
        const QString label = m_store && m_t1 > m_t0
            ? QStringLiteral("Session %1").arg(TimeFormat::duration(m_t1 - m_t0, 0))
            : QStringLiteral("Session");
        p.drawText(QRect(6, 0, m_leftMargin - 8, height()), Qt::AlignVCenter | Qt::AlignLeft, label);
    }
    if (!m_image.isNull())
        p.drawImage(QPointF(m_leftMargin, 0), m_image);
    if (m_viewEnd > m_viewStart) {
        const QRectF r = viewRect();
        QColor fill = palette.accent();
        fill.setAlpha(40);
        p.fillRect(r, fill);
        p.setPen(QPen(m_following ? TimelinePalette::running() : palette.accent(), 1.5));
        p.setBrush(Qt::NoBrush);
        p.drawRect(r.adjusted(0.75, 0.75, -0.75, -0.75));
    }
    p.setPen(palette.separator());
    p.drawLine(0, height() - 1, width(), height() - 1);
}

void Minimap::resizeEvent(QResizeEvent *)
{
    m_dirty = true;
}

void Minimap::moveViewTo(double x)
{
    const qint64 span = std::max<qint64>(1000, m_viewEnd - m_viewStart);
    qint64 start = timeAt(x - m_dragOffsetPx);
    // Keep the rectangle inside the session where possible.
    start = std::clamp(start, m_t0 - span / 2, std::max(m_t0, m_t1 - span / 2));
    m_viewStart = start;
    m_viewEnd = start + span;
    m_following = false;
    update();
    Q_EMIT rangeRequested(m_viewStart, m_viewEnd);
}

void Minimap::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || event->position().x() < m_leftMargin)
        return;
    const QRectF r = viewRect();
    const double x = event->position().x();
    // Grabbing the rectangle keeps the grab point under the pointer; elsewhere the view centres there.
    m_dragOffsetPx = r.contains(QPointF(x, r.center().y())) ? x - xOf(m_viewStart) : r.width() / 2;
    m_dragging = true;
    moveViewTo(x);
}

void Minimap::mouseMoveEvent(QMouseEvent *event)
{
    if (m_dragging)
        moveViewTo(event->position().x());
}

void Minimap::mouseReleaseEvent(QMouseEvent *)
{
    m_dragging = false;
}

void Minimap::mouseDoubleClickEvent(QMouseEvent *)
{
    m_dragging = false;
    Q_EMIT followLiveRequested();
}

} // namespace Taskscope::Ui::Timeline
