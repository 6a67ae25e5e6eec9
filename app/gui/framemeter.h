#pragma once

#include "model/latencyhistogram.h"

#include <QJsonObject>
#include <QString>

namespace Taskscope::Gui {

/// The window's frame times over a session, for the reports and the figures quoted in notes.
///
/// - frame time: from the moment a frame tick was due to the end of the window repaint that
///   follows it (the pixels handed to the window system). This is what a 16 ms frame budget is
///   about, as in Android's frame stats: a tick that starts late because the UI thread was busy,
///   a slow drain and a slow paint all count.
/// - interval: between two ticks (the drain timer fires every 16 ms when the thread is free).
/// - paint: the timeline's own paint.
class FrameMeter final
{
public:
    /// The frame tick's period (TraceController::FrameIntervalMs).
    explicit FrameMeter(qint64 periodNs = 16'000'000);

    /// A frame tick at `nowNs` (TraceClock).
    void frame(qint64 nowNs);
    /// The window finished a repaint at `nowNs`: closes the frame of the latest tick, if open.
    void presented(qint64 nowNs);
    void paint(qint64 paintNs);
    /// Starts a new measurement window (e.g. once streams are up).
    void reset();

    const Model::LatencyHistogram &frameTimes() const { return m_frameTimes; }
    const Model::LatencyHistogram &intervals() const { return m_intervals; }
    const Model::LatencyHistogram &paints() const { return m_paints; }
    /// Intervals longer than 2 × 16.7 ms (at least one frame missed).
    quint64 longFrames() const { return m_long; }
    /// Frames over the 16.7 ms budget of a 60 Hz display.
    quint64 overBudgetFrames() const { return m_overBudget; }
    /// {"frames", "frameTimeMs": {p50, p90, p99, max, mean}, "overBudgetFrames", "intervalMs": {...},
    ///  "paintMs": {...}, "longFrames"}.
    QJsonObject toJson() const;
    /// "frame time p50 … p99 … (N over 16.7 ms) · interval p50 … p99 … · paint …".
    QString describe() const;

private:
    qint64 m_periodNs;
    qint64 m_dueNs = 0; // when the latest tick was due
    bool m_open = false; // the latest tick's frame is not on screen yet
    quint64 m_overBudget = 0;
    Model::LatencyHistogram m_frameTimes;
    Model::LatencyHistogram m_intervals;
    Model::LatencyHistogram m_paints;
    qint64 m_lastNs = 0;
    quint64 m_long = 0;
};

} // namespace Taskscope::Gui
