#include "ui/timeline/flowoverlay.h"

#include "ui/spanselection.h"
#include "ui/timeline/geometry.h"
#include "ui/timeline/paintcontext.h"
#include "ui/timelinelayout.h"
#include "ui/timelinepalette.h"
#include "ui/timelineviewport.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

using Taskscope::Trace::LaneId;
using Taskscope::Trace::StoredFlow;

namespace Taskscope::Ui::Timeline {

bool FlowOverlay::collect(const PaintContext &ctx, const SpanSelection &selection)
{
    m_flows.clear();
    const double t0 = ctx.viewport.startNs();
    const double t1 = ctx.viewport.endNs();
    ctx.store.queryFlows(qint64(std::floor(t0)), qint64(std::ceil(t1)) + 1, m_flows, MaxFlowsDrawn + 1);
    if (m_flows.size() <= std::size_t(MaxFlowsDrawn))
        return false;
    m_flows.clear();
    if (!selection.valid)
        return true;
    std::vector<StoredFlow> all;
    ctx.store.queryFlows(selection.startNs, selection.endNs + 1, all, 1 << 16);
    for (const StoredFlow &flow : all) {
        const bool out = flow.fromLane == selection.lane && flow.fromNs >= selection.startNs
            && flow.fromNs <= selection.endNs;
        const bool in = flow.toLane == selection.lane && flow.toNs >= selection.startNs && flow.toNs <= selection.endNs;
        if ((out || in) && m_flows.size() < std::size_t(MaxFlowsDrawn))
            m_flows.push_back(flow);
    }
    return true;
}

void FlowOverlay::paint(const PaintContext &ctx, QPainter &p, int height, const SpanSelection &selection)
{
    const bool onlySelected = collect(ctx, selection);
    if (m_flows.empty())
        return;
    const std::vector<TimelineRow> &rows = ctx.layout.rows();
    const auto anchorY = [&](LaneId lane) -> double {
        const int index = ctx.layout.rowOfLane(lane);
        if (index < 0)
            return -1;
        const TimelineRow &row = rows[std::size_t(index)];
        const int top = ctx.rowTop(row);
        if (row.type == TimelineRow::Type::Lane)
            return top + TimelineLayout::LanePadding + TimelineLayout::DepthHeight / 2.0;
        return top + row.height / 2.0;
    };
    QPainterPath curves, heads;
    int drawn = 0;
    for (const StoredFlow &flow : m_flows) {
        const double y0 = anchorY(flow.fromLane);
        const double y1 = anchorY(flow.toLane);
        if (y0 < 0 || y1 < 0)
            continue;
        if ((y0 < RulerHeight && y1 < RulerHeight) || (y0 > height && y1 > height))
            continue;
        // Unless it is the selection's, an arrow to a row off screen is a line across everything.
        if (!onlySelected && (y0 < RulerHeight || y1 < RulerHeight || y0 > height || y1 > height))
            continue;
        const double x0 = GutterWidth + ctx.viewport.xOf(double(flow.fromNs));
        const double x1 = GutterWidth + ctx.viewport.xOf(double(flow.toNs));
        if (std::abs(x1 - x0) < 2 && std::abs(y1 - y0) < 2)
            continue;
        const double bend = std::clamp(std::abs(x1 - x0) * 0.5, 12.0, 80.0);
        curves.moveTo(x0, y0);
        curves.cubicTo(x0 + bend, y0, x1 - bend, y1, x1, y1);
        heads.moveTo(x1, y1);
        heads.lineTo(x1 - 6, y1 - 3.5);
        heads.lineTo(x1 - 6, y1 + 3.5);
        heads.closeSubpath();
        ++drawn;
    }
    if (!drawn)
        return;
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(ctx.palette.flow(), 1.2));
    p.drawPath(curves);
    p.setPen(Qt::NoPen);
    p.setBrush(ctx.palette.flow());
    p.drawPath(heads);
    p.setRenderHint(QPainter::Antialiasing, false);
}

} // namespace Taskscope::Ui::Timeline
