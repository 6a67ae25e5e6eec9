#pragma once

#include "model/trace/tracetypes.h"

#include <QList>
#include <QString>

namespace Taskscope::Trace {

/// What the timeline knows about one lane.
struct LaneInfo
{
    LaneId id = NoLane;
    LaneKind kind = LaneKind::Thread;
    NameId name = 0; ///< display name (TraceNames)
    NameId group = 0; ///< lanes of one kind fold together under this name (e.g. a coroutine function)
    LaneId parent = NoLane; ///< e.g. the stream a coroutine serves
    qint64 createdNs = 0;
    qint64 endedNs = -1; ///< -1 while the lane's subject is alive
    quint64 osThreadId = 0; ///< thread lanes: the kernel thread id (gettid)
};

/// The process-wide table of live lanes. Lane ids are dense and stable; the UI thread is lane 1.
/// Thread-safe; creating and renaming lanes takes a lock, so do it outside hot loops.
/// Bounded: past the cap new lanes share one overflow lane, and the refusals are counted.
class LaneRegistry final
{
public:
    LaneRegistry() = delete;

    static constexpr int DefaultMaxLanes = 1 << 18;

    static LaneId create(LaneKind kind, QStringView name, QStringView group = {}, LaneId parent = NoLane);
    static void rename(LaneId lane, QStringView name);
    /// Marks the lane's subject as ended (a thread exited, a coroutine finished).
    static void end(LaneId lane);
    static LaneInfo info(LaneId lane);
    /// All lanes, in id order, and the generation they correspond to.
    static QList<LaneInfo> snapshot(quint64 *generation = nullptr);
    /// Lanes with id >= first, for incremental mirrors.
    static QList<LaneInfo> changedSince(quint64 generation, quint64 *newGeneration);
    /// Bumped whenever a lane is created, renamed or ended.
    static quint64 generation();
    static int count();
    static quint64 refusedCount();
    static void setMaxLanes(int maxLanes);

    /// The calling thread's lane, registered on first use (named after the QThread's objectName,
    /// else the pthread name). The process's main thread is always UiThreadLane.
    static LaneId currentThreadLane();
    /// Names (or renames) the calling thread's lane.
    static void nameCurrentThread(QStringView name);
};

} // namespace Taskscope::Trace
