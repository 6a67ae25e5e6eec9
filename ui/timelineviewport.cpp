#include "ui/timelineviewport.h"

#include <algorithm>
#include <cmath>

namespace Taskscope::Ui {

TimelineViewport::TimelineViewport(double startNs, double nsPerPx, int widthPx)
    : m_startNs(startNs)
    , m_nsPerPx(std::clamp(nsPerPx, MinNsPerPx, MaxNsPerPx))
    , m_width(std::max(widthPx, 1))
{
}

void TimelineViewport::setWidth(int widthPx)
{
    m_width = std::max(widthPx, 1);
}

void TimelineViewport::setRange(double t0, double t1)
{
    if (!(t1 > t0) || !std::isfinite(t0) || !std::isfinite(t1))
        return;
    const double wanted = (t1 - t0) / m_width;
    m_nsPerPx = std::clamp(wanted, MinNsPerPx, MaxNsPerPx);
    const double centre = t0 + (t1 - t0) / 2;
    m_startNs = wanted == m_nsPerPx ? t0 : centre - m_nsPerPx * m_width / 2;
}

void TimelineViewport::zoomAround(double x, double factor)
{
    if (!(factor > 0) || !std::isfinite(factor))
        return;
    const double anchor = timeAt(x);
    m_nsPerPx = std::clamp(m_nsPerPx / factor, MinNsPerPx, MaxNsPerPx);
    m_startNs = anchor - x * m_nsPerPx;
}

void TimelineViewport::panByPixels(double dx)
{
    if (std::isfinite(dx))
        m_startNs -= dx * m_nsPerPx;
}

void TimelineViewport::clampTo(double dataStartNs, double dataEndNs, double keepFraction)
{
    if (!(dataEndNs >= dataStartNs))
        return;
    const double keep = rangeNs() * std::clamp(keepFraction, 0.0, 1.0);
    // The view's end must reach keep past the data's start; its start must stay keep before the data's end.
    const double minStart = dataStartNs + keep - rangeNs();
    const double maxStart = dataEndNs - keep;
    if (minStart <= maxStart)
        m_startNs = std::clamp(m_startNs, minStart, maxStart);
    else
        m_startNs = (minStart + maxStart) / 2;
}

void TimelineViewport::followTo(double liveNs)
{
    m_startNs = liveNs - rangeNs() * (1.0 - LiveEdgeMarginFraction);
}

} // namespace Taskscope::Ui
