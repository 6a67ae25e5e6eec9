#pragma once

#include <QtGlobal>

namespace Taskscope::Trace {
class TraceStore;
} // namespace Taskscope::Trace

namespace Taskscope::Model {

/// The figures of the timeline's live-counts strip, computed from a store (and, for the live store,
/// the recorder's own drop counter).
struct LiveCounts
{
    int threadsAlive = 0;
    int threadsTotal = 0;
    int coroutinesAlive = 0; ///< not finished
    int coroutinesRunning = 0;
    int coroutinesSuspended = 0;
    int coroutinesReady = 0;
    int coroutinesTotal = 0;
    int streams = 0;
    int alertsOpen = 0;
    quint64 spans = 0;
    quint64 items = 0;
    quint64 droppedEvents = 0; ///< events the recorder dropped because the drain fell behind (live only)
    quint64 evictedItems = 0; ///< items the store dropped by any bound (whole runs and trims)
    int runsKept = 0; ///< runs (tasks) whose trace the store holds
    quint64 runsEvicted = 0; ///< runs let go whole
    quint64 trimmedItems = 0; ///< items trimmed from the oldest data when no whole run could go
    quint64 rejectedEvents = 0; ///< malformed events the store ignored
    quint64 memoryBytes = 0;

    /// `includeRecorder`: add TraceRecorder::droppedEvents() (only meaningful for the live store).
    static LiveCounts compute(const Trace::TraceStore &store, bool includeRecorder);
    bool operator==(const LiveCounts &other) const = default;
};

} // namespace Taskscope::Model
