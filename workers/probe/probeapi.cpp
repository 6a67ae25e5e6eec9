// The link-in API (include/taskscope/probe.h): explicit spans, instants and counters from the
// application's own code, recorded like the probe's dispatch spans and sent with them.
#include "model/trace/laneregistry.h"
#include "model/trace/traceclock.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracerecorder.h"

#include <cstdint>

#include "taskscope/probe.h"

using Taskscope::Trace::LaneId;
using Taskscope::Trace::LaneKind;
using Taskscope::Trace::LaneRegistry;
using Taskscope::Trace::NameId;
using Taskscope::Trace::TraceClock;
using Taskscope::Trace::TraceNames;
using Taskscope::Trace::TraceRecorder;

namespace {

// Names arrive as C strings, mostly literals: intern each pointer once per thread. Direct-mapped;
// a collision only costs another intern (which returns the same id).
struct NameCache
{
    static constexpr std::size_t Size = 64;
    const char *keys[Size] = {};
    NameId ids[Size] = {};
};
thread_local NameCache t_names;

LaneId spansLane()
{
    static const LaneId lane = LaneRegistry::create(LaneKind::Process, u"spans");
    return lane;
}

LaneId countersLane()
{
    static const LaneId lane = LaneRegistry::create(LaneKind::Process, u"counters");
    return lane;
}

} // namespace

extern "C" {

__attribute__((visibility("default"))) std::uint32_t taskscope_probe_name(const char *utf8)
{
    if (!utf8)
        return 0;
    NameCache &cache = t_names;
    const std::size_t slot = (reinterpret_cast<std::uintptr_t>(utf8) >> 3) % NameCache::Size;
    if (cache.keys[slot] == utf8)
        return cache.ids[slot];
    const NameId id = TraceNames::intern(utf8);
    cache.keys[slot] = utf8;
    cache.ids[slot] = id;
    return id;
}

__attribute__((visibility("default"))) std::uint64_t taskscope_probe_now()
{
    return TraceClock::ticks();
}

__attribute__((visibility("default"))) void taskscope_probe_scope_begin(std::uint32_t name)
{
    TraceRecorder::pushScope(TraceRecorder::threadLane(), name, 0);
}

__attribute__((visibility("default"))) void taskscope_probe_scope_end(std::uint32_t name)
{
    TraceRecorder::popScope(TraceRecorder::threadLane(), name);
}

__attribute__((visibility("default"))) void taskscope_probe_span(std::uint32_t name, std::uint64_t startTicks)
{
    // A span that may have crossed a co_await (and threads) overlaps anything: it goes to the
    // process's own lane, where overlapping spans stack.
    TraceRecorder::complete(spansLane(), name, startTicks, TraceClock::ticks());
}

__attribute__((visibility("default"))) void taskscope_probe_instant(std::uint32_t name)
{
    TraceRecorder::instant(TraceRecorder::threadLane(), name);
}

__attribute__((visibility("default"))) void taskscope_probe_counter(std::uint32_t name, double value)
{
    TraceRecorder::counter(countersLane(), name, value);
}

} // extern "C"
