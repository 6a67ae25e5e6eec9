#pragma once

#include <QtGlobal>

#include <deque>
#include <limits>

namespace Taskscope::Trace {

/// Retention by runs: the live store keeps whole runs (a task the user started) rather than a
/// sliding time window, so an earlier run stays comparable with the latest one until it is
/// deliberately let go.
namespace Retention {

/// One run: a task's time on the trace clock. Runs may overlap (two tasks started together).
struct Run
{
    static constexpr qint64 OpenEnd = std::numeric_limits<qint64>::max();

    quint64 id = 0;
    qint64 startNs = 0;
    qint64 endNs = OpenEnd; ///< OpenEnd while the run goes on
    bool trimmed = false; ///< part of its oldest data was dropped (it alone passed the budget)

    bool isOpen() const { return endNs == OpenEnd; }
};

/// The runs a store holds, oldest start first, and the decisions of which to let go. It holds no
/// trace data: the store turns each decision into a horizon (drop everything before this time).
class RunLedger final
{
public:
    /// A new run. A repeated id is ignored; a start older than the newest is placed in order.
    void begin(quint64 id, qint64 startNs);
    /// Ends a run (false for an unknown id or an end before its start, which is clamped).
    bool end(quint64 id, qint64 endNs);
    void clear();

    const std::deque<Run> &runs() const { return m_runs; }
    int size() const { return int(m_runs.size()); }
    /// Runs let go so far.
    quint64 evictedRuns() const { return m_evicted; }

    /// Whether the oldest run may go: it has ended and another run follows it.
    bool canEvictOldest() const;
    /// Lets the oldest run go (only if canEvictOldest()); returns the horizon that drops it
    /// whole — the start of the next run — or -1 when it may not go.
    qint64 evictOldest();
    /// Horizon that keeps only the newest `keepRuns` runs (oldest first, ended ones only), or -1
    /// when nothing needs to go. `keepRuns` <= 0 keeps any number.
    qint64 evictBeyond(int keepRuns);
    /// Data before `horizonNs` was trimmed: the runs that started before it are marked.
    void markTrimmedBefore(qint64 horizonNs);
    /// The run whose time holds `ns` (the latest started of those), or nullptr.
    const Run *runAt(qint64 ns) const;

private:
    std::deque<Run> m_runs;
    quint64 m_evicted = 0;
};

} // namespace Retention

} // namespace Taskscope::Trace
