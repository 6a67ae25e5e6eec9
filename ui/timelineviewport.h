#pragma once

#include <QtGlobal>

namespace Taskscope::Ui {

/// The timeline's time <-> pixel mapping: which time the left edge shows and how many nanoseconds
/// one pixel covers. Plain arithmetic, no widgets, so it is tested without a GUI.
///
/// The start is kept as a double so zooming to sub-nanosecond pixels around the cursor stays exact.
class TimelineViewport final
{
public:
    static constexpr double MinNsPerPx = 0.05; ///< 20 px per nanosecond
    static constexpr double MaxNsPerPx = 3600e9; ///< one hour per pixel
    static constexpr double LiveEdgeMarginFraction = 0.04; ///< room right of the live edge when following

    TimelineViewport() = default;
    TimelineViewport(double startNs, double nsPerPx, int widthPx);

    int width() const { return m_width; }
    void setWidth(int widthPx);
    double startNs() const { return m_startNs; }
    double nsPerPx() const { return m_nsPerPx; }
    double endNs() const { return m_startNs + m_nsPerPx * m_width; }
    double rangeNs() const { return m_nsPerPx * m_width; }

    double xOf(double ns) const { return (ns - m_startNs) / m_nsPerPx; }
    double timeAt(double x) const { return m_startNs + x * m_nsPerPx; }

    /// Shows [t0, t1) across the width (clamped to the zoom limits, centred if clamped).
    void setRange(double t0, double t1);
    void setStart(double startNs) { m_startNs = startNs; }
    /// Zooms by `factor` (> 1 zooms in) keeping the time under pixel `x` where it is.
    void zoomAround(double x, double factor);
    /// Moves the content by `dx` pixels (positive: the content moves right, earlier times come in).
    void panByPixels(double dx);
    /// Keeps part of [dataStartNs, dataEndNs] on screen: at least `keepFraction` of the width shows data.
    void clampTo(double dataStartNs, double dataEndNs, double keepFraction = 0.1);
    /// Puts the live edge at the right, leaving a small margin.
    void followTo(double liveNs);

    bool operator==(const TimelineViewport &other) const = default;

private:
    double m_startNs = 0;
    double m_nsPerPx = 1e6; // 1 ms per pixel
    int m_width = 1;
};

} // namespace Taskscope::Ui
