#include "ui/timeline/aggregatelaneitem.h"

#include "ui/timeline/geometry.h"
#include "ui/timeline/paintcontext.h"
#include "ui/timeline/painthelpers.h"
#include "ui/timelinelayout.h"
#include "ui/timelinepalette.h"
#include "ui/timelineviewport.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

using Taskscope::Trace::LaneId;
using Taskscope::Trace::LaneInfo;
using Taskscope::Trace::LaneKind;
using Taskscope::Trace::SpanItem;
using Taskscope::Trace::SpanKind;

namespace Taskscope::Ui::Timeline {

void AggregateLaneItem::paint(PaintContext &ctx, QPainter &p, const TimelineRow &row, int top)
{
    Density &d = m_density[row.key];
    computeDensity(ctx, row, d, m_items);
    drawColumns(ctx, p, row, top, d);
    p.setFont(ctx.fonts.small);
    const QString peakText = QStringLiteral("peak %1 %2 in view%3")
                                 .arg(d.peakAlive)
                                 .arg(row.kind == LaneKind::Coroutine ? QStringLiteral("alive")
                                                                      : QStringLiteral("busy"))
                                 .arg(d.truncated ? QStringLiteral(" (sampled)") : QString());
    drawPlateText(p, ctx.palette, QPointF(GutterWidth + 6, top + 12), peakText);
    p.setFont(ctx.fonts.normal);
}

std::optional<AggregateLaneItem::Column> AggregateLaneItem::columnAt(const QString &groupKey, int x) const
{
    const auto it = m_density.constFind(groupKey);
    if (it == m_density.cend() || x < 0 || x >= int(it->alive.size()))
        return std::nullopt;
    return Column {qRound(it->alive[std::size_t(x)]), qRound(it->running[std::size_t(x)]),
                   qRound(it->ready[std::size_t(x)])};
}

void AggregateLaneItem::computeDensity(const PaintContext &ctx, const TimelineRow &row, Density &d,
                                       std::vector<SpanItem> &scratch)
{
    const TimelineViewport &vp = ctx.viewport;
    const int w = vp.width();
    d.alive.assign(std::size_t(w), 0.f);
    d.running.assign(std::size_t(w), 0.f);
    d.ready.assign(std::size_t(w), 0.f);
    d.peakAlive = 0;
    d.truncated = false;
    const double t0 = vp.startNs();
    const double t1 = vp.endNs();
    const double nsPerPx = vp.nsPerPx();
    // Differences per column, summed once at the end: each span costs two writes, not its width.
    std::vector<float> aliveDiff(std::size_t(w) + 1, 0.f), runDiff(std::size_t(w) + 1, 0.f),
        readyDiff(std::size_t(w) + 1, 0.f);
    const auto add = [](std::vector<float> &diff, int x0, int x1, float weight = 1.f) {
        diff[std::size_t(x0)] += weight;
        diff[std::size_t(x1)] -= weight;
    };
    int queried = 0;
    for (const LaneId lane : ctx.layout.members(row)) {
        const LaneInfo info = ctx.store.lane(lane);
        // Registry lanes know their lifetime: skip the ones that do not touch the view cheaply.
        if (info.endedNs >= 0 && double(info.endedNs) < t0)
            continue;
        if (info.createdNs > 0 && double(info.createdNs) > t1)
            continue;
        if (++queried > MaxGroupLanesPerPaint) {
            d.truncated = true;
            break;
        }
        scratch.clear();
        ctx.store.querySpans(lane, qint64(std::floor(t0)), qint64(std::ceil(t1)) + 1, nsPerPx, scratch, 1.0);
        for (const SpanItem &item : scratch) {
            if (item.depth != 0)
                continue;
            const int x0 = std::clamp(int(std::floor((double(item.startNs) - t0) / nsPerPx)), 0, w);
            const int x1 = std::clamp(int(std::ceil((double(item.endNs) - t0) / nsPerPx)), x0 + 1, w);
            if (x0 >= w)
                continue;
            add(aliveDiff, x0, x1);
            if (item.hasStateShares()) {
                // A fold counts by each state's share of its time, not as one state.
                add(runDiff, x0, x1, float(item.runningShare) / SpanItem::ShareScale);
                add(readyDiff, x0, x1, float(item.readyShare) / SpanItem::ShareScale);
                continue;
            }
            const SpanKind kind = item.kind == SpanKind::Folded ? item.foldedKind : item.kind;
            if (kind == SpanKind::CoroutineRunning)
                add(runDiff, x0, x1);
            else if (kind == SpanKind::CoroutineReady)
                add(readyDiff, x0, x1);
        }
    }
    float a = 0, r = 0, q = 0;
    for (int x = 0; x < w; ++x) {
        a += aliveDiff[std::size_t(x)];
        r += runDiff[std::size_t(x)];
        q += readyDiff[std::size_t(x)];
        d.alive[std::size_t(x)] = a;
        d.running[std::size_t(x)] = r;
        d.ready[std::size_t(x)] = q;
        d.peakAlive = std::max(d.peakAlive, int(a + 0.5f));
    }
}

void AggregateLaneItem::drawColumns(PaintContext &ctx, QPainter &p, const TimelineRow &row, int top, const Density &d)
{
    const int w = ctx.viewport.width();
    const double bottom = top + row.height - 3;
    const double areaH = row.height - 8;
    const double peak = std::max(1, d.peakAlive);
    // Three stacked bars per pixel column: running (bottom), ready, then the suspended rest.
    // Runs of equal columns merge into one rectangle, and each colour is one fill call.
    std::vector<QRectF> &runningRects = m_rects[0];
    std::vector<QRectF> &readyRects = m_rects[1];
    std::vector<QRectF> &aliveRects = m_rects[2];
    runningRects.clear();
    readyRects.clear();
    aliveRects.clear();
    const auto heightOf = [&](float v) { return std::round(areaH * double(v) / peak); };
    int x = 0;
    while (x < w) {
        const double hr = heightOf(d.running[std::size_t(x)]);
        const double hq = heightOf(d.running[std::size_t(x)] + d.ready[std::size_t(x)]);
        const double ha = heightOf(d.alive[std::size_t(x)]);
        int end = x + 1;
        while (end < w && heightOf(d.running[std::size_t(end)]) == hr
               && heightOf(d.running[std::size_t(end)] + d.ready[std::size_t(end)]) == hq
               && heightOf(d.alive[std::size_t(end)]) == ha)
            ++end;
        const double x0 = GutterWidth + x;
        const double span = end - x;
        if (ha > hq)
            aliveRects.push_back(QRectF(x0, bottom - ha, span, ha - hq));
        if (hq > hr)
            readyRects.push_back(QRectF(x0, bottom - hq, span, hq - hr));
        if (hr > 0)
            runningRects.push_back(QRectF(x0, bottom - hr, span, hr));
        x = end;
    }
    p.setPen(Qt::NoPen);
    p.setBrush(ctx.palette.suspendedFill());
    p.drawRects(aliveRects.data(), int(aliveRects.size()));
    p.setBrush(TimelinePalette::ready());
    p.drawRects(readyRects.data(), int(readyRects.size()));
    p.setBrush(TimelinePalette::running());
    p.drawRects(runningRects.data(), int(runningRects.size()));
}

} // namespace Taskscope::Ui::Timeline
