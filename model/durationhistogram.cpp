#include "model/durationhistogram.h"

#include <algorithm>
#include <limits>

namespace Taskscope::Model {

namespace {

// Bucket index 1 + 3k + s has its lower edge at {1, 2, 5}[s] · 10^k ns. Past 10^18 ns (31 years)
// the next edge would overflow: the last bucket is open-ended.
constexpr int Steps[] = {1, 2, 5};
constexpr int LastIndex = 1 + 3 * 18 + 2;

} // namespace

int DurationHistogram::bucketIndex(qint64 ns)
{
    if (ns < 1)
        return 0;
    int decade = 0;
    qint64 scale = 1;
    while (decade < 18 && ns / scale >= 10) {
        scale *= 10;
        ++decade;
    }
    const qint64 mantissa = ns / scale;
    const int step = mantissa >= 5 ? 2 : mantissa >= 2 ? 1 : 0;
    return std::min(LastIndex, 1 + 3 * decade + step);
}

qint64 DurationHistogram::bucketLow(int index)
{
    if (index <= 0)
        return 0;
    index = std::min(index, LastIndex);
    qint64 scale = 1;
    for (int decade = 0; decade < (index - 1) / 3; ++decade)
        scale *= 10;
    return Steps[(index - 1) % 3] * scale;
}

DurationHistogram DurationHistogram::fromDurations(std::span<const qint64> durationsNs)
{
    DurationHistogram h;
    if (durationsNs.empty())
        return h;
    const auto [lo, hi] = std::minmax_element(durationsNs.begin(), durationsNs.end());
    const int first = bucketIndex(*lo);
    const int last = bucketIndex(*hi);
    h.m_buckets.resize(std::size_t(last - first + 1));
    for (int i = first; i <= last; ++i) {
        Bucket &b = h.m_buckets[std::size_t(i - first)];
        b.lowNs = bucketLow(i);
        b.highNs = i == LastIndex ? std::numeric_limits<qint64>::max() : bucketLow(i + 1);
    }
    for (const qint64 ns : durationsNs)
        ++h.m_buckets[std::size_t(bucketIndex(ns) - first)].count;
    h.m_total = durationsNs.size();
    return h;
}

quint64 DurationHistogram::maxCount() const
{
    quint64 most = 0;
    for (const Bucket &b : m_buckets)
        most = std::max(most, b.count);
    return most;
}

} // namespace Taskscope::Model
