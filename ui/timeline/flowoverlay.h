#pragma once

#include "model/trace/tracestore.h"

#include <vector>

class QPainter;
namespace Taskscope::Ui {
struct SpanSelection;
} // namespace Taskscope::Ui

namespace Taskscope::Ui::Timeline {

struct PaintContext;

/// Flow arrows (a chunk sent on a stream, handled on a worker thread) drawn over the lanes as
/// curves. Past MaxFlowsDrawn in view only the selected span's flows are drawn, as Perfetto does:
/// more arrows are noise, and each costs a stroke.
class FlowOverlay final
{
public:
    static constexpr int MaxFlowsDrawn = 64;

    void paint(const PaintContext &ctx, QPainter &p, int height, const SpanSelection &selection);

private:
    /// Fills m_flows with what to draw; returns true if only the selection's flows are kept.
    bool collect(const PaintContext &ctx, const SpanSelection &selection);

    std::vector<Trace::StoredFlow> m_flows;
};

} // namespace Taskscope::Ui::Timeline
