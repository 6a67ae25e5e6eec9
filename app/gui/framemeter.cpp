#include "app/gui/framemeter.h"

#include <algorithm>

using Taskscope::Model::LatencyHistogram;

namespace Taskscope::Gui {

namespace {

QJsonObject histogramMs(const LatencyHistogram &h)
{
    const QList<quint64> p = h.percentiles({50, 90, 99});
    return QJsonObject {
        {QStringLiteral("count"), double(h.count())},      {QStringLiteral("p50"), double(p.value(0)) / 1e6},
        {QStringLiteral("p90"), double(p.value(1)) / 1e6}, {QStringLiteral("p99"), double(p.value(2)) / 1e6},
        {QStringLiteral("max"), double(h.max()) / 1e6},    {QStringLiteral("mean"), h.mean() / 1e6}};
}

} // namespace

FrameMeter::FrameMeter(qint64 periodNs)
    : m_periodNs(periodNs)
{
}

void FrameMeter::frame(qint64 nowNs)
{
    // When this tick was due, rescheduled as Qt does a precise timer: the next expiry is one
    // period after the previous one, or one period after the previous activation when the loop
    // fell more than a period behind.
    if (m_lastNs <= 0) {
        m_dueNs = nowNs;
    } else {
        qint64 due = m_dueNs + m_periodNs;
        if (due < m_lastNs)
            due = m_lastNs + m_periodNs;
        m_dueNs = std::min(due, nowNs);
    }
    m_open = true;
    if (m_lastNs > 0 && nowNs > m_lastNs) {
        const qint64 interval = nowNs - m_lastNs;
        m_intervals.record(interval);
        if (interval > 33'333'333)
            ++m_long;
    }
    m_lastNs = nowNs;
}

void FrameMeter::presented(qint64 nowNs)
{
    if (!m_open || nowNs < m_dueNs)
        return;
    m_open = false;
    const qint64 frameNs = nowNs - m_dueNs;
    m_frameTimes.record(frameNs);
    if (frameNs > 16'666'667)
        ++m_overBudget;
}

void FrameMeter::paint(qint64 paintNs)
{
    m_paints.record(paintNs);
}

void FrameMeter::reset()
{
    m_frameTimes.reset();
    m_intervals.reset();
    m_paints.reset();
    m_long = 0;
    m_overBudget = 0;
    m_lastNs = 0;
    m_dueNs = 0;
    m_open = false;
}

QJsonObject FrameMeter::toJson() const
{
    return QJsonObject {{QStringLiteral("frames"), double(m_frameTimes.count())},
                        {QStringLiteral("frameTimeMs"), histogramMs(m_frameTimes)},
                        {QStringLiteral("overBudgetFrames"), double(m_overBudget)},
                        {QStringLiteral("ticks"), double(m_intervals.count())},
                        {QStringLiteral("intervalMs"), histogramMs(m_intervals)},
                        {QStringLiteral("paintMs"), histogramMs(m_paints)},
                        {QStringLiteral("longFrames"), double(m_long)}};
}

QString FrameMeter::describe() const
{
    const QList<quint64> f = m_frameTimes.percentiles({50, 99});
    const QList<quint64> p = m_intervals.percentiles({50, 99});
    const auto ms = [](quint64 ns) { return QString::number(double(ns) / 1e6, 'f', 1); };
    return QStringLiteral(
               "frame time p50 %1 ms · p99 %2 ms · max %3 ms over %4 frames (%5 over 16.7 ms) · "
               "tick interval p50 %6 ms · p99 %7 ms · max %8 ms (%9 longer than 33 ms) · paint p50 %10 ms · p99 %11 ms")
        .arg(ms(f.value(0)), ms(f.value(1)), ms(m_frameTimes.max()))
        .arg(m_frameTimes.count())
        .arg(m_overBudget)
        .arg(ms(p.value(0)), ms(p.value(1)), ms(m_intervals.max()))
        .arg(m_long)
        .arg(ms(m_paints.p50()), ms(m_paints.p99()));
}

} // namespace Taskscope::Gui
