#pragma once

#include <QtGlobal>

#include <cstdint>

namespace Taskscope::Trace {

/// Plain types shared by the recorder, the store and the exporters.

/// A lane id: a row of the timeline. Dense, starts at 1, fits in 32 bits (Chrome-trace tids are uint32).
using LaneId = std::uint32_t;
/// An interned string id (TraceNames). 0 is the empty name.
using NameId = std::uint32_t;

inline constexpr LaneId NoLane = 0;
/// The UI (main) thread's lane is always the first lane.
inline constexpr LaneId UiThreadLane = 1;

enum class LaneKind : std::uint8_t {
    Thread, ///< an OS thread (the UI thread, a worker QThread, a pool thread)
    Coroutine, ///< one coroutine task: running / suspended / ready segments
    Stream, ///< one workload stream: its spans, instants and counters
    Process, ///< process-wide counters and markers
};

enum class CoroutineState : std::uint8_t {
    Running, ///< executing on a thread
    Suspended, ///< waiting for something (the segment's name says what)
    Ready, ///< what it waited for happened; waiting for its thread's event loop to resume it
    Finished, ///< ended: closes the last segment
};

/// What a stored span is. Plain spans come from begin/end; the rest are coroutine segments and alerts.
enum class SpanKind : std::uint8_t {
    Span,
    CoroutineRunning, ///< on a coroutine lane
    CoroutineSuspended, ///< on a coroutine lane
    CoroutineReady, ///< on a coroutine lane
    ThreadRunsCoroutine, ///< on a thread lane: a coroutine's running segment seen from the thread that ran it
    Alert, ///< a watchdog alert band
    Folded, ///< level-of-detail output only: several spans merged into one item
};

enum class EventKind : std::uint8_t {
    Begin,
    End,
    Complete, ///< a leaf span recorded after the fact (start in ticks, end in arg)
    Instant,
    Counter,
    FlowOut,
    FlowIn,
    CoroutineState,
    Alert, ///< a complete alert span on a lane (start in ticks, end in arg, 0 = still open)
};

/// One recorded event: exactly 32 bytes, written by the recording thread into its own buffer.
struct alignas(32) TraceEvent
{
    std::uint64_t ticks; ///< TraceClock ticks (start time for Complete)
    std::uint64_t arg; ///< kind-specific: span argument, counter value, flow id, end ticks
    LaneId lane;
    NameId name;
    EventKind kind;
    std::uint8_t state; ///< CoroutineState for CoroutineState events
    std::uint16_t reserved;
    std::uint32_t aux; ///< kind-specific: alert id
};
static_assert(sizeof(TraceEvent) == 32, "a trace event is 32 bytes");

} // namespace Taskscope::Trace
