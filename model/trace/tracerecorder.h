#pragma once

#include "model/trace/traceclock.h"
#include "model/trace/tracetypes.h"

#include <QList>

#include <atomic>
#include <bit>
#include <cstddef>
#include <functional>

namespace Taskscope::Trace {

class TraceStore;

/// A fixed block of a thread's event buffer. Only the owning thread writes events; `published`
/// tells the drain how many are complete.
struct TraceChunk
{
    static constexpr std::uint32_t Capacity = 1024; // 32 KiB of events
    std::atomic<std::uint32_t> published {0};
    std::atomic<TraceChunk *> next {nullptr};
    TraceEvent events[Capacity];
};

/// What a thread is doing right now, readable from another thread (the watchdog) without locks.
/// Values are written with relaxed atomics by the owning thread: a reader sees a recent, possibly
/// slightly stale, picture.
struct ThreadActivity
{
    static constexpr std::uint32_t MaxScopes = 32;
    std::atomic<LaneId> coroutine {NoLane};
    std::atomic<std::uint64_t> coroutineSinceTicks {0};
    std::atomic<std::uint32_t> depth {0};
    std::atomic<NameId> scopeName[MaxScopes] {};
    std::atomic<LaneId> scopeLane[MaxScopes] {};
    std::atomic<std::uint64_t> scopeTicks[MaxScopes] {};
};

/// One recording thread's buffer: a chain of chunks written by that thread and read by the drain.
struct ThreadTraceBuffer
{
    // Producer side: touched by the owning thread only.
    TraceChunk *writeChunk = nullptr;
    std::uint32_t writePos = 0;
    LaneId threadLane = NoLane;
    std::atomic<quint64> dropped {0};
    ThreadActivity activity;

    // Consumer side: touched by the drain only.
    TraceChunk *readChunk = nullptr;
    std::uint32_t readPos = 0;
    std::atomic<bool> retired {false};
};

/// The calling thread's buffer (constinit: no TLS wrapper call on the hot path).
extern thread_local constinit ThreadTraceBuffer *t_traceBuffer __attribute__((tls_model("initial-exec")));

/// Records trace events from any thread without taking a lock on the hot path.
///
/// Each thread appends 32-byte events to its own chain of 32 KiB chunks; the UI thread calls drain()
/// at frame rate to move new events into a TraceStore. Memory is bounded by a global chunk budget:
/// when the drain falls behind and the budget is spent, new events are dropped and counted.
///
/// Spans nest per lane. begin()/end() may stay open across co_await (they do not touch the
/// thread's activity); TraceScope is the RAII form for work that starts and ends on one thread and
/// is what the watchdog names as the culprit. complete() records a leaf span after the fact.
class TraceRecorder final
{
public:
    TraceRecorder() = delete;

    static void begin(LaneId lane, NameId name, std::uint64_t arg = 0) noexcept
    {
        write(TraceClock::ticks(), arg, lane, name, EventKind::Begin);
    }
    /// Ends the innermost open span of `name` on the lane (name 0: the innermost span).
    static void end(LaneId lane, NameId name = 0, std::uint64_t arg = 0) noexcept
    {
        write(TraceClock::ticks(), arg, lane, name, EventKind::End);
    }
    /// begin()/end() at a time already read (TraceClock ticks), for a caller with its own clock.
    static void beginAt(std::uint64_t ticks, LaneId lane, NameId name, std::uint64_t arg = 0) noexcept
    {
        write(ticks, arg, lane, name, EventKind::Begin);
    }
    static void endAt(std::uint64_t ticks, LaneId lane, NameId name = 0, std::uint64_t arg = 0) noexcept
    {
        write(ticks, arg, lane, name, EventKind::End);
    }
    /// A leaf span whose start and end (TraceClock ticks) are already known.
    static void complete(LaneId lane, NameId name, std::uint64_t startTicks, std::uint64_t endTicks) noexcept
    {
        write(startTicks, endTicks, lane, name, EventKind::Complete);
    }
    static void instant(LaneId lane, NameId name, std::uint64_t arg = 0) noexcept
    {
        write(TraceClock::ticks(), arg, lane, name, EventKind::Instant);
    }
    static void counter(LaneId lane, NameId name, double value) noexcept
    {
        write(TraceClock::ticks(), std::bit_cast<std::uint64_t>(value), lane, name, EventKind::Counter);
    }
    /// The source end of a causal link (e.g. an audio chunk sent); pair with flowIn() of the same id.
    static void flowOut(LaneId lane, NameId name, std::uint64_t flowId) noexcept
    {
        write(TraceClock::ticks(), flowId, lane, name, EventKind::FlowOut);
    }
    static void flowIn(LaneId lane, NameId name, std::uint64_t flowId) noexcept
    {
        write(TraceClock::ticks(), flowId, lane, name, EventKind::FlowIn);
    }
    /// A coroutine changed state: Running on the calling thread, Suspended awaiting `what`, Ready
    /// (its awaited event happened), Finished. Running segments also appear on the thread's lane.
    static void coroutineState(LaneId coroutineLane, CoroutineState state, NameId what = 0) noexcept;
    /// A Ready (or Suspended) state that began at a known earlier time, e.g. a timer deadline that
    /// passed before the thread's loop got to it. Not for Running: that one must be "now".
    static void coroutineStateAt(LaneId coroutineLane, CoroutineState state, NameId what, std::uint64_t ticks) noexcept
    {
        write(ticks, 0, coroutineLane, what, EventKind::CoroutineState, std::uint8_t(state));
    }
    /// A watchdog alert band on `lane`: call with endTicks 0 when it starts, again with the end.
    static void alert(LaneId lane, NameId name, std::uint32_t alertId, std::uint64_t startTicks,
                      std::uint64_t endTicks) noexcept;

