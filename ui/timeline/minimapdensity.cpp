#include "ui/timeline/minimapdensity.h"

#include "model/trace/tracestore.h"

#include <algorithm>
#include <cmath>

using Taskscope::Trace::AlertBand;
using Taskscope::Trace::LaneId;
using Taskscope::Trace::LaneInfo;
using Taskscope::Trace::LaneKind;
using Taskscope::Trace::SpanItem;
using Taskscope::Trace::SpanKind;
using Taskscope::Trace::StoredSpan;
using Taskscope::Trace::TraceStore;

namespace Taskscope::Ui::Timeline {

namespace {

// The part of a depth-0 item that counts as busy: a coroutine's running time only.
double busyFraction(const SpanItem &item, LaneKind kind)
{
    if (kind != LaneKind::Coroutine)
        return 1.0;
    if (item.kind == SpanKind::Folded && item.hasStateShares())
        return double(item.runningShare) / SpanItem::ShareScale;
    const SpanKind k = item.kind == SpanKind::Folded ? item.foldedKind : item.kind;
    return k == SpanKind::CoroutineRunning ? 1.0 : 0.0;
}

} // namespace

void MinimapDensity::compute(const TraceStore &store, qint64 t0, qint64 t1, int columns)
{
    m_bands.clear();
    m_alerts.assign(std::size_t(std::max(columns, 0)), false);
    m_t0 = t0;
    m_t1 = t1;
    m_columns = std::max(columns, 0);
    if (columns <= 0 || t1 <= t0)
        return;
    const double nsPerColumn = double(t1 - t0) / columns;
    const auto columnOf = [&](qint64 ns) { return (double(ns) - double(t0)) / nsPerColumn; };

    std::vector<SpanItem> items;
    for (const LaneKind kind : {LaneKind::Thread, LaneKind::Stream, LaneKind::Coroutine}) {
        std::vector<LaneId> lanes;
        for (const LaneInfo &info : store.lanes()) {
            if (info.kind == kind && store.depthCount(info.id) > 0)
                lanes.push_back(info.id);
        }
        if (lanes.empty())
            continue;
        Band band;
        band.kind = kind;
        band.lanes = int(lanes.size());
        std::vector<double> covered(std::size_t(columns), 0.0);
        const int sampled = std::min<int>(int(lanes.size()), MaxLanesPerSection);
        for (int s = 0; s < sampled; ++s) {
            const LaneId lane = lanes[std::size_t(qint64(s) * qint64(lanes.size()) / sampled)];
            items.clear();
            store.querySpans(lane, t0, t1, nsPerColumn, items, 1.0);
            for (const SpanItem &item : items) {
                if (item.depth != 0)
                    continue;
                const double fraction = busyFraction(item, kind);
                if (fraction <= 0)
                    continue;
                // Spread the item over the columns it covers, by how much of each it covers.
                const double a = std::max(columnOf(item.startNs), 0.0);
                const double b = std::min(columnOf(item.endNs), double(columns));
                for (int c = int(a); c < columns && c < b; ++c) {
                    const double overlap = std::min(b, double(c + 1)) - std::max(a, double(c));
                    if (overlap > 0)
                        covered[std::size_t(c)] += overlap * fraction;
                }
            }
        }
        band.busy.resize(std::size_t(columns));
        for (int c = 0; c < columns; ++c) {
            band.busy[std::size_t(c)] = float(std::min(1.0, covered[std::size_t(c)] / sampled));
            band.peak = std::max(band.peak, band.busy[std::size_t(c)]);
        }
        m_bands.push_back(std::move(band));
    }

    for (const AlertBand &alert : store.alertBands()) {
        const qint64 end = alert.endNs == StoredSpan::OpenEnd ? store.lastNs() : alert.endNs;
        if (end < t0 || alert.startNs >= t1)
            continue;
        const int a = std::clamp(int(std::floor(columnOf(alert.startNs))), 0, columns - 1);
        const int b = std::clamp(int(std::floor(columnOf(end))), 0, columns - 1);
        for (int c = a; c <= b; ++c)
            m_alerts[std::size_t(c)] = true;
    }
}

} // namespace Taskscope::Ui::Timeline
