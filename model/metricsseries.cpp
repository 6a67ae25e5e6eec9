#include "model/metricsseries.h"

#include <algorithm>
#include <cmath>

namespace Taskscope::Model {

MetricsSeries::MetricsSeries(QObject *parent)
    : QObject(parent)
{
}

int MetricsSeries::indexOf(const QString &name) const
{
    for (std::size_t i = 0; i < m_series.size(); ++i) {
        if (m_series[i].name == name)
            return int(i);
    }
    return -1;
}

template<typename Visit>
void MetricsSeries::forEach(const Series &series, Visit visit)
{
    const std::size_t n = series.ring.size();
    for (std::size_t i = 0; i < n; ++i)
        visit(series.ring[(series.head + i) % n]);
}

bool MetricsSeries::add(const QString &name, qint64 ns, double value)
{
    if (!std::isfinite(value)) {
        ++m_dropped;
        return false;
    }
    int index = indexOf(name);
    if (index < 0) {
        if (int(m_series.size()) >= MaxSeries) {
            ++m_dropped;
            return false;
        }
        m_series.push_back(Series {name, {}, 0, 0, std::numeric_limits<qint64>::min()});
        index = int(m_series.size()) - 1;
        Q_EMIT seriesAdded(m_series.back().name);
    }
    Series &series = m_series[std::size_t(index)];
    if (ns < series.lastNs) {
        ++m_dropped;
        return false;
    }
    series.lastNs = ns;
    if (int(series.ring.size()) < m_capacity) {
        series.ring.push_back(Sample {ns, value});
    } else {
        series.ring[series.head] = Sample {ns, value};
        series.head = (series.head + 1) % series.ring.size();
        ++m_dropped;
    }
    ++series.revision;
    ++m_revision;
    return true;
}

void MetricsSeries::clear()
{
    m_series.clear();
    ++m_revision;
}

quint64 MetricsSeries::dropBefore(qint64 ns)
{
    quint64 dropped = 0;
    for (Series &series : m_series) {
        std::vector<Sample> kept;
        kept.reserve(series.ring.size());
        forEach(series, [&](const Sample &s) {
            if (s.ns >= ns)
                kept.push_back(s);
        });
        const std::size_t gone = series.ring.size() - kept.size();
        if (gone == 0)
            continue;
        dropped += gone;
        series.ring = std::move(kept);
        series.head = 0;
        ++series.revision;
    }
    if (dropped) {
        m_dropped += dropped;
        ++m_revision;
    }
    return dropped;
}

QStringList MetricsSeries::names() const
{
    QStringList list;
    list.reserve(qsizetype(m_series.size()));
    for (const Series &series : m_series)
        list.append(series.name);
    return list;
}

QList<MetricsSeries::Sample> MetricsSeries::samples(const QString &name, qint64 fromNs) const
{
    QList<Sample> out;
    const int index = indexOf(name);
    if (index < 0)
        return out;
    const Series &series = m_series[std::size_t(index)];
    out.reserve(qsizetype(series.ring.size()));
    forEach(series, [&](const Sample &s) {
        if (s.ns >= fromNs)
            out.append(s);
    });
    return out;
}

MetricsSeries::Summary MetricsSeries::summary(const QString &name) const
{
    Summary summary;
    const int index = indexOf(name);
    if (index < 0 || m_series[std::size_t(index)].ring.empty())
        return summary;
    double sum = 0;
    summary.min = std::numeric_limits<double>::max();
    summary.max = std::numeric_limits<double>::lowest();
    forEach(m_series[std::size_t(index)], [&](const Sample &s) {
        ++summary.count;
        sum += s.value;
        summary.min = std::min(summary.min, s.value);
        summary.max = std::max(summary.max, s.value);
        summary.last = s.value;
    });
    summary.mean = sum / double(summary.count);
    return summary;
}

quint64 MetricsSeries::revision(const QString &name) const
{
    const int index = indexOf(name);
    return index < 0 ? 0 : m_series[std::size_t(index)].revision;
}

void MetricsSeries::setCapacity(int samplesPerSeries)
{
    m_capacity = std::max(samplesPerSeries, 2);
    for (Series &series : m_series) {
        if (int(series.ring.size()) <= m_capacity && series.head == 0)
            continue;
        // Linearize (a full ring that may now grow must append at its end) and trim the oldest.
        std::vector<Sample> kept;
        forEach(series, [&](const Sample &s) { kept.push_back(s); });
        const std::size_t drop = kept.size() > std::size_t(m_capacity) ? kept.size() - std::size_t(m_capacity) : 0;
        m_dropped += drop;
        kept.erase(kept.begin(), kept.begin() + std::ptrdiff_t(drop));
        series.ring = std::move(kept);
        series.head = 0;
    }
}

} // namespace Taskscope::Model
