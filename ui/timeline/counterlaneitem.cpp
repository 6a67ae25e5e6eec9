#include "ui/timeline/counterlaneitem.h"

#include "model/trace/tracenames.h"
#include "ui/timeline/geometry.h"
#include "ui/timeline/paintcontext.h"
#include "ui/timeline/painthelpers.h"
#include "ui/timelinelayout.h"
#include "ui/timelinepalette.h"
#include "ui/timelineviewport.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

using Taskscope::Trace::CounterItem;
using Taskscope::Trace::LaneId;
using Taskscope::Trace::NameId;
using Taskscope::Trace::TraceNames;

namespace Taskscope::Ui::Timeline {

void CounterLaneItem::paint(PaintContext &ctx, QPainter &p, const TimelineRow &row, int top)
{
    const QList<NameId> names = ctx.store.counterNames(row.lane);
    for (int c = 0; c < names.size() && c < row.counters; ++c) {
        const bool sampled = collect(ctx, row.lane, names[c]);
        if (m_counterItems.empty())
            continue;
        paintStrip(ctx, p, TimelineLayout::counterY(row, c) - row.y + top, names[c], sampled);
    }
}

bool CounterLaneItem::collect(const PaintContext &ctx, LaneId lane, NameId name)
{
    const TimelineViewport &vp = ctx.viewport;
    const double t0 = vp.startNs();
    const double nsPerPx = vp.nsPerPx();
    const qint64 q0 = qint64(std::floor(t0));
    const qint64 q1 = qint64(std::ceil(vp.endNs())) + 1;
    const int w = vp.width();
    m_counterItems.clear();
    if (ctx.store.counterSampleCount(lane, name, q0, q1) <= std::size_t(w) * 8) {
        ctx.store.queryCounter(lane, name, q0, q1, nsPerPx, m_counterItems);
        return false;
    }
    // Dense: an exact per-column min/max would read every sample in view. Read the value in
    // force at two points per column instead (a bounded cost at any zoom), and say so.
    for (int x = 0; x < w; ++x) {
        CounterItem item;
        bool any = false;
        for (int k = 0; k < 2; ++k) {
            double v = 0;
            if (!ctx.store.counterValueAt(lane, name, qint64(t0 + (x + k / 2.0) * nsPerPx), &v))
                continue;
            if (!any) {
                item = CounterItem {qint64(t0 + x * nsPerPx), qint64(t0 + (x + 1) * nsPerPx), v, v, v};
                any = true;
            }
            item.min = std::min(item.min, v);
            item.max = std::max(item.max, v);
            item.last = v;
        }
        if (any)
            m_counterItems.push_back(item);
    }
    return true;
}

void CounterLaneItem::paintStrip(PaintContext &ctx, QPainter &p, double y0, NameId name, bool sampled)
{
    const TimelineViewport &vp = ctx.viewport;
    const double t0 = vp.startNs();
    const double nsPerPx = vp.nsPerPx();
    const double left = GutterWidth;
    const double right = GutterWidth + vp.width();
    double lo = 0, hi = 0;
    for (const CounterItem &item : m_counterItems) {
        lo = std::min(lo, item.min);
        hi = std::max(hi, item.max);
    }
    if (hi - lo <= 0)
        hi = lo + 1;
    const double bottom = y0 + TimelineLayout::CounterHeight - 4;
    const double hgt = TimelineLayout::CounterHeight - 8;
    const auto yOf = [&](double v) { return bottom - hgt * (v - lo) / (hi - lo); };
    // A step line over a filled area, as rectangles and one aliased polyline: a QPainterPath of
    // thousands of vertices costs tens of milliseconds to fill and stroke.
    m_fill.clear();
    m_envelope.clear();
    m_polyline.clear();
    double runX = -1, runY = 0, runEnd = 0;
    for (std::size_t i = 0; i < m_counterItems.size(); ++i) {
        const CounterItem &item = m_counterItems[i];
        const double x = std::clamp(left + (double(item.startNs) - t0) / nsPerPx, left, right);
        const double nextX = i + 1 < m_counterItems.size()
            ? std::clamp(left + (double(m_counterItems[i + 1].startNs) - t0) / nsPerPx, left, right)
            : right;
        const double y = std::round(yOf(item.last));
        if (item.max > item.min)
            m_envelope.push_back(QRectF(x, std::round(yOf(item.max)), 1,
                                        std::max(1.0, std::round(yOf(item.min)) - std::round(yOf(item.max)))));
        if (runX >= 0 && y == runY) {
            runEnd = std::max(nextX, x + 1);
        } else {
            if (runX >= 0)
                m_fill.push_back(QRectF(runX, runY, runEnd - runX, bottom - runY));
            runX = x;
            runY = y;
            runEnd = std::max(nextX, x + 1);
        }
        if (!m_polyline.empty())
            m_polyline.push_back(QPointF(x, m_polyline.back().y()));
        m_polyline.push_back(QPointF(x, y));
    }
    if (runX >= 0) {
        m_fill.push_back(QRectF(runX, runY, right - runX, bottom - runY));
        m_polyline.push_back(QPointF(right, runY));
    }
    p.setPen(Qt::NoPen);
    p.setBrush(ctx.palette.counterFill());
    p.drawRects(m_fill.data(), int(m_fill.size()));
    p.setBrush(ctx.palette.counterLine());
    p.drawRects(m_envelope.data(), int(m_envelope.size()));
    p.setPen(QPen(ctx.palette.counterLine(), 0));
    p.drawPolyline(m_polyline.data(), int(m_polyline.size()));
    p.setFont(ctx.fonts.small);
    drawPlateText(p, ctx.palette, QPointF(left + 6, y0 + 11),
                  QStringLiteral("%1  max %2%3")
                      .arg(TraceNames::name(name))
                      .arg(hi, 0, 'g', 4)
                      .arg(sampled ? QStringLiteral("  (sampled)") : QString()));
    p.setFont(ctx.fonts.normal);
}

} // namespace Taskscope::Ui::Timeline
