#include "model/rangestatistics.h"

#include "model/trace/tracenames.h"
#include "model/trace/tracestore.h"

#include <QHash>

#include <algorithm>
#include <cmath>

using Taskscope::Trace::LaneId;
using Taskscope::Trace::NoLane;
using Taskscope::Trace::SpanKind;
using Taskscope::Trace::StoredSpan;
using Taskscope::Trace::TraceNames;
using Taskscope::Trace::TraceStore;

namespace Taskscope::Model {

namespace {

QString labelOf(const StoredSpan &span)
{
    switch (span.kind) {
    case SpanKind::CoroutineRunning:
        return QStringLiteral("coroutine running");
    case SpanKind::CoroutineReady:
        return QStringLiteral("coroutine ready (waiting for its event loop)");
    case SpanKind::CoroutineSuspended:
        return span.name ? QStringLiteral("suspended: %1").arg(TraceNames::name(span.name))
                         : QStringLiteral("coroutine suspended");
    case SpanKind::Alert:
        return QStringLiteral("alert: %1").arg(TraceNames::name(span.name));
    default:
        break;
    }
    const QString name = TraceNames::name(span.name);
    return name.isEmpty() ? QStringLiteral("(unnamed span)") : name;
}

} // namespace

qint64 RangeStatistics::quantile(const std::vector<qint64> &sorted, double q)
{
    if (sorted.empty())
        return 0;
    const double rank = std::ceil(std::clamp(q, 0.0, 1.0) * double(sorted.size()));
    const std::size_t index = std::size_t(std::max(1.0, rank)) - 1;
    return sorted[std::min(index, sorted.size() - 1)];
}

RangeStatistics::Result RangeStatistics::compute(const TraceStore &store, std::span<const LaneId> lanes, qint64 startNs,
                                                 qint64 endNs, std::size_t maxSpans)
{
    Result result;
    result.startNs = startNs;
    result.endNs = endNs;
    if (endNs <= startNs)
        return result;

    // Spans are keyed by (kind, name) while collecting; labels are made once per key at the end.
    struct Bucket
    {
        StoredSpan sample;
        std::vector<qint64> durations;
        qint64 totalNs = 0;
        int lanes = 0;
        LaneId lastLane = NoLane;
    };
    QHash<quint64, std::size_t> index;
    std::vector<Bucket> buckets;
    const qint64 lastNs = store.lastNs();
    for (const LaneId lane : lanes) {
        if (result.truncated)
            break;
        bool laneCounted = false;
        store.forEachSpan(lane, startNs, endNs, [&](int, const StoredSpan &span) {
            if (span.startNs < startNs || span.startNs >= endNs || span.kind == SpanKind::ThreadRunsCoroutine)
                return;
            if (result.spans >= maxSpans) {
                result.truncated = true;
                return;
            }
            const quint64 key = (quint64(span.kind) << 32) | span.name;
            auto it = index.constFind(key);
            if (it == index.cend()) {
                it = index.insert(key, buckets.size());
                buckets.push_back(Bucket {span, {}, 0, 0, NoLane});
            }
            Bucket &b = buckets[*it];
            const qint64 end = span.isOpen() ? std::max(lastNs, span.startNs) : span.endNs;
            b.durations.push_back(end - span.startNs);
            b.totalNs += end - span.startNs;
            if (b.lastLane != lane) {
                b.lastLane = lane;
                ++b.lanes;
            }
            ++result.spans;
            laneCounted = true;
        });
        if (laneCounted)
            ++result.lanes;
    }

    // Two keys can share a label (an unnamed span and one named "(unnamed span)"): merge them.
    QHash<QString, std::size_t> rowOf;
    std::vector<std::vector<qint64>> merged;
    for (Bucket &b : buckets) {
        const QString label = labelOf(b.sample);
        auto it = rowOf.constFind(label);
        if (it == rowOf.cend()) {
            it = rowOf.insert(label, result.rows.size());
            result.rows.push_back(Row {label, 0, 0, 0, 0, 0, 0, 0, {}});
            merged.emplace_back();
        }
        Row &row = result.rows[*it];
        row.totalNs += b.totalNs;
        row.lanes += b.lanes;
        std::vector<qint64> &all = merged[*it];
        all.insert(all.end(), b.durations.begin(), b.durations.end());
    }
    for (std::size_t i = 0; i < result.rows.size(); ++i) {
        std::vector<qint64> &d = merged[i];
        std::sort(d.begin(), d.end());
        Row &row = result.rows[i];
        row.count = d.size();
        row.minNs = d.front();
        row.maxNs = d.back();
        row.p50Ns = quantile(d, 0.50);
        row.p99Ns = quantile(d, 0.99);
        row.histogram = DurationHistogram::fromDurations(d);
    }
    std::sort(result.rows.begin(), result.rows.end(), [](const Row &a, const Row &b) {
        return a.totalNs != b.totalNs ? a.totalNs > b.totalNs : a.name < b.name;
    });
    return result;
}

} // namespace Taskscope::Model
