#pragma once

#include "ui/timeline/spanlaneitem.h"

namespace Taskscope::Ui::Timeline {

/// A coroutine's lane: its running (green), suspended (hatched, named by what it awaits) and ready
/// (amber) segments and any spans it opened. Segments narrower than a few pixels fold into cells
/// that stack each state's share of the cell's time.
class CoroutineLaneItem final : public SpanLaneItem
{
public:
    void paint(PaintContext &ctx, QPainter &p, const TimelineRow &row, int top) override;

private:
    static void styleSegment(PaintContext &ctx, const Trace::SpanItem &item, const QRectF &rect, int foldHue);
    static void stackedFold(SpanBatch &batch, const Trace::SpanItem &item, const QRectF &rect);
};

} // namespace Taskscope::Ui::Timeline
