#pragma once

#include "ui/timeline/spanlaneitem.h"

namespace Taskscope::Ui::Timeline {

/// A workload stream's lane: its spans (utterances, requests) and instants (chunks sent,
/// transcripts); its counters are drawn by the counter strips below it.
class StreamLaneItem final : public SpanLaneItem
{
public:
    void paint(PaintContext &ctx, QPainter &p, const TimelineRow &row, int top) override;
};

} // namespace Taskscope::Ui::Timeline
