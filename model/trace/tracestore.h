#pragma once

#include "model/trace/chunkedcolumn.h"
#include "model/trace/laneregistry.h"
#include "model/trace/pendingflowtable.h"
#include "model/trace/runledger.h"
#include "model/trace/tracetypes.h"

#include <QHash>
#include <QList>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

namespace Taskscope::Trace {

struct TraceEvent;

/// One stored span: 32 bytes. Spans of one lane and depth never overlap and are sorted by start
/// (hence also by end), which is what makes range queries a binary search.
struct StoredSpan
{
    static constexpr qint64 OpenEnd = std::numeric_limits<qint64>::max();

    qint64 startNs = 0;
    qint64 endNs = OpenEnd; ///< OpenEnd while the span is still open
    NameId name = 0;
    std::uint32_t link = 0; ///< thread lane of a coroutine segment, or coroutine lane of a ThreadRunsCoroutine span
    std::uint32_t arg = 0; ///< the span's argument (low 32 bits)
    SpanKind kind = SpanKind::Span;
    std::uint8_t flags = 0;
    std::uint16_t reserved = 0;

    bool isOpen() const { return endNs == OpenEnd; }
};
static_assert(sizeof(StoredSpan) == 32, "a stored span is 32 bytes");

struct StoredInstant
{
    qint64 ns = 0;
    NameId name = 0;
    std::uint32_t arg = 0;
};

struct CounterSample
{
    qint64 ns = 0;
    double value = 0;
};

struct StoredFlow
{
    qint64 fromNs = 0;
    qint64 toNs = 0;
    LaneId fromLane = NoLane;
    LaneId toLane = NoLane;
    NameId name = 0;
    std::uint32_t reserved = 0;
    std::uint64_t id = 0;
};

struct AlertBand
{
    qint64 startNs = 0;
    qint64 endNs = StoredSpan::OpenEnd;
    LaneId lane = NoLane;
    NameId name = 0;
    std::uint32_t alertId = 0;
};

/// One level-of-detail item: a span, or several sub-pixel spans folded together (kind Folded,
/// count > 1). A fold of coroutine state segments says how its time splits between the states
/// (shares out of ShareScale) and takes the kind of the state that holds most of it; any other fold
/// takes the kind of its first span.
struct SpanItem
{
    static constexpr int ShareScale = 255;

    qint64 startNs = 0;
    qint64 endNs = 0; ///< open spans end at the store's lastNs()
    NameId name = 0;
    std::uint32_t link = 0;
    std::uint32_t arg = 0;
    std::uint32_t count = 1;
    std::uint16_t depth = 0;
    SpanKind kind = SpanKind::Span;
    SpanKind foldedKind = SpanKind::Span;
    bool open = false;
    std::uint8_t runningShare = 0; ///< coroutine folds: running time, out of ShareScale
    std::uint8_t suspendedShare = 0;
    std::uint8_t readyShare = 0;

    bool hasStateShares() const { return runningShare + suspendedShare + readyShare > 0; }
};

struct InstantItem
{
    qint64 ns = 0;
    NameId name = 0;
    std::uint32_t arg = 0;
    std::uint32_t count = 1; ///< instants merged into this pixel column
};

struct CounterItem
{
    qint64 startNs = 0;
    qint64 endNs = 0;
    double min = 0;
    double max = 0;
    double last = 0;
};

/// The timeline's data: per-lane spans, instants, counters, flows and alert bands, bounded by
/// whole runs (keep the newest N within a memory budget), an optional time window and an item cap. Fed by
/// TraceRecorder::drain() (or built directly by an import or a test). Not thread-safe: one thread (the UI thread) owns
/// it.
class TraceStore final
{
public:
    TraceStore();
    Q_DISABLE_COPY_MOVE(TraceStore)

    // Limits. Items are spans, instants, counter samples and flows.
    static constexpr quint64 DefaultCapacity = 8'000'000;
    static constexpr int MaxDepth = 128;
    void setRetentionNs(qint64 windowNs) { m_retentionNs = windowNs; } ///< 0 keeps everything
    qint64 retentionNs() const { return m_retentionNs; }
    void setCapacity(quint64 maxItems);
    quint64 capacity() const { return m_capacity; }
    /// Retention by runs: keep the newest `keepRuns` runs (0: any number) within `budgetBytes` of
    /// trace data (0: no budget). Past either, the oldest ended run goes whole; only when the runs
    /// left cannot go (one run alone, or the oldest still running) is the oldest data trimmed.
    void setKeepRuns(int keepRuns) { m_keepRuns = std::max(0, keepRuns); }
    int keepRuns() const { return m_keepRuns; }
    void setBudgetBytes(quint64 budgetBytes) { m_budgetBytes = budgetBytes; }
    quint64 budgetBytes() const { return m_budgetBytes; }
    /// A run (a task the user started) begins or ends at this trace time.
    void beginRun(quint64 runId, qint64 startNs) { m_runs.begin(runId, startNs); }
    void endRun(quint64 runId, qint64 endNs) { m_runs.end(runId, endNs); }
    const Retention::RunLedger &runs() const { return m_runs; }
    /// Whole runs let go, and the items they held.
    quint64 evictedRuns() const { return m_runs.evictedRuns(); }
    quint64 evictedRunItems() const { return m_evictedRunItems; }
    /// Items trimmed from the oldest data because nothing whole could go (or by the time window).
    quint64 trimmedItems() const { return m_droppedItems - m_evictedRunItems; }
    /// Items dropped by any bound, and malformed events ignored.
    quint64 droppedItems() const { return m_droppedItems; }
    quint64 rejectedEvents() const { return m_rejectedEvents; }
    /// Data before this time has been dropped (0 when nothing was).
    qint64 horizonNs() const { return m_horizonNs; }

