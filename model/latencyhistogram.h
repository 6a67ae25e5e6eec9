#pragma once

#include <QJsonObject>
#include <QList>
#include <QStringView>

namespace Taskscope::Model {

// Bounded-memory latency statistics over non-negative integers (nanoseconds or microseconds; the
// histogram does not care, the caller names the unit in toJson()).
//
// Buckets are log-linear (HDR-histogram style): values below 128 are counted exactly; above that each
// power of two is split into 64 equal buckets, so a bucket is never wider than 1/64 of its lower bound.
// A percentile is reported as its bucket's midpoint, clamped to the exact min and max, so its relative
// error is at most 1/128 (0.78 %). count, min, max and mean are exact. Memory is one 64-bit counter per
// bucket between the smallest and the largest value seen: about 64 counters per factor of two of
// spread (e.g. 1.3 KiB for values between 1 ms and 5 ms in ns, at most 30 KiB for the full 64-bit range).
// Histograms merge exactly (for aggregating streams). Not thread-safe: one writer, or merge copies.
class LatencyHistogram
{
public:
    static constexpr int SubBucketBits = 6;
    static constexpr double MaxRelativeError = 1.0 / (2 << SubBucketBits);

    // Negative values are recorded as 0 and counted in clampedNegativeCount().
    void record(qint64 value) { recordCount(value, 1); }
    void recordCount(qint64 value, quint64 count);
    void merge(const LatencyHistogram &other);
    void reset();

    quint64 count() const { return m_count; }
    bool isEmpty() const { return m_count == 0; }
    quint64 min() const { return m_count ? m_min : 0; }
    quint64 max() const { return m_count ? m_max : 0; }
    double mean() const { return m_count ? m_sum / double(m_count) : 0.0; }
    quint64 clampedNegativeCount() const { return m_clampedNegative; }

    // The nearest-rank percentile (percent in [0, 100]; 0 gives min, 100 gives max), 0 when empty.
    quint64 percentile(double percent) const;
    // Several percentiles in one pass over the buckets; percents must be ascending.
    QList<quint64> percentiles(const QList<double> &ascendingPercents) const;

    quint64 p50() const { return percentile(50); }
    quint64 p90() const { return percentile(90); }
    quint64 p95() const { return percentile(95); }
    quint64 p99() const { return percentile(99); }
    quint64 p999() const { return percentile(99.9); }

    // {"count","min","max","mean","p50","p90","p95","p99","p999","max_relative_error"[,"unit"]};
    // the statistics are null when the histogram is empty.
    QJsonObject toJson(QStringView unit = {}) const;

    // Counters currently allocated (for memory accounting).
    qsizetype bucketCount() const { return m_counts.size(); }

    static int bucketIndex(quint64 value);
    static quint64 bucketLowerBound(int index);
    static quint64 bucketWidth(int index);

private:
    quint64 representative(int index) const;

    QList<quint64> m_counts; // counts for bucket indexes m_firstIndex, m_firstIndex + 1, ...
    int m_firstIndex = 0;
    quint64 m_count = 0;
    quint64 m_min = 0;
    quint64 m_max = 0;
    double m_sum = 0;
    quint64 m_clampedNegative = 0;
};

} // namespace Taskscope::Model
