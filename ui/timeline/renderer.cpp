#include "ui/timeline/renderer.h"

#include "model/timeformat.h"
#include "ui/spanselection.h"
#include "ui/timeline/controller.h"
#include "ui/timeline/geometry.h"
#include "ui/timeline/painthelpers.h"
#include "ui/timeline/ruler.h"

#include <QFontMetricsF>
#include <QPainter>

#include <algorithm>
#include <cmath>

using Taskscope::Model::TimeFormat;
using Taskscope::Trace::LaneKind;
using Taskscope::Trace::TraceStore;

namespace Taskscope::Ui::Timeline {

Renderer::Renderer(const QFont &widgetFont)
    : m_fonts(Fonts::fromWidgetFont(widgetFont, true))
{
    m_batch.setFont(m_fonts.normal);
}

void Renderer::setFont(const QFont &font)
{
    m_fonts = Fonts::fromWidgetFont(font, false);
    m_batch.setFont(m_fonts.normal);
    m_gutter.invalidate();
}

PaintContext Renderer::contextFor(const Controller &controller, const TraceStore &store)
{
    return PaintContext {store,   controller.viewport(), controller.layout(),    m_palette, m_fonts,
                         m_batch, controller.scrollY(),  controller.liveEdgeNs()};
}

Item *Renderer::itemFor(const TimelineRow &row)
{
    if (row.type == TimelineRow::Type::Group)
        return row.collapsed ? &m_aggregate : nullptr;
    if (row.type != TimelineRow::Type::Lane)
        return nullptr;
    switch (row.kind) {
    case LaneKind::Coroutine:
        return &m_coroutine;
    case LaneKind::Stream:
        return &m_stream;
    case LaneKind::Thread:
    case LaneKind::Process:
        break;
    }
    return &m_thread;
}

QRect Renderer::render(QPainter &p, const QSize &size, const Controller &controller, const Frame &frame)
{
    const int width = size.width();
    const int height = size.height();
    const int cw = controller.viewport().width();
    p.setFont(m_fonts.normal);
    paintBackground(p, size, controller, cw);
    const TraceStore *store = controller.store();
    if (store) {
        PaintContext ctx = contextFor(controller, *store);
        p.setClipRect(QRect(GutterWidth, RulerHeight, cw, height - RulerHeight));
        m_alerts.paintBands(ctx, p, height);
        paintRows(ctx, p);
        m_flows.paint(ctx, p, height, frame.selection);
        m_alerts.paintLabels(ctx, p);
        paintSelection(ctx, p, width, frame.selection);
        paintRange(ctx, p, height, frame);
        paintHoverLine(p, frame.hoverX, cw, height);
        p.setClipping(false);
    }
    m_gutter.paint(p, height, controller, m_palette, m_fonts);
    const Ruler ruler(controller.viewport(), m_palette, m_fonts);
    ruler.paintScale(p, width);
    if (store) {
        // Alerts in the ruler, so they are seen even when the lane that hung is scrolled away.
        m_alerts.paintRulerMarks(contextFor(controller, *store), p, width);
    }
    ruler.paintCorner(p, width, frame.hoverX);
    return paintBadge(p, size, controller, frame.scrollBarWidth);
}

void Renderer::paintBackground(QPainter &p, const QSize &size, const Controller &controller, int cw)
{
    const int height = size.height();
    p.fillRect(QRect(0, 0, size.width(), height), m_palette.background());
    // Lane backgrounds and the grid under everything; the rows in view are remembered for paintRows.
    const TimelineLayout &layout = controller.layout();
    const std::vector<TimelineRow> &rows = layout.rows();
    m_firstRow = std::max(0, layout.rowAt(controller.scrollY()) < 0 ? 0 : layout.rowAt(controller.scrollY()));
    m_lastRow = m_firstRow;
    for (int i = m_firstRow; i < int(rows.size()); ++i) {
        const TimelineRow &row = rows[std::size_t(i)];
        const int top = controller.rowTopOnScreen(row);
        if (top > height)
            break;
        m_lastRow = i;
        if (top + row.height < RulerHeight)
            continue;
        const QColor bg = row.type == TimelineRow::Type::Section ? m_palette.sectionBackground()
                                                                 : m_palette.laneBackground(i % 2 == 1);
        p.fillRect(QRect(GutterWidth, top, cw, row.height), bg);
    }
    const TimelineViewport &vp = controller.viewport();
    const double step = niceStep(vp.nsPerPx() * 110);
    const double first = std::floor(vp.startNs() / step) * step;
    for (double t = first; t < vp.endNs(); t += step) {
        const double x = GutterWidth + vp.xOf(t);
        if (x >= GutterWidth)
            verticalLine(p, x, RulerHeight, height, m_palette.grid());
    }
}

void Renderer::paintRows(PaintContext &ctx, QPainter &p)
{
    const std::vector<TimelineRow> &rows = ctx.layout.rows();
    const int last = std::min(m_lastRow, int(rows.size()) - 1);
    m_batch.clear();
    for (int i = m_firstRow; i <= last; ++i) {
        const TimelineRow &row = rows[std::size_t(i)];
        const int top = ctx.rowTop(row);
        if (top + row.height < RulerHeight)
            continue;
        if (Item *item = itemFor(row))
            item->paint(ctx, p, row, top);
    }
    m_batch.flush(p, m_palette);
    // Counter strips over the spans' batch, each lane's below its spans.
    for (int i = m_firstRow; i <= last; ++i) {
        const TimelineRow &row = rows[std::size_t(i)];
        if (row.type == TimelineRow::Type::Lane && row.counters > 0)
            m_counters.paint(ctx, p, row, ctx.rowTop(row));
    }
}

void Renderer::paintSelection(const PaintContext &ctx, QPainter &p, int width, const SpanSelection &selection)
{
    if (!selection.valid)
        return;
    const int rowIndex = ctx.layout.rowOfLane(selection.lane);
    if (rowIndex < 0 || ctx.layout.rows()[std::size_t(rowIndex)].type != TimelineRow::Type::Lane)
        return;
    const TimelineRow &row = ctx.layout.rows()[std::size_t(rowIndex)];
    const double x0 = std::max(GutterWidth - 4.0, GutterWidth + ctx.viewport.xOf(double(selection.startNs)));
    const double x1 = std::min(double(width + 4), GutterWidth + ctx.viewport.xOf(double(selection.endNs)));
    const int y = TimelineLayout::depthY(row, selection.depth) - ctx.scrollY + RulerHeight;
    p.setPen(QPen(m_palette.selection(), 2));
    p.setBrush(Qt::NoBrush);
    p.drawRect(QRectF(x0 - 1, y - 1, std::max(x1 - x0, 1.0) + 2, TimelineLayout::DepthHeight));
}

void Renderer::paintRange(const PaintContext &ctx, QPainter &p, int height, const Frame &frame)
{
    if (frame.rangeEndNs <= frame.rangeStartNs)
        return;
    // A selected time range: a tinted band with edges, over every lane.
    const double x0 = GutterWidth + ctx.viewport.xOf(double(frame.rangeStartNs));
    const double x1 = GutterWidth + ctx.viewport.xOf(double(frame.rangeEndNs));
    QColor tint = m_palette.selection();
    tint.setAlpha(24);
    p.fillRect(QRectF(x0, RulerHeight, std::max(1.0, x1 - x0), height - RulerHeight), tint);
    p.setPen(QPen(m_palette.selection(), 1));
    p.drawLine(QLineF(x0, RulerHeight, x0, height));
    p.drawLine(QLineF(x1, RulerHeight, x1, height));
}

void Renderer::paintHoverLine(QPainter &p, int hoverX, int contentWidth, int height)
{
    if (hoverX < GutterWidth || hoverX >= GutterWidth + contentWidth)
        return;
    // Dashes (4 on, 2 off) drawn in 60 px pieces: a whole number of periods, each short enough for
    // the raster engine to keep on this thread (see fillTall).
    p.setPen(QPen(m_palette.hoverLine(), 1, Qt::DashLine));
    for (int y = RulerHeight; y < height; y += 60)
        p.drawLine(QLineF(hoverX + 0.5, y, hoverX + 0.5, std::min(y + 60, height)));
}

QRect Renderer::paintBadge(QPainter &p, const QSize &size, const Controller &controller, int scrollBarWidth)
{
    const QRect content(GutterWidth, RulerHeight, size.width() - GutterWidth, size.height() - RulerHeight);
    const TraceStore *store = controller.store();
    if (!store || store->lanes().isEmpty()) {
        p.setPen(m_palette.mutedText());
        p.drawText(
            content, Qt::AlignCenter,
            QStringLiteral("No trace data yet.\nStart a stream, use Run ▸ Freeze the UI, or open a trace (Ctrl+O)."));
        return {};
    }
    if (!controller.isLive())
        return {};
    const QFontMetricsF fm(m_fonts.normal);
    QString text;
    QColor fill;
    if (controller.followsLive()) {
        text = QStringLiteral("● LIVE");
        fill = TimelinePalette::running();
    } else {
        text = QStringLiteral("❚❚ Paused · +%1 events · %2 behind · Catch up ▸")
                   .arg(TimeFormat::count(controller.eventsBehind()), TimeFormat::duration(controller.nsBehind(), 1));
        fill = TimelinePalette::ready().darker(125);
    }
    const double w = fm.horizontalAdvance(text) + 16;
    const QRectF box(size.width() - scrollBarWidth - w - 8, RulerHeight + 6, w, fm.height() + 6);
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(Qt::NoPen);
    QColor bg = fill;
    bg.setAlpha(230);
    p.setBrush(bg);
    p.drawRoundedRect(box, 4, 4);
    p.setRenderHint(QPainter::Antialiasing, false);
    p.setPen(Qt::white);
    p.drawText(box, Qt::AlignCenter, text);
    return box.toAlignedRect();
}

} // namespace Taskscope::Ui::Timeline