    // Feeding.
    /// Mirrors new and changed lanes from the process-wide LaneRegistry.
    void syncLanes();
    /// Events recorded by the thread behind `threadLane`, in that thread's order.
    void ingest(LaneId threadLane, const TraceEvent *events, std::size_t count);
    /// Applies retention and the cap; the drain calls it after each batch.
    void afterIngest();

    // Building directly (imports, tests).
    void setLane(const LaneInfo &info);
    void addSpan(LaneId lane, qint64 startNs, qint64 endNs, NameId name, SpanKind kind = SpanKind::Span,
                 std::uint32_t link = 0, std::uint32_t arg = 0);
    void beginSpan(LaneId lane, qint64 ns, NameId name, std::uint32_t arg = 0);
    void endSpan(LaneId lane, qint64 ns, NameId name = 0);
    void addInstant(LaneId lane, qint64 ns, NameId name, std::uint32_t arg = 0);
    void addCounter(LaneId lane, NameId name, qint64 ns, double value);
    void addFlow(const StoredFlow &flow);
    void setCoroutineState(LaneId coroutineLane, LaneId threadLane, qint64 ns, CoroutineState state, NameId what);
    void setAlert(LaneId lane, std::uint32_t alertId, NameId name, qint64 startNs, qint64 endNs);
    void clear();

    // Lanes.
    const QList<LaneInfo> &lanes() const { return m_laneList; }
    LaneInfo lane(LaneId id) const;
    bool hasLane(LaneId id) const { return id < m_laneIndex.size() && m_laneIndex[id] >= 0; }
    quint64 laneGeneration() const { return m_laneGeneration; }

    // Queries.
    qint64 firstNs() const { return m_firstNs; }
    qint64 lastNs() const { return m_lastNs; }
    int depthCount(LaneId lane) const;
    quint64 spanCount() const { return m_spanCount; }
    quint64 itemCount() const { return m_spanCount + m_otherCount; }
    /// Approximate bytes held by the store's columns.
    quint64 memoryBytes() const;

    /// Spans of `lane` overlapping [t0, t1), at most a few items per `minPx`-wide pixel column per
    /// depth: spans narrower than minPx pixels are folded with their sub-pixel neighbours. Appends to out.
    void querySpans(LaneId lane, qint64 t0, qint64 t1, double nsPerPx, std::vector<SpanItem> &out,
                    double minPx = 3.0) const;
    /// The span at `depth` covering time t (within toleranceNs), or nullptr.
    const StoredSpan *spanAt(LaneId lane, int depth, qint64 t, qint64 toleranceNs = 0) const;
    /// Every span of a lane overlapping [t0, t1), all depths, in depth then time order.
    template<typename Visit>
    void forEachSpan(LaneId lane, qint64 t0, qint64 t1, Visit visit) const;
    /// Instants merged per pixel column.
    void queryInstants(LaneId lane, qint64 t0, qint64 t1, double nsPerPx, std::vector<InstantItem> &out) const;
    /// Counter names recorded on a lane.
    QList<NameId> counterNames(LaneId lane) const;
    /// A counter's min/max/last per pixel column (raw samples when they are fewer than columns).
    void queryCounter(LaneId lane, NameId name, qint64 t0, qint64 t1, double nsPerPx,
                      std::vector<CounterItem> &out) const;
    /// The counter's last value at or before t (false if none).
    bool counterValueAt(LaneId lane, NameId name, qint64 t, double *value) const;
    /// How many samples of a counter fall in [t0, t1) (two binary searches), so a view can choose
    /// between queryCounter's exact per-column min/max and sampling with counterValueAt.
    std::size_t counterSampleCount(LaneId lane, NameId name, qint64 t0, qint64 t1) const;
    /// Flows overlapping [t0, t1) (from < t1 and to >= t0), at most maxCount.
    void queryFlows(qint64 t0, qint64 t1, std::vector<StoredFlow> &out, std::size_t maxCount = 4096) const;
    const std::vector<AlertBand> &alertBands() const { return m_alerts; }

