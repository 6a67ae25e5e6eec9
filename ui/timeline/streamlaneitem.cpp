#include "ui/timeline/streamlaneitem.h"

namespace Timeline {

void StreamLaneItem::paint(PaintContext &ctx, QPainter &, const TimelineRow &row, int top)
{
    paintSpans(ctx, row, top,
               [&ctx](const SpanItem &item, const QRectF &rect, int foldHue) { plainSpan(ctx, item, rect, foldHue); });
    paintInstants(ctx, row, top);
}

} // namespace Timeline
