#pragma once

#include "model/durationhistogram.h"
#include "model/trace/tracetypes.h"

#include <QString>

#include <span>
#include <vector>

namespace Taskscope::Trace {
class TraceStore;
} // namespace Taskscope::Trace

namespace Taskscope::Model {

/// Per-name figures of the spans that start inside a time range: how many, their total and the
/// spread of their durations (quantiles and a log-scale histogram). Coroutine segments count by state ("suspended:
/// QTimer 20 ms", "ready", "running"), alerts by name; a coroutine's running segment mirrored on a thread's lane is not
/// counted twice. Bounded: past maxSpans the rest is left out and `truncated` says so.
class RangeStatistics final
{
public:
    static constexpr std::size_t DefaultMaxSpans = 2'000'000;

    struct Row
    {
        QString name; ///< what the spans are (a span's name, or a coroutine state)
        quint64 count = 0;
        qint64 totalNs = 0;
        qint64 minNs = 0;
        qint64 p50Ns = 0;
        qint64 p99Ns = 0;
        qint64 maxNs = 0;
        int lanes = 0; ///< lanes the spans were on
        DurationHistogram histogram; ///< how the durations spread, log-scale
    };
    struct Result
    {
        qint64 startNs = 0;
        qint64 endNs = 0;
        quint64 spans = 0;
        int lanes = 0; ///< lanes with at least one span in the range
        bool truncated = false;
        std::vector<Row> rows; ///< by total time, largest first
    };

    /// The statistics of `lanes` over [startNs, endNs).
    static Result compute(const Trace::TraceStore &store, std::span<const Trace::LaneId> lanes, qint64 startNs,
                          qint64 endNs, std::size_t maxSpans = DefaultMaxSpans);
    /// The value at quantile q (0..1) of sorted durations, nearest-rank.
    static qint64 quantile(const std::vector<qint64> &sorted, double q);
};

} // namespace Taskscope::Model
