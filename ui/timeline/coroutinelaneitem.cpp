#include "ui/timeline/coroutinelaneitem.h"

#include "model/trace/tracenames.h"
#include "ui/timelinepalette.h"

#include <cmath>

using Taskscope::Trace::NameId;
using Taskscope::Trace::SpanItem;
using Taskscope::Trace::SpanKind;
using Taskscope::Trace::TraceNames;

namespace Taskscope::Ui::Timeline {

namespace {

NameId stateName(SpanKind kind)
{
    static const NameId running = TraceNames::intern(QStringLiteral("running"));
    static const NameId suspended = TraceNames::intern(QStringLiteral("suspended"));
    static const NameId ready = TraceNames::intern(QStringLiteral("ready"));
    switch (kind) {
    case SpanKind::CoroutineRunning:
        return running;
    case SpanKind::CoroutineReady:
        return ready;
    default:
        return suspended;
    }
}

} // namespace

void CoroutineLaneItem::paint(PaintContext &ctx, QPainter &, const TimelineRow &row, int top)
{
    paintSpans(ctx, row, top, [&ctx](const SpanItem &item, const QRectF &rect, int foldHue) {
        styleSegment(ctx, item, rect, foldHue);
    });
    paintInstants(ctx, row, top);
}

void CoroutineLaneItem::styleSegment(PaintContext &ctx, const SpanItem &item, const QRectF &rect, int foldHue)
{
    SpanBatch &batch = ctx.batch;
    // Most segments in a coarse view are folds: name the state only where a label may be drawn.
    const auto label = [&item] { return item.name ? item.name : stateName(item.kind); };
    switch (item.kind) {
    case SpanKind::Folded:
        if (item.hasStateShares())
            stackedFold(batch, item, rect);
        else
            plainSpan(ctx, item, rect, foldHue);
        break;
    case SpanKind::CoroutineRunning:
        batch.addRect(SpanBatch::RunningBucket, rect);
        batch.addLabel(rect, label(), QColor(255, 255, 255));
        break;
    case SpanKind::CoroutineSuspended:
        batch.addRect(SpanBatch::SuspendedBucket, rect);
        batch.addLabel(rect, label(), ctx.palette.text());
        break;
    case SpanKind::CoroutineReady:
        batch.addRect(SpanBatch::ReadyBucket, rect);
        batch.addLabel(rect, label(), QColor(0x22, 0x1a, 0x08));
        break;
    default:
        plainSpan(ctx, item, rect, foldHue);
        break;
    }
}

void CoroutineLaneItem::stackedFold(SpanBatch &batch, const SpanItem &item, const QRectF &rect)
{
    // A folded cell shows the share of each state as a stack: running at the bottom, ready above it,
    // suspended on top. Shares are rounded to tenths of the height, so neighbouring cells of a
    // steady lane come out equal and merge into one rectangle per state.
    const auto tenths = [](int share) { return std::round(10.0 * share / SpanItem::ShareScale) / 10.0; };
    const double h = rect.height();
    const double running = std::round(h * tenths(item.runningShare));
    const double ready = std::min(h - running, std::round(h * tenths(item.readyShare)));
    const double suspended = h - running - ready;
    double y = rect.top();
    if (suspended > 0)
        batch.addRect(SpanBatch::FoldedSuspendedBucket, QRectF(rect.left(), y, rect.width(), suspended));
    y += suspended;
    if (ready > 0)
        batch.addRect(SpanBatch::FoldedReadyBucket, QRectF(rect.left(), y, rect.width(), ready));
    y += ready;
    if (running > 0)
        batch.addRect(SpanBatch::FoldedRunningBucket, QRectF(rect.left(), y, rect.width(), running));
    batch.addFoldLabel(rect, item.count);
}

} // namespace Taskscope::Ui::Timeline
