#pragma once

#include "model/trace/tracestore.h"
#include "ui/timeline/item.h"

#include <QPointF>
#include <QRectF>

#include <vector>

namespace Taskscope::Ui::Timeline {

/// A lane's counter strips (queue depth, bytes in flight), below its spans: a filled step line with
/// the per-pixel min/max envelope, its name and maximum on a plate. Dense counters are sampled at
/// two points per pixel column, at a bounded cost, and say so.
class CounterLaneItem final : public Item
{
public:
    void paint(PaintContext &ctx, QPainter &p, const TimelineRow &row, int top) override;

private:
    /// Fills m_counterItems with what is in view; returns true if it sampled instead of reading all.
    bool collect(const PaintContext &ctx, Trace::LaneId lane, Trace::NameId name);
    void paintStrip(PaintContext &ctx, QPainter &p, double y0, Trace::NameId name, bool sampled);

    std::vector<Trace::CounterItem> m_counterItems;
    std::vector<QRectF> m_fill;
    std::vector<QRectF> m_envelope;
    std::vector<QPointF> m_polyline;
};

} // namespace Taskscope::Ui::Timeline