    static std::uint64_t newFlowId() noexcept { return s_nextFlowId.fetch_add(1, std::memory_order_relaxed); }

    /// The calling thread's lane (registers the thread on first use).
    static LaneId threadLane() noexcept;

    /// UI thread (or whichever single thread owns the store): moves every complete event into the
    /// store. Returns the number of events moved.
    static std::size_t drain(TraceStore &store);
    /// The same for a consumer that is not a store (a probe streams the raw events to another
    /// process): `sink` gets every complete event, in each thread's order, a run at a time.
    using EventSink = std::function<void(LaneId threadLane, const TraceEvent *events, std::size_t count)>;
    static std::size_t drain(const EventSink &sink);

    /// Events dropped because the buffer budget was spent (the drain fell behind).
    static quint64 droppedEvents() noexcept;
    /// Bytes of event buffers in use (all threads, including recycled chunks).
    static quint64 bufferBytes() noexcept;
    static void setBufferBudgetBytes(quint64 bytes) noexcept;
    static quint64 bufferBudgetBytes() noexcept;

    /// What the thread behind `threadLane` is doing now (for the watchdog). False if unknown.
    struct ActivitySnapshot
    {
        LaneId coroutine = NoLane;
        std::uint64_t coroutineSinceTicks = 0;
        QList<NameId> scopeNames; ///< outermost first
        QList<LaneId> scopeLanes;
        QList<std::uint64_t> scopeTicks;
    };
    static bool activity(LaneId threadLane, ActivitySnapshot *snapshot);
    /// The calling thread's live activity record (registers the thread). It stays valid until the
    /// thread exits; the UI thread's record lives as long as the process. A watchdog keeps this
    /// pointer so it can read the UI thread without taking any lock while that thread is frozen.
    static const ThreadActivity *currentThreadActivity() noexcept;
    static ActivitySnapshot snapshotOf(const ThreadActivity &activity);

    // Used by TraceScope.
    static void pushScope(LaneId lane, NameId name, std::uint64_t arg) noexcept;
    static void popScope(LaneId lane, NameId name) noexcept;

private:
    static ThreadTraceBuffer *prepare() noexcept;

    static void write(std::uint64_t ticks, std::uint64_t arg, LaneId lane, NameId name, EventKind kind,
                      std::uint8_t state = 0, std::uint32_t aux = 0) noexcept
    {
        ThreadTraceBuffer *buffer = t_traceBuffer;
        if (!buffer || buffer->writePos == TraceChunk::Capacity) [[unlikely]] {
            buffer = prepare();
            if (!buffer)
                return;
        }
        TraceChunk *chunk = buffer->writeChunk;
        TraceEvent &event = chunk->events[buffer->writePos];
        event.ticks = ticks;
        event.arg = arg;
        event.lane = lane;
        event.name = name;
        event.kind = kind;
        event.state = state;
        event.reserved = 0;
        event.aux = aux;
        chunk->published.store(++buffer->writePos, std::memory_order_release);
    }

    static std::atomic<std::uint64_t> s_nextFlowId;
};

/// RAII span on the calling thread that the watchdog can see while it is open. Use it for work that
/// begins and ends on one thread without suspending in between.
class TraceScope final
{
public:
    explicit TraceScope(NameId name, std::uint64_t arg = 0) noexcept
        : TraceScope(TraceRecorder::threadLane(), name, arg)
    {
    }
    TraceScope(LaneId lane, NameId name, std::uint64_t arg = 0) noexcept
        : m_lane(lane)
        , m_name(name)
    {
        TraceRecorder::pushScope(lane, name, arg);
    }
    ~TraceScope() { TraceRecorder::popScope(m_lane, m_name); }
    Q_DISABLE_COPY_MOVE(TraceScope)

private:
    LaneId m_lane;
    NameId m_name;
};

} // namespace Taskscope::Trace
