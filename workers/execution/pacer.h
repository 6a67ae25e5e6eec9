#pragma once

#include "workers/execution/pendingwait.h"

#include <QObject>

#include <vector>

class QSocketNotifier;
class QTimer;

namespace Taskscope::Execution {

/// One timer per thread that serves every coroutine sleeping on that thread (a timer per
/// stream is waste).
///
/// Waits sit in an indexed min-heap ordered by (deadline, arrival), so equal deadlines resume in the
/// order they were added and any wait can be removed in O(log n) when it is cancelled or woken by
/// something else. The pacer arms a single kernel timer for the earliest deadline; when it fires it
/// resumes every due coroutine directly, in deadline order, recording Ready at the deadline and
/// Running at the resume: the gap is the lateness of the thread's event loop.
///
/// The kernel timer is a timerfd (CLOCK_MONOTONIC, absolute, nanosecond resolution) watched by a
/// QSocketNotifier: a Qt::PreciseTimer only takes whole milliseconds, and rounding every deadline
/// up to the next millisecond would add up to 1 ms of lateness to every chunk. Where timerfd is
/// unavailable (or with TASKSCOPE_PACER_QTIMER=1, for comparison) the pacer falls back to a
/// Qt::PreciseTimer (rounding up, never firing early).
/// Single-threaded: use ThreadServices::current()->pacer().
class Pacer final : public QObject
{
    Q_OBJECT
public:
    explicit Pacer(QObject *parent = nullptr);
    ~Pacer() override;
    Q_DISABLE_COPY_MOVE(Pacer)

    /// Adds a suspended wait with a finite deadline (ExecutionContext::nowNs() domain).
    void add(PendingWait *wait);
    /// Removes a wait (no-op if it is not in the heap).
    void remove(PendingWait *wait);
    /// Resumes what is already due, without waiting for the timer's turn in the loop. Called between
    /// the items of a long pass (a batch of ready coroutines or socket reads, a trace drain) so that
    /// a chunk due meanwhile waits for one item, not for the whole pass. No-op while firing, and
    /// until the pass has had as long as the pacer's previous batch took: on a saturated thread,
    /// firing between every item would starve the streams woken by messages (the pacer gets half).
    bool fireIfDue();
    /// fireIfDue() on the calling thread's pacer, if the thread has one.
    static bool fireIfDueOnThisThread();

    int size() const { return int(m_heap.size()); }
    /// Timer expirations handled so far, and coroutines resumed by them (for benchmarks).
    quint64 wakeups() const { return m_wakeups; }
    quint64 resumed() const { return m_resumed; }
    /// Times a batch of due coroutines was cut after SliceNs to let the event loop run.
    quint64 yields() const { return m_yields; }
    /// Times fireIfDue() found due waits (the loop was busy with something else at their deadline).
    quint64 earlyFires() const { return m_earlyFires; }

    /// The longest stretch one expiry resumes coroutines for before it hands the loop back. 256
    /// streams paced in step make a batch of 3-4 ms on a UI thread; cut at 1 ms, a frame waits at
    /// most about that long for the pacer.
    static constexpr qint64 SliceNs = 1'000'000;
    bool usesTimerFd() const { return m_timerFd >= 0; }

private:
    void fire();
    void arm();
    // Keys live in the heap array so sifting compares without touching the waits (cache misses).
    struct Entry
    {
        qint64 deadlineNs;
        std::uint64_t sequence;
        PendingWait *wait;
    };
    static bool less(const Entry &a, const Entry &b)
    {
        return a.deadlineNs < b.deadlineNs || (a.deadlineNs == b.deadlineNs && a.sequence < b.sequence);
    }
    void siftUp(int index);
    void siftDown(int index);
    void place(int index, const Entry &entry)
    {
        m_heap[std::size_t(index)] = entry;
        entry.wait->m_heapIndex = index;
    }

    std::vector<Entry> m_heap;
    std::uint64_t m_sequence = 0;
    int m_timerFd = -1;
    QSocketNotifier *m_notifier = nullptr;
    QTimer *m_fallbackTimer = nullptr;
    qint64 m_armedNs = PendingWait::NoDeadline;
    bool m_firing = false;
    quint64 m_yields = 0;
    quint64 m_wakeups = 0;
    quint64 m_resumed = 0;
    quint64 m_earlyFires = 0;
    std::uint64_t m_lastFireStartTicks = 0;
    std::uint64_t m_lastFireEndTicks = 0;
};

} // namespace Taskscope::Execution
