#include "ui/timeline/streamlaneitem.h"

using Taskscope::Trace::SpanItem;

namespace Taskscope::Ui::Timeline {

void StreamLaneItem::paint(PaintContext &ctx, QPainter &, const TimelineRow &row, int top)
{
    paintSpans(ctx, row, top,
               [&ctx](const SpanItem &item, const QRectF &rect, int foldHue) { plainSpan(ctx, item, rect, foldHue); });
    paintInstants(ctx, row, top);
}

} // namespace Taskscope::Ui::Timeline
