#pragma once

#include "ui/timeline/spanlaneitem.h"

namespace Taskscope::Ui::Timeline {

/// A thread's lane (and the process lane): nested spans in their names' hues, the running segments
/// of coroutines the thread resumed (darker, with a green stripe), and instants.
class ThreadLaneItem final : public SpanLaneItem
{
public:
    void paint(PaintContext &ctx, QPainter &p, const TimelineRow &row, int top) override;
};

} // namespace Taskscope::Ui::Timeline
