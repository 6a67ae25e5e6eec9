#include "model/trace/tracerecorder.h"

#include "model/trace/laneregistry.h"
#include "model/trace/tracestore.h"

#include <QMutex>

#include <memory>
#include <new>
#include <vector>

namespace Taskscope::Trace {

// GCC 12 reports atomic loads from the immortal pool below as "writing 8 bytes into a region of
// size 0" (a known false positive of -Wstringop-overflow with atomics in static storage).
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#endif

thread_local constinit ThreadTraceBuffer *t_traceBuffer __attribute__((tls_model("initial-exec"))) = nullptr;
std::atomic<std::uint64_t> TraceRecorder::s_nextFlowId {1};

namespace {

constexpr quint64 DefaultBudgetBytes = 256ull << 20;

// All buffers and the chunk pool. The lock is taken when a thread registers, when a chunk is full
// (once per 1,024 events), and briefly by the drain; never per event.
struct BufferPool
{
    QMutex mutex;
    QMutex drainMutex; // serializes consumers; never taken by producers
    std::vector<ThreadTraceBuffer *> buffers;
    std::vector<ThreadTraceBuffer *> drainList; // the drain's copy of `buffers` (kept to avoid reallocating)
    std::vector<TraceChunk *> freeChunks;
    std::atomic<quint64> chunksAllocated {0};
    std::atomic<quint64> budgetChunks {DefaultBudgetBytes / sizeof(TraceChunk)};
    std::atomic<quint64> droppedByRetiredThreads {0};

    // Called with the mutex held.
    TraceChunk *takeChunk()
    {
        if (!freeChunks.empty()) {
            TraceChunk *chunk = freeChunks.back();
            freeChunks.pop_back();
            chunk->published.store(0, std::memory_order_relaxed);
            chunk->next.store(nullptr, std::memory_order_relaxed);
            return chunk;
        }
        if (chunksAllocated.load(std::memory_order_relaxed) >= budgetChunks.load(std::memory_order_relaxed))
            return nullptr;
        auto *chunk = new (std::nothrow) TraceChunk;
        if (chunk)
            chunksAllocated.fetch_add(1, std::memory_order_relaxed);
        return chunk;
    }

