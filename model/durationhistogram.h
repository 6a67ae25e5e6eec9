#pragma once

#include <QtGlobal>

#include <span>
#include <vector>

namespace Taskscope::Model {

/// How many durations fall in each log-scale bucket. The edges follow a 1-2-5 series (… 1 µs, 2 µs,
/// 5 µs, 10 µs …), three buckets per decade, so every edge reads as a round number. Only the
/// buckets from the shortest to the longest duration are kept (empty ones between them included),
/// so the memory is a few dozen counters whatever the number of durations.
class DurationHistogram final
{
public:
    struct Bucket
    {
        qint64 lowNs = 0; ///< inclusive
        qint64 highNs = 0; ///< exclusive
        quint64 count = 0;
    };

    /// Counts `durationsNs` (any order; negative ones count as 0).
    static DurationHistogram fromDurations(std::span<const qint64> durationsNs);

    const std::vector<Bucket> &buckets() const { return m_buckets; }
    quint64 total() const { return m_total; }
    quint64 maxCount() const;
    bool isEmpty() const { return m_total == 0; }

    /// The bucket holding `ns`: 0 is [0, 1 ns), 1 is [1, 2 ns), 2 is [2, 5 ns), 3 is [5, 10 ns), …
    static int bucketIndex(qint64 ns);
    /// The lower edge of bucket `index`.
    static qint64 bucketLow(int index);

private:
    std::vector<Bucket> m_buckets;
    quint64 m_total = 0;
};

} // namespace Taskscope::Model
