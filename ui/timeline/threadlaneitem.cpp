#include "ui/timeline/threadlaneitem.h"

#include "ui/timelinepalette.h"

using Taskscope::Trace::SpanItem;
using Taskscope::Trace::SpanKind;

namespace Taskscope::Ui::Timeline {

void ThreadLaneItem::paint(PaintContext &ctx, QPainter &, const TimelineRow &row, int top)
{
    paintSpans(ctx, row, top, [&ctx](const SpanItem &item, const QRectF &rect, int foldHue) {
        if (item.kind != SpanKind::ThreadRunsCoroutine) {
            plainSpan(ctx, item, rect, foldHue);
            return;
        }
        ctx.batch.addRect(SpanBatch::ThreadCoroBucket0 + ctx.palette.hueOf(item.name), rect);
        ctx.batch.addRect(SpanBatch::CoroStripeBucket,
                          QRectF(rect.left(), rect.top() + rect.height() - 3, rect.width(), 3));
        ctx.batch.addLabel(rect, item.name, QColor(255, 255, 255));
    });
    paintInstants(ctx, row, top);
}

} // namespace Taskscope::Ui::Timeline