    void recycle(TraceChunk *chunk)
    {
        // Keep a modest reserve; give the rest back so an idle process shrinks after a burst.
        if (freeChunks.size() < 64) {
            freeChunks.push_back(chunk);
        } else {
            delete chunk;
            chunksAllocated.fetch_sub(1, std::memory_order_relaxed);
        }
    }
};

// Never destroyed: threads may still record while static destructors run at exit.
union ImmortalPool
{
    BufferPool pool;
    ImmortalPool() { new (&pool) BufferPool; }
    ~ImmortalPool() { }
};

BufferPool &pool()
{
    static ImmortalPool p;
    return p.pool;
}

// Marks the thread's buffer retired when the thread exits; the drain frees it once it is read.
struct BufferOwner
{
    bool exited = false;
    ~BufferOwner()
    {
        exited = true;
        if (ThreadTraceBuffer *buffer = t_traceBuffer) {
            t_traceBuffer = nullptr;
            if (buffer->threadLane != UiThreadLane)
                LaneRegistry::end(buffer->threadLane);
            buffer->retired.store(true, std::memory_order_release);
        }
    }
};
thread_local BufferOwner t_bufferOwner;

} // namespace

ThreadTraceBuffer *TraceRecorder::prepare() noexcept
{
    if (t_bufferOwner.exited)
        return nullptr;
    BufferPool &p = pool();
    ThreadTraceBuffer *buffer = t_traceBuffer;
    if (!buffer) {
        buffer = new (std::nothrow) ThreadTraceBuffer;
        if (!buffer)
            return nullptr;
        buffer->threadLane = LaneRegistry::currentThreadLane();
        QMutexLocker lock(&p.mutex);
        TraceChunk *chunk = p.takeChunk();
        if (!chunk) {
            delete buffer;
            return nullptr;
        }
        buffer->writeChunk = chunk;
        buffer->readChunk = chunk;
        p.buffers.push_back(buffer);
        t_traceBuffer = buffer;
        return buffer;
    }
    // The current chunk is full: link a fresh one, or drop the event when the budget is spent.
    TraceChunk *chunk = nullptr;
    {
        QMutexLocker lock(&p.mutex);
        chunk = p.takeChunk();
    }
    if (!chunk) {
        buffer->dropped.fetch_add(1, std::memory_order_relaxed);
        return nullptr;
    }
    buffer->writeChunk->next.store(chunk, std::memory_order_release);
    buffer->writeChunk = chunk;
    buffer->writePos = 0;
    return buffer;
}

LaneId TraceRecorder::threadLane() noexcept
{
    if (ThreadTraceBuffer *buffer = t_traceBuffer) [[likely]]
        return buffer->threadLane;
    return LaneRegistry::currentThreadLane();
}

void TraceRecorder::coroutineState(LaneId coroutineLane, CoroutineState state, NameId what) noexcept
{
    const std::uint64_t now = TraceClock::ticks();
    write(now, 0, coroutineLane, what, EventKind::CoroutineState, std::uint8_t(state));
    if (ThreadTraceBuffer *buffer = t_traceBuffer) {
        ThreadActivity &activity = buffer->activity;
        if (state == CoroutineState::Running) {
            activity.coroutineSinceTicks.store(now, std::memory_order_relaxed);
            activity.coroutine.store(coroutineLane, std::memory_order_relaxed);
        } else if (activity.coroutine.load(std::memory_order_relaxed) == coroutineLane) {
            activity.coroutine.store(NoLane, std::memory_order_relaxed);
        }
    }
}

void TraceRecorder::alert(LaneId lane, NameId name, std::uint32_t alertId, std::uint64_t startTicks,
                          std::uint64_t endTicks) noexcept
{
    write(startTicks, endTicks, lane, name, EventKind::Alert, 0, alertId);
}

void TraceRecorder::pushScope(LaneId lane, NameId name, std::uint64_t arg) noexcept
{
    const std::uint64_t now = TraceClock::ticks();
    write(now, arg, lane, name, EventKind::Begin);
    if (ThreadTraceBuffer *buffer = t_traceBuffer) [[likely]] {
        ThreadActivity &activity = buffer->activity;
        const std::uint32_t depth = activity.depth.load(std::memory_order_relaxed);
        if (depth < ThreadActivity::MaxScopes) {
            activity.scopeName[depth].store(name, std::memory_order_relaxed);
            activity.scopeLane[depth].store(lane, std::memory_order_relaxed);
            activity.scopeTicks[depth].store(now, std::memory_order_relaxed);
        }
        activity.depth.store(depth + 1, std::memory_order_release);
    }
}

void TraceRecorder::popScope(LaneId lane, NameId name) noexcept
{
    write(TraceClock::ticks(), 0, lane, name, EventKind::End);
    if (ThreadTraceBuffer *buffer = t_traceBuffer) [[likely]] {
        ThreadActivity &activity = buffer->activity;
        const std::uint32_t depth = activity.depth.load(std::memory_order_relaxed);
        if (depth > 0)
            activity.depth.store(depth - 1, std::memory_order_release);
    }
}

std::size_t TraceRecorder::drain(TraceStore &store)
{
    store.syncLanes();
    const std::size_t moved = drain([&store](LaneId threadLane, const TraceEvent *events, std::size_t count) {
        store.ingest(threadLane, events, count);
    });
    store.afterIngest();
    return moved;
}

std::size_t TraceRecorder::drain(const EventSink &sink)
{
    BufferPool &p = pool();
    // One consumer at a time; producers never wait for a drain: the pool lock is held only to copy
    // the buffer list, to hand back a read chunk, and to free the buffers of exited threads.
    QMutexLocker drainLock(&p.drainMutex);
    std::vector<ThreadTraceBuffer *> &buffers = p.drainList;
    {
        QMutexLocker lock(&p.mutex);
        buffers.assign(p.buffers.begin(), p.buffers.end());
    }
    std::vector<ThreadTraceBuffer *> retiredBuffers;
    std::size_t moved = 0;
    for (ThreadTraceBuffer *buffer : buffers) {
        // Read `retired` before the events: if it was set, everything the thread wrote is published.
        const bool retired = buffer->retired.load(std::memory_order_acquire);
        for (;;) {
            TraceChunk *chunk = buffer->readChunk;
            const std::uint32_t published = chunk->published.load(std::memory_order_acquire);
            if (buffer->readPos < published) {
                sink(buffer->threadLane, chunk->events + buffer->readPos, published - buffer->readPos);
                moved += published - buffer->readPos;
                buffer->readPos = published;
            }
            if (buffer->readPos < TraceChunk::Capacity)
                break;
            TraceChunk *next = chunk->next.load(std::memory_order_acquire);
            if (!next)
                break;
            {
                // Hand each chunk back as soon as it is read (a lock per 1,024 events): freeing them
                // in one batch at the end let malloc trim the heap, and the next chunks faulted in
                // again (4x slower drains measured).
                QMutexLocker lock(&p.mutex);
                p.recycle(chunk);
            }
            buffer->readChunk = next;
            buffer->readPos = 0;
        }
        if (retired)
            retiredBuffers.push_back(buffer);
    }
    if (!retiredBuffers.empty()) {
        QMutexLocker lock(&p.mutex);
        for (ThreadTraceBuffer *buffer : retiredBuffers) {
            p.droppedByRetiredThreads.fetch_add(buffer->dropped.load(std::memory_order_relaxed),
                                                std::memory_order_relaxed);
            p.recycle(buffer->readChunk);
            std::erase(p.buffers, buffer);
            delete buffer;
        }
    }
    return moved;
}

quint64 TraceRecorder::droppedEvents() noexcept
{
    BufferPool &p = pool();
    QMutexLocker lock(&p.mutex);
    quint64 total = p.droppedByRetiredThreads.load(std::memory_order_relaxed);
    for (const ThreadTraceBuffer *buffer : p.buffers)
        total += buffer->dropped.load(std::memory_order_relaxed);
    return total;
}

quint64 TraceRecorder::bufferBytes() noexcept
{
    return pool().chunksAllocated.load(std::memory_order_relaxed) * sizeof(TraceChunk);
}

void TraceRecorder::setBufferBudgetBytes(quint64 bytes) noexcept
{
    pool().budgetChunks.store(qMax<quint64>(1, bytes / sizeof(TraceChunk)), std::memory_order_relaxed);
}

quint64 TraceRecorder::bufferBudgetBytes() noexcept
{
    return pool().budgetChunks.load(std::memory_order_relaxed) * sizeof(TraceChunk);
}

TraceRecorder::ActivitySnapshot TraceRecorder::snapshotOf(const ThreadActivity &activity)
{
    ActivitySnapshot snapshot;
    snapshot.coroutine = activity.coroutine.load(std::memory_order_relaxed);
    snapshot.coroutineSinceTicks = activity.coroutineSinceTicks.load(std::memory_order_relaxed);
    const std::uint32_t depth = qMin(activity.depth.load(std::memory_order_acquire), ThreadActivity::MaxScopes);
    for (std::uint32_t d = 0; d < depth; ++d) {
        snapshot.scopeNames.append(activity.scopeName[d].load(std::memory_order_relaxed));
        snapshot.scopeLanes.append(activity.scopeLane[d].load(std::memory_order_relaxed));
        snapshot.scopeTicks.append(activity.scopeTicks[d].load(std::memory_order_relaxed));
    }
    return snapshot;
}

bool TraceRecorder::activity(LaneId threadLane, ActivitySnapshot *snapshot)
{
    BufferPool &p = pool();
    QMutexLocker lock(&p.mutex);
    for (const ThreadTraceBuffer *buffer : p.buffers) {
        if (buffer->threadLane == threadLane) {
            *snapshot = snapshotOf(buffer->activity);
            return true;
        }
    }
    return false;
}

const ThreadActivity *TraceRecorder::currentThreadActivity() noexcept
{
    ThreadTraceBuffer *buffer = t_traceBuffer;
    if (!buffer)
        buffer = prepare();
    return buffer ? &buffer->activity : nullptr;
}

} // namespace Taskscope::Trace
