#pragma once

#include "model/trace/tracestore.h"
#include "ui/timelinelayout.h"

#include <QPoint>

namespace Taskscope::Ui::Timeline {

class Controller;

/// A span under a point: the level-of-detail item drawn there (a span, or a folded block).
struct SpanHit
{
    bool found = false;
    Trace::LaneId lane = Trace::NoLane;
    int depth = 0;
    Trace::SpanItem item;
};

/// What is under a point of the widget: a span, an alert band, a gutter row, a row and its depth or
/// counter strip. Answers from the same geometry the painting uses, with a few pixels' tolerance
/// for spans narrower than the pointer.
class HitTester final
{
public:
    explicit HitTester(const Controller &controller);

    SpanHit spanAt(const QPoint &pos) const;
    /// The alert whose band is under `pos` (in the ruler, or on the row of the lane that hung), or 0.
    quint32 alertAt(const QPoint &pos) const;
    /// The row whose label is under `pos` in the gutter, or -1.
    int gutterRowAt(const QPoint &pos) const;
    /// The row, depth and counter strip under `pos` in the content area.
    TimelineLayout::Hit rowAt(const QPoint &pos) const;

    /// A stored span as a hit (what selecting it programmatically needs).
    static SpanHit spanHit(const Trace::TraceStore &store, Trace::LaneId lane, int depth,
                           const Trace::StoredSpan &span);

private:
    const Controller &m_controller;
};

} // namespace Taskscope::Ui::Timeline