    // Whole-store iteration for exporters.
    template<typename Visit>
    void forEachInstant(LaneId lane, Visit visit) const;
    template<typename Visit>
    void forEachCounterSample(LaneId lane, Visit visit) const; ///< visit(NameId, const CounterSample &)
    template<typename Visit>
    void forEachFlow(Visit visit) const;

private:
    struct Open
    {
        std::uint16_t depth;
        SpanKind kind;
        NameId name;
        std::uint32_t link;
        std::size_t absoluteIndex;
    };
    struct CounterSeries
    {
        NameId name = 0;
        ChunkedColumn<CounterSample, 10> samples;
    };
    struct Track
    {
        std::vector<ChunkedColumn<StoredSpan, 12>> depths;
        std::vector<Open> open;
        ChunkedColumn<StoredInstant, 10> instants;
        std::vector<CounterSeries> counters;
        // Coroutine lanes: the open state segment (depth 0) and where the coroutine is running.
        bool hasSegment = false;
        LaneId runningOn = NoLane;
    };
    Track &track(LaneId lane);
    const Track *findTrack(LaneId lane) const;
    LaneKind kindOf(LaneId lane) const;
    int placeDepth(Track &track, qint64 startNs, int minDepth);
    void pushSpan(LaneId lane, Track &track, int depth, const StoredSpan &span);
    /// Puts a span on the first free depth from minDepth up; -1 (counted as rejected) past MaxDepth.
    int placeSpan(LaneId lane, Track &track, int minDepth, const StoredSpan &span);
    void openSpan(LaneId lane, qint64 ns, NameId name, SpanKind kind, std::uint32_t link, std::uint32_t arg);
    bool closeSpan(LaneId lane, qint64 ns, NameId name, SpanKind kind, std::uint32_t link);
    void noteTime(qint64 ns);
    /// Drops what ends before the horizon; returns how many items went.
    quint64 evictBefore(qint64 horizonNs);
    void applyRunRetention();
    bool overBounds(quint64 itemTarget, quint64 byteTarget) const;
    void flowOut(LaneId lane, qint64 ns, NameId name, std::uint64_t id);
    void flowIn(LaneId lane, qint64 ns, NameId name, std::uint64_t id);

    QList<LaneInfo> m_laneList;
    std::vector<int> m_laneIndex; // lane id -> index in m_laneList, -1 if unknown
    std::vector<Track> m_tracks; // by lane id
    quint64 m_laneGeneration = 0;
    quint64 m_registryGeneration = 0;

    void flushFlows() const;
    /// Sets a coroutine fold's state shares from the spans [begin, end) of one depth.
    void foldStates(const ChunkedColumn<StoredSpan, 12> &column, std::size_t begin, std::size_t end,
                    SpanItem &item) const;

    // Flows arrive from every thread's batch in turn, so they are collected unsorted and merged in
    // time order when queried or after each drain; inserting each one in place was quadratic.
    mutable ChunkedColumn<StoredFlow, 10> m_flows; // sorted by toNs
    mutable std::vector<StoredFlow> m_flowBatch;
    // Flow ends waiting for their partner: one probe each, no hashing (ids are dense).
    PendingFlowTable m_pendingOut;
    PendingFlowTable m_pendingIn;
    qint64 m_maxFlowNs = 0;
    std::vector<AlertBand> m_alerts;

    qint64 m_firstNs = std::numeric_limits<qint64>::max();
    qint64 m_lastNs = 0;
    qint64 m_horizonNs = 0;
    qint64 m_retentionNs = 0;
    qint64 m_lastRetentionCheckNs = 0;
    qint64 m_lastBudgetCheckNs = 0;
    Retention::RunLedger m_runs;
    int m_keepRuns = 0;
    quint64 m_budgetBytes = 0;
    quint64 m_evictedRunItems = 0;
    quint64 m_capacity = DefaultCapacity;
    quint64 m_spanCount = 0;
    quint64 m_otherCount = 0;
    quint64 m_droppedItems = 0;
    quint64 m_rejectedEvents = 0;
};

template<typename Visit>
void TraceStore::forEachSpan(LaneId lane, qint64 t0, qint64 t1, Visit visit) const
{
    const Track *t = findTrack(lane);
    if (!t)
        return;
    for (std::size_t d = 0; d < t->depths.size(); ++d) {
        const auto &column = t->depths[d];
        std::size_t i = column.lowerBound([](const StoredSpan &s) { return s.endNs; }, t0 + 1);
        for (; i < column.size() && column[i].startNs < t1; ++i)
            visit(int(d), column[i]);
    }
}

template<typename Visit>
void TraceStore::forEachInstant(LaneId lane, Visit visit) const
{
    if (const Track *t = findTrack(lane)) {
        for (std::size_t i = 0; i < t->instants.size(); ++i)
            visit(t->instants[i]);
    }
}

template<typename Visit>
void TraceStore::forEachCounterSample(LaneId lane, Visit visit) const
{
    if (const Track *t = findTrack(lane)) {
        for (const CounterSeries &series : t->counters) {
            for (std::size_t i = 0; i < series.samples.size(); ++i)
                visit(series.name, series.samples[i]);
        }
    }
}

template<typename Visit>
void TraceStore::forEachFlow(Visit visit) const
{
    flushFlows();
    for (std::size_t i = 0; i < m_flows.size(); ++i)
        visit(m_flows[i]);
}

} // namespace Taskscope::Trace
