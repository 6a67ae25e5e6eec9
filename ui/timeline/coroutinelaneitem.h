#pragma once

#include "ui/timeline/spanlaneitem.h"

namespace Timeline {

/// A coroutine's lane: its running (green), suspended (hatched, named by what it awaits) and ready
/// (amber) segments, folded per state when narrower than a few pixels, and any spans it opened.
class CoroutineLaneItem final : public SpanLaneItem
{
public:
    void paint(PaintContext &ctx, QPainter &p, const TimelineRow &row, int top) override;

private:
    static void styleSegment(PaintContext &ctx, const SpanItem &item, const QRectF &rect, int foldHue);
};

} // namespace Timeline
