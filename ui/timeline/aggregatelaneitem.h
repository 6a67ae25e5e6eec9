#pragma once

#include "model/trace/tracestore.h"
#include "ui/timeline/item.h"

#include <QHash>
#include <QRectF>
#include <QString>

#include <array>
#include <optional>
#include <vector>

namespace Taskscope::Ui::Timeline {

/// A collapsed group of lanes (many short-lived coroutines of one function, a thread pool) as one
/// aggregate lane: per pixel column, how many of its lanes are alive, running and ready, stacked,
/// with the peak in view. The densities of the last paint are kept for the tooltip.
class AggregateLaneItem final : public Item
{
public:
    /// Beyond this many lanes in view a group's density is sampled, and says so.
    static constexpr int MaxGroupLanesPerPaint = 4096;

    struct Density
    {
        std::vector<float> alive, running, ready;
        int peakAlive = 0;
        bool truncated = false;
    };
    struct Column
    {
        int alive = 0;
        int running = 0;
        int ready = 0;
    };

    void paint(PaintContext &ctx, QPainter &p, const TimelineRow &row, int top) override;
    /// The counts the last paint drew at content x of a group row, if it was drawn.
    std::optional<Column> columnAt(const QString &groupKey, int x) const;
    /// Forgets the densities (a new store).
    void clear() { m_density.clear(); }

    /// Counts each member lane's depth-0 spans per pixel column of the viewport.
    static void computeDensity(const PaintContext &ctx, const TimelineRow &row, Density &density,
                               std::vector<Trace::SpanItem> &scratch);

private:
    void drawColumns(PaintContext &ctx, QPainter &p, const TimelineRow &row, int top, const Density &d);

    QHash<QString, Density> m_density;
    std::vector<Trace::SpanItem> m_items;
    std::array<std::vector<QRectF>, 3> m_rects;
};

} // namespace Taskscope::Ui::Timeline
