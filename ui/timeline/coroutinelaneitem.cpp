#include "ui/timeline/coroutinelaneitem.h"

#include "model/trace/tracenames.h"
#include "ui/timelinepalette.h"

namespace Timeline {

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
        if (item.foldedKind == SpanKind::CoroutineRunning)
            batch.addFold(SpanBatch::FoldedRunningBucket, rect, item.count);
        else if (item.foldedKind == SpanKind::CoroutineSuspended)
            batch.addFold(SpanBatch::FoldedSuspendedBucket, rect, item.count);
        else if (item.foldedKind == SpanKind::CoroutineReady)
            batch.addFold(SpanBatch::FoldedReadyBucket, rect, item.count);
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

} // namespace Timeline
