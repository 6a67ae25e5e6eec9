#pragma once

#include "model/latencyhistogram.h"

#include <QJsonObject>
#include <QString>

/// The window's frame times over a session, for the reports and the figures quoted in notes: the
/// interval between two frame ticks of the UI thread (the drain timer fires every 16 ms when the
/// thread is free; 60 fps is 16.7 ms) and how long the timeline's paint took.
///
/// Intervals are what the user feels: a frame that comes late is a UI thread that was busy.
class FrameMeter final
{
public:
    /// A frame tick at `nowNs` (TraceClock).
    void frame(qint64 nowNs);
    void paint(qint64 paintNs);
    /// Starts a new measurement window (e.g. once streams are up).
    void reset();

    const LatencyHistogram &intervals() const { return m_intervals; }
    const LatencyHistogram &paints() const { return m_paints; }
    /// Intervals longer than 2 × 16.7 ms (at least one frame missed).
    quint64 longFrames() const { return m_long; }
    /// {"frames", "intervalMs": {p50, p90, p99, max, mean}, "paintMs": {...}, "longFrames"}.
    QJsonObject toJson() const;
    /// "frame interval p50 16.0 ms · p99 17.1 ms · max 20 ms (1234 frames) · paint p99 3.1 ms".
    QString describe() const;

private:
    LatencyHistogram m_intervals;
    LatencyHistogram m_paints;
    qint64 m_lastNs = 0;
    quint64 m_long = 0;
};
