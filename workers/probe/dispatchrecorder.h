#pragma once

#include "model/trace/tracetypes.h"

#include <QtGlobal>

#include <functional>

namespace Taskscope::Probe {

/// Records every event dispatch on every thread of the process as a span on that thread's lane.
///
/// install() registers a QInternal::EventNotifyCallback, which Qt calls at the top of
/// QCoreApplication::notifyInternal2 on every thread, before notify(). The callback records the
/// start, re-enters notifyInternal2 once for the same event (flagged to pass straight through, so
/// Qt's own bookkeeping and any notify() override run exactly as without the probe) and records
/// the end. The span's name is the receiver's class and objectName; its argument carries the event
/// type (ProbeWire::DispatchArgFlag | type); the recorder's per-lane nesting gives the depth.
///
/// On the UI thread the same bracket feeds the watchdog's DispatchProbe (one callback for both:
/// a second re-entering callback would dispatch every event twice).
///
/// Per thread a small cache maps (receiver, vtable) to the interned name, so a dispatch to an
/// object seen recently looks nothing up. A new object that reuses a freed one's address and class
/// keeps the old name until it is evicted from the cache.
class DispatchRecorder final
{
public:
    DispatchRecorder() = delete;

    /// Any thread, once. False (and Qt untouched) when the private entry point is not found.
    static bool install();
    static void uninstall();
    static bool isInstalled();

    /// Any thread: the number of events posted to each thread that has dispatched and not yet
    /// delivered (Qt's private posted-event list, read under its lock). Nothing when the Qt at run
    /// time is not the exact version built against.
    static void postedEventDepths(const std::function<void(Trace::LaneId lane, qsizetype depth)> &sink);

    /// The calling thread's dispatches also feed DispatchProbe (call on the UI thread).
    static void setUiThread(bool ui = true);
    /// The calling thread's dispatches are not recorded (the probe's own threads).
    static void excludeCurrentThread();
};

} // namespace Taskscope::Probe
