#include "model/latencyhistogram.h"

#include <QJsonValue>

#include <algorithm>
#include <bit>
#include <cmath>

namespace Taskscope::Model {

namespace {

constexpr int SubBuckets = 1 << LatencyHistogram::SubBucketBits;

// Octave of a value: 0 for values below 2 * SubBuckets (counted exactly), then one per power of two.
inline int octave(quint64 value)
{
    const int msb = 63 - std::countl_zero(value | 1);
    return std::max(0, msb - LatencyHistogram::SubBucketBits);
}

} // namespace

int LatencyHistogram::bucketIndex(quint64 value)
{
    const int e = octave(value);
    return e * SubBuckets + int(value >> e);
}

quint64 LatencyHistogram::bucketLowerBound(int index)
{
    const int e = std::max(0, index / SubBuckets - 1);
    return quint64(index - e * SubBuckets) << e;
}

quint64 LatencyHistogram::bucketWidth(int index)
{
    return quint64(1) << std::max(0, index / SubBuckets - 1);
}

void LatencyHistogram::recordCount(qint64 value, quint64 count)
{
    if (count == 0)
        return;
    if (value < 0) {
        m_clampedNegative += count;
        value = 0;
    }
    const quint64 v = quint64(value);
    const int index = bucketIndex(v);
    if (m_counts.isEmpty()) {
        m_firstIndex = index;
        m_counts.resize(1);
        m_min = v;
        m_max = v;
    } else if (index < m_firstIndex) {
        m_counts.insert(0, m_firstIndex - index, 0);
        m_firstIndex = index;
    } else if (index >= m_firstIndex + m_counts.size()) {
        m_counts.resize(index - m_firstIndex + 1);
    }
    m_counts[index - m_firstIndex] += count;
    m_count += count;
    m_min = std::min(m_min, v);
    m_max = std::max(m_max, v);
    m_sum += double(v) * double(count);
}

void LatencyHistogram::merge(const LatencyHistogram &other)
{
    if (other.m_count == 0)
        return;
    if (m_count == 0) {
        *this = other;
        return;
    }
    const int first = std::min(m_firstIndex, other.m_firstIndex);
    const int last = std::max(m_firstIndex + int(m_counts.size()), other.m_firstIndex + int(other.m_counts.size()));
    if (first < m_firstIndex)
        m_counts.insert(0, m_firstIndex - first, 0);
    m_firstIndex = first;
    m_counts.resize(last - first);
    for (qsizetype i = 0; i < other.m_counts.size(); ++i)
        m_counts[other.m_firstIndex - first + i] += other.m_counts[i];
    m_count += other.m_count;
    m_min = std::min(m_min, other.m_min);
    m_max = std::max(m_max, other.m_max);
    m_sum += other.m_sum;
    m_clampedNegative += other.m_clampedNegative;
}

void LatencyHistogram::reset()
{
    *this = LatencyHistogram();
}

quint64 LatencyHistogram::representative(int index) const
{
    const quint64 low = bucketLowerBound(index);
    const quint64 mid = low + (bucketWidth(index) - 1) / 2;
    return std::clamp(mid, m_min, m_max);
}

QList<quint64> LatencyHistogram::percentiles(const QList<double> &ascendingPercents) const
{
    QList<quint64> values;
    values.reserve(ascendingPercents.size());
    if (m_count == 0) {
        values.resize(ascendingPercents.size(), 0);
        return values;
    }
    qsizetype bucket = 0;
    quint64 cumulative = m_counts.isEmpty() ? 0 : m_counts[0];
    for (const double percent : ascendingPercents) {
        const double p = std::isfinite(percent) ? std::clamp(percent, 0.0, 100.0) : 0.0;
        if (p <= 0) {
            values << m_min;
            continue;
        }
        if (p >= 100) {
            values << m_max;
            continue;
        }
        // Nearest rank: the smallest value with at least p % of the values at or below it.
        const quint64 rank = std::clamp<quint64>(quint64(std::ceil(p / 100.0 * double(m_count))), 1, m_count);
        while (cumulative < rank && bucket + 1 < m_counts.size())
            cumulative += m_counts[++bucket];
        values << representative(m_firstIndex + int(bucket));
    }
    return values;
}

quint64 LatencyHistogram::percentile(double percent) const
{
    return percentiles({percent}).constFirst();
}

QJsonObject LatencyHistogram::toJson(QStringView unit) const
{
    QJsonObject json;
    json.insert(QStringLiteral("count"), double(m_count));
    const QList<quint64> p = percentiles({50, 90, 95, 99, 99.9});
    const auto stat = [this](double v) { return m_count ? QJsonValue(v) : QJsonValue(QJsonValue::Null); };
    json.insert(QStringLiteral("min"), stat(double(min())));
    json.insert(QStringLiteral("max"), stat(double(max())));
    json.insert(QStringLiteral("mean"), stat(mean()));
    json.insert(QStringLiteral("p50"), stat(double(p[0])));
    json.insert(QStringLiteral("p90"), stat(double(p[1])));
    json.insert(QStringLiteral("p95"), stat(double(p[2])));
    json.insert(QStringLiteral("p99"), stat(double(p[3])));
    json.insert(QStringLiteral("p999"), stat(double(p[4])));
    json.insert(QStringLiteral("max_relative_error"), MaxRelativeError);
    if (m_clampedNegative)
        json.insert(QStringLiteral("clamped_negative"), double(m_clampedNegative));
    if (!unit.isEmpty())
        json.insert(QStringLiteral("unit"), unit.toString());
    return json;
}

} // namespace Taskscope::Model
