#include "model/livecounts.h"

#include "model/trace/tracerecorder.h"
#include "model/trace/tracestore.h"

using Taskscope::Trace::AlertBand;
using Taskscope::Trace::LaneInfo;
using Taskscope::Trace::LaneKind;
using Taskscope::Trace::NoLane;
using Taskscope::Trace::SpanKind;
using Taskscope::Trace::StoredSpan;
using Taskscope::Trace::TraceRecorder;
using Taskscope::Trace::TraceStore;

namespace Taskscope::Model {

LiveCounts LiveCounts::compute(const TraceStore &store, bool includeRecorder)
{
    LiveCounts c;
    const qint64 last = store.lastNs();
    for (const LaneInfo &lane : store.lanes()) {
        switch (lane.kind) {
        case LaneKind::Thread:
            if (lane.parent != NoLane)
                break; // a lane of part of a thread's work (Taskscope's own paints), not a thread
            ++c.threadsTotal;
            if (lane.endedNs < 0)
                ++c.threadsAlive;
            break;
        case LaneKind::Stream:
            ++c.streams;
            break;
        case LaneKind::Coroutine: {
            ++c.coroutinesTotal;
            if (lane.endedNs >= 0)
                break;
            // The state is the open segment at depth 0; no open segment after some means finished.
            const StoredSpan *segment = store.spanAt(lane.id, 0, last);
            if (!segment) {
                if (store.depthCount(lane.id) == 0)
                    ++c.coroutinesAlive; // registered, no state recorded yet
                break;
            }
            if (!segment->isOpen())
                break;
            ++c.coroutinesAlive;
            if (segment->kind == SpanKind::CoroutineRunning)
                ++c.coroutinesRunning;
            else if (segment->kind == SpanKind::CoroutineReady)
                ++c.coroutinesReady;
            else if (segment->kind == SpanKind::CoroutineSuspended)
                ++c.coroutinesSuspended;
            break;
        }
        case LaneKind::Process:
            break;
        }
    }
    for (const AlertBand &band : store.alertBands()) {
        if (band.endNs == StoredSpan::OpenEnd)
            ++c.alertsOpen;
    }
    c.spans = store.spanCount();
    c.items = store.itemCount();
    c.droppedEvents = includeRecorder ? TraceRecorder::droppedEvents() : 0;
    c.evictedItems = store.droppedItems();
    c.runsKept = store.runs().size();
    c.runsEvicted = store.evictedRuns();
    c.trimmedItems = store.trimmedItems();
    c.rejectedEvents = store.rejectedEvents();
    c.memoryBytes = store.memoryBytes();
    return c;
}

} // namespace Taskscope::Model
