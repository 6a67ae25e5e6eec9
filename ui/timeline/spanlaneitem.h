#pragma once

#include "model/trace/tracestore.h"
#include "ui/timeline/geometry.h"
#include "ui/timeline/item.h"
#include "ui/timeline/paintcontext.h"
#include "ui/timeline/spanbatch.h"
#include "ui/timelinelayout.h"
#include "ui/timelineviewport.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace Taskscope::Ui::Timeline {

/// What every span lane shares: the level-of-detail query of the spans in view, their rectangles by
/// depth, the plain span look, and instants as ticks on the lane's top edge. The lane kinds differ
/// in the spans their lanes hold and how those look.
class SpanLaneItem : public Item
{
protected:
    SpanLaneItem() = default;

    /// Queries the lane's spans in view and hands each, with its rectangle, to `style`
    /// (called as style(item, rect, foldHue); foldHue: the lane's own hue, for folded blocks).
    template<typename Style>
    void paintSpans(PaintContext &ctx, const TimelineRow &row, int top, Style &&style);
    /// A plain span in its name's hue, or a fold of them in the lane's hue.
    static void plainSpan(PaintContext &ctx, const Trace::SpanItem &item, const QRectF &rect, int foldHue);
    void paintInstants(PaintContext &ctx, const TimelineRow &row, int top);

private:
    std::vector<Trace::SpanItem> m_items;
    std::vector<Trace::InstantItem> m_instants;
};

template<typename Style>
void SpanLaneItem::paintSpans(PaintContext &ctx, const TimelineRow &row, int top, Style &&style)
{
    const TimelineViewport &vp = ctx.viewport;
    const double left = GutterWidth;
    const double right = GutterWidth + vp.width();
    const double t0 = vp.startNs();
    const double nsPerPx = vp.nsPerPx();
    m_items.clear();
    ctx.store.querySpans(row.lane, qint64(std::floor(t0)), qint64(std::ceil(vp.endNs())) + 1, nsPerPx, m_items, FoldPx);

    const double h = TimelineLayout::DepthHeight - 2;
    // A fold of sub-pixel spans has no one name; colouring it by whichever span came first
    // painted a rainbow of pixel columns. The lane's own hue keeps a lane one colour.
    const int foldHue = ctx.palette.hueOf(ctx.store.lane(row.lane).name);
    for (const Trace::SpanItem &item : m_items) {
        if (item.depth >= row.depths)
            continue;
        double x0 = left + (double(item.startNs) - t0) / nsPerPx;
        double x1 = left + (double(item.endNs) - t0) / nsPerPx;
        x0 = std::max(x0, left - 2);
        x1 = std::min(x1, right + 2);
        if (x1 - x0 < 1)
            x1 = x0 + 1;
        const double y = top + TimelineLayout::LanePadding + item.depth * TimelineLayout::DepthHeight;
        style(item, QRectF(x0, y, x1 - x0, h), foldHue);
    }
}

} // namespace Taskscope::Ui::Timeline
