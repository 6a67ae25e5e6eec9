#pragma once

#include <QAbstractEventDispatcher>
#include <QHash>
#include <QList>

#include <chrono>
#include <cstdint>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

class QObject;

namespace Taskscope::Execution {

/// The timers of one event dispatcher: QObject timers by id, ordered by deadline (nanoseconds on
/// CLOCK_MONOTONIC). Registration, removal and the next deadline are O(log n); firing is
/// O(due · log n), so a thread with thousands of idle timers pays nothing per wake-up for them.
///
/// Semantics follow what Qt code expects of QTimer:
/// - Precise: fires at its interval, drift-free (next = previous deadline + interval); when the
///   loop fell behind by more than an interval the missed expiries are skipped, never bunched.
/// - Coarse: intervals of 20 ms or less are precise; up to 20 s the deadline may be moved later by
///   at most 5 % of the interval onto a round boundary so timers coalesce; never earlier.
/// - VeryCoarse (and coarse of 20 s or more): whole seconds, on the nearest second boundary (up to
///   half a second early or late, as with Qt's own dispatcher).
/// - Zero: due on every pass of the loop, once per pass.
/// A timer does not fire again while its own handler runs (a nested loop inside a timer event),
/// and a timer registered or re-armed during a pass does not fire in that same pass.
class TimerQueue final
{
public:
    TimerQueue() = default;
    Q_DISABLE_COPY_MOVE(TimerQueue)

    static qint64 nowNs();

    void add(int id, qint64 intervalMs, Qt::TimerType type, QObject *object, qint64 nowNs);
    bool remove(int id);
    bool removeAll(QObject *object);
    QList<QAbstractEventDispatcher::TimerInfo> timersOf(QObject *object) const;
    /// Milliseconds until the timer is due (0 when overdue), -1 for an unknown id.
    int remainingMs(int id, qint64 nowNs) const;
    /// The earliest deadline, or -1 when there are no timers.
    qint64 nextDeadlineNs() const;
    bool empty() const { return m_timers.empty(); }
    int size() const { return int(m_timers.size()); }

    /// Sends a QTimerEvent for every timer due at nowNs, in deadline order. Returns how many fired.
    int fireDue(qint64 nowNs);

private:
    struct Timer
    {
        QObject *object;
        qint64 intervalMs;
        Qt::TimerType type;
        qint64 deadlineNs;
        std::uint64_t serial;
        bool firing = false;
    };
    using Key = std::pair<qint64, int>; // (deadline, id)

    void schedule(int id, Timer &timer, qint64 fromNs, bool first);

    std::unordered_map<int, Timer> m_timers;
    std::set<Key> m_byDeadline;
    QHash<QObject *, std::vector<int>> m_byObject;
    std::uint64_t m_serial = 0;
};

} // namespace Taskscope::Execution
