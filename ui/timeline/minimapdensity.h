#pragma once

#include "model/trace/tracetypes.h"

#include <QtGlobal>

#include <vector>

namespace Taskscope::Trace {
class TraceStore;
} // namespace Taskscope::Trace

namespace Taskscope::Ui::Timeline {

/// What the minimap draws, without drawing it: for each lane section (threads, streams,
/// coroutines) the share of lane time that was busy in each column of the whole session — a
/// thread or stream lane inside a span, a coroutine lane running (its suspended and ready time do
/// not count) — and the columns an alert band covers.
class MinimapDensity final
{
public:
    /// Lanes sampled per section, spread evenly over it: thousands of coroutine lanes would make
    /// one computation cost more than a frame.
    static constexpr int MaxLanesPerSection = 64;

    struct Band
    {
        Trace::LaneKind kind = Trace::LaneKind::Thread;
        int lanes = 0; ///< lanes of the section (sampled or not)
        std::vector<float> busy; ///< per column, 0..1: busy share of the sampled lanes' time
        float peak = 0; ///< the largest value of busy
    };

    /// Computes `columns` columns over [t0, t1).
    void compute(const Trace::TraceStore &store, qint64 t0, qint64 t1, int columns);

    const std::vector<Band> &bands() const { return m_bands; }
    /// Per column: whether an alert band overlaps it.
    const std::vector<bool> &alerts() const { return m_alerts; }
    qint64 startNs() const { return m_t0; }
    qint64 endNs() const { return m_t1; }
    int columns() const { return m_columns; }

private:
    std::vector<Band> m_bands;
    std::vector<bool> m_alerts;
    qint64 m_t0 = 0;
    qint64 m_t1 = 0;
    int m_columns = 0;
};

} // namespace Taskscope::Ui::Timeline
