#include "ui/timeline/hittester.h"

#include "ui/timeline/controller.h"
#include "ui/timeline/geometry.h"

#include <cmath>
#include <limits>

using Taskscope::Trace::AlertBand;
using Taskscope::Trace::LaneId;
using Taskscope::Trace::SpanItem;
using Taskscope::Trace::SpanKind;
using Taskscope::Trace::StoredSpan;
using Taskscope::Trace::TraceStore;

namespace Taskscope::Ui::Timeline {

HitTester::HitTester(const Controller &controller)
    : m_controller(controller)
{
}

SpanHit HitTester::spanHit(const TraceStore &store, LaneId lane, int depth, const StoredSpan &span)
{
    SpanHit hit;
    hit.found = true;
    hit.lane = lane;
    hit.depth = depth;
    hit.item = SpanItem {span.startNs,
                         span.isOpen() ? std::max(store.lastNs(), span.startNs) : span.endNs,
                         span.name,
                         span.link,
                         span.arg,
                         1,
                         std::uint16_t(depth),
                         span.kind,
                         span.kind,
                         span.isOpen()};
    return hit;
}

TimelineLayout::Hit HitTester::rowAt(const QPoint &pos) const
{
    return m_controller.layout().hitTest(pos.y() - RulerHeight + m_controller.scrollY());
}

SpanHit HitTester::spanAt(const QPoint &pos) const
{
    SpanHit hit;
    const TraceStore *store = m_controller.store();
    if (!store || pos.x() < GutterWidth || pos.y() < RulerHeight)
        return hit;
    const TimelineLayout::Hit h = rowAt(pos);
    if (h.row < 0 || h.depth < 0)
        return hit;
    const TimelineRow &row = m_controller.layout().rows()[std::size_t(h.row)];
    if (row.type != TimelineRow::Type::Lane)
        return hit;
    const TimelineViewport &vp = m_controller.viewport();
    const qint64 t = qint64(std::llround(vp.timeAt(pos.x() - GutterWidth)));
    const qint64 tolerance = qint64(std::ceil(vp.nsPerPx() * FoldPx));
    std::vector<SpanItem> items;
    store->querySpans(row.lane, t - tolerance, t + tolerance + 1, vp.nsPerPx(), items, FoldPx);
    const SpanItem *best = nullptr;
    qint64 bestDistance = std::numeric_limits<qint64>::max();
    for (const SpanItem &item : items) {
        if (item.depth != h.depth)
            continue;
        const qint64 distance = t < item.startNs ? item.startNs - t : t > item.endNs ? t - item.endNs : 0;
        if (distance <= tolerance && distance < bestDistance) {
            best = &item;
            bestDistance = distance;
        }
    }
    if (!best)
        return hit;
    hit.found = true;
    hit.lane = row.lane;
    hit.depth = h.depth;
    hit.item = *best;
    if (best->kind == SpanKind::Folded) {
        // A click on a folded block selects the span nearest the cursor inside it.
        if (const StoredSpan *span = store->spanAt(row.lane, h.depth, t, tolerance)) {
            hit.item.name = span->name;
            hit.item.link = span->link;
            hit.item.arg = span->arg;
        }
    }
    return hit;
}

quint32 HitTester::alertAt(const QPoint &pos) const
{
    const TraceStore *store = m_controller.store();
    if (!store || pos.x() < GutterWidth)
        return 0;
    const TimelineViewport &vp = m_controller.viewport();
    const double t = vp.timeAt(pos.x() - GutterWidth);
    const qint64 live = m_controller.liveEdgeNs();
    const int y = pos.y() - RulerHeight + m_controller.scrollY();
    const double slack = vp.nsPerPx() * 2;
    for (const AlertBand &band : store->alertBands()) {
        const double end = band.endNs == StoredSpan::OpenEnd ? double(live) : double(band.endNs);
        if (t < double(band.startNs) - slack || t > end + slack)
            continue;
        if (pos.y() < RulerHeight)
            return band.alertId;
        const int index = m_controller.layout().rowOfLane(band.lane);
        if (index >= 0) {
            const TimelineRow &row = m_controller.layout().rows()[std::size_t(index)];
            if (y >= row.y && y < row.y + row.height)
                return band.alertId;
        }
    }
    return 0;
}

int HitTester::gutterRowAt(const QPoint &pos) const
{
    if (pos.x() >= GutterWidth || pos.y() < RulerHeight)
        return -1;
    return m_controller.layout().rowAt(pos.y() - RulerHeight + m_controller.scrollY());
}

} // namespace Taskscope::Ui::Timeline
