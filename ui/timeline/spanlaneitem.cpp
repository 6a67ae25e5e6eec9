#include "ui/timeline/spanlaneitem.h"

#include "ui/timelinepalette.h"

using Taskscope::Trace::InstantItem;
using Taskscope::Trace::SpanItem;
using Taskscope::Trace::SpanKind;

namespace Taskscope::Ui::Timeline {

void SpanLaneItem::plainSpan(PaintContext &ctx, const SpanItem &item, const QRectF &rect, int foldHue)
{
    if (item.kind == SpanKind::Folded) {
        ctx.batch.addFold(SpanBatch::FoldedBucket0 + foldHue, rect, item.count);
        return;
    }
    ctx.batch.addRect(SpanBatch::SpanBucket0 + ctx.palette.hueOf(item.name), rect);
    ctx.batch.addLabel(rect, item.name, QColor(255, 255, 255));
}

void SpanLaneItem::paintInstants(PaintContext &ctx, const TimelineRow &row, int top)
{
    // Small markers on the lane's top edge, merged per pixel column by the store.
    const TimelineViewport &vp = ctx.viewport;
    const double left = GutterWidth;
    const double right = GutterWidth + vp.width();
    const double t0 = vp.startNs();
    const double nsPerPx = vp.nsPerPx();
    m_instants.clear();
    ctx.store.queryInstants(row.lane, qint64(std::floor(t0)), qint64(std::ceil(vp.endNs())) + 1, nsPerPx * 3,
                            m_instants);
    for (const InstantItem &instant : m_instants) {
        const double x = left + (double(instant.ns) - t0) / nsPerPx;
        if (x < left - 4 || x > right + 4)
            continue;
        // A merged column of several instants is drawn wider.
        const double w = instant.count > 1 ? 3 : 2;
        ctx.batch.addRect(SpanBatch::InstantBucket, QRectF(x - w / 2, top + 1, w, TimelineLayout::LanePadding + 6));
    }
}

} // namespace Taskscope::Ui::Timeline
