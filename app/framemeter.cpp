#include "app/framemeter.h"

namespace {

QJsonObject histogramMs(const LatencyHistogram &h)
{
    const QList<quint64> p = h.percentiles({50, 90, 99});
    return QJsonObject {{QStringLiteral("count"), double(h.count())},
                        {QStringLiteral("p50"), double(p.value(0)) / 1e6},
                        {QStringLiteral("p90"), double(p.value(1)) / 1e6},
                        {QStringLiteral("p99"), double(p.value(2)) / 1e6},
                        {QStringLiteral("max"), double(h.max()) / 1e6},
                        {QStringLiteral("mean"), h.mean() / 1e6}};
}

} // namespace

void FrameMeter::frame(qint64 nowNs)
{
    if (m_lastNs > 0 && nowNs > m_lastNs) {
        const qint64 interval = nowNs - m_lastNs;
        m_intervals.record(interval);
        if (interval > 33'333'333)
            ++m_long;
    }
    m_lastNs = nowNs;
}

void FrameMeter::paint(qint64 paintNs)
{
    m_paints.record(paintNs);
}

void FrameMeter::reset()
{
    m_intervals.reset();
    m_paints.reset();
    m_long = 0;
    m_lastNs = 0;
}

QJsonObject FrameMeter::toJson() const
{
    return QJsonObject {{QStringLiteral("frames"), double(m_intervals.count())},
                        {QStringLiteral("intervalMs"), histogramMs(m_intervals)},
                        {QStringLiteral("paintMs"), histogramMs(m_paints)},
                        {QStringLiteral("longFrames"), double(m_long)}};
}

QString FrameMeter::describe() const
{
    const QList<quint64> p = m_intervals.percentiles({50, 99});
    const auto ms = [](quint64 ns) { return QString::number(double(ns) / 1e6, 'f', 1); };
    return QStringLiteral("frame interval p50 %1 ms · p99 %2 ms · max %3 ms over %4 frames (%5 longer than 33 ms) · paint p50 %6 ms · p99 %7 ms")
        .arg(ms(p.value(0)), ms(p.value(1)), ms(m_intervals.max()))
        .arg(m_intervals.count())
        .arg(m_long)
        .arg(ms(m_paints.p50()), ms(m_paints.p99()));
}
