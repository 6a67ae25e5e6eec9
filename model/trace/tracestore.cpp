#include "model/trace/tracestore.h"

#include "model/trace/traceclock.h"
#include "model/trace/tracenames.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace Taskscope::Trace {

namespace {

constexpr qint64 RetentionCheckIntervalNs = 250'000'000;

qint64 endOf(const StoredSpan &span, qint64 lastNs)
{
    return span.isOpen() ? std::max(lastNs, span.startNs) : span.endNs;
}

SpanKind segmentKind(CoroutineState state)
{
    switch (state) {
    case CoroutineState::Running:
        return SpanKind::CoroutineRunning;
    case CoroutineState::Suspended:
        return SpanKind::CoroutineSuspended;
    case CoroutineState::Ready:
        return SpanKind::CoroutineReady;
    case CoroutineState::Finished:
        break;
    }
    return SpanKind::CoroutineSuspended;
}

bool isCoroutineState(SpanKind kind)
{
    return kind == SpanKind::CoroutineRunning || kind == SpanKind::CoroutineSuspended
        || kind == SpanKind::CoroutineReady;
}

} // namespace

TraceStore::TraceStore() = default;

void TraceStore::setCapacity(quint64 maxItems)
{
    m_capacity = std::max<quint64>(maxItems, 1024);
}

// ---- lanes ---------------------------------------------------------------------------------------

void TraceStore::syncLanes()
{
    const quint64 generation = LaneRegistry::generation();
    if (generation == m_registryGeneration)
        return;
    quint64 newGeneration = 0;
    const QList<LaneInfo> changed = LaneRegistry::changedSince(m_registryGeneration, &newGeneration);
    for (const LaneInfo &info : changed)
        setLane(info);
    m_registryGeneration = newGeneration;
}

void TraceStore::setLane(const LaneInfo &info)
{
    if (info.id == NoLane)
        return;
    if (info.id >= m_laneIndex.size())
        m_laneIndex.resize(info.id + 1, -1);
    int &index = m_laneIndex[info.id];
    if (index < 0) {
        index = int(m_laneList.size());
        m_laneList.append(info);
    } else {
        m_laneList[index] = info;
    }
    ++m_laneGeneration;
}

LaneInfo TraceStore::lane(LaneId id) const
{
    if (!hasLane(id))
        return {};
    return m_laneList[m_laneIndex[id]];
}

LaneKind TraceStore::kindOf(LaneId lane) const
{
    return hasLane(lane) ? m_laneList[m_laneIndex[lane]].kind : LaneKind::Stream;
}

TraceStore::Track &TraceStore::track(LaneId lane)
{
    if (lane >= m_tracks.size())
        m_tracks.resize(std::max<std::size_t>(lane + 1, m_tracks.size() * 3 / 2));
    if (!hasLane(lane)) {
        // Events can name a lane this store has not heard of (a hand-built store, a lane created
        // after the last sync); give it a placeholder so nothing is lost.
        LaneInfo info = LaneRegistry::info(lane);
        if (info.id != lane) {
            info = LaneInfo {};
            info.id = lane;
            info.kind = LaneKind::Stream;
            info.name = TraceNames::intern(QStringLiteral("lane %1").arg(lane));
        }
        setLane(info);
    }
    return m_tracks[lane];
}

const TraceStore::Track *TraceStore::findTrack(LaneId lane) const
{
    return lane < m_tracks.size() ? &m_tracks[lane] : nullptr;
}

int TraceStore::depthCount(LaneId lane) const
{
    const Track *t = findTrack(lane);
    return t ? int(t->depths.size()) : 0;
}

// ---- feeding -------------------------------------------------------------------------------------

void TraceStore::noteTime(qint64 ns)
{
    if (ns > m_lastNs)
        m_lastNs = ns;
    if (ns < m_firstNs)
        m_firstNs = ns;
}

int TraceStore::placeDepth(Track &t, qint64 startNs, int minDepth)
{
    // Above every open span of the lane, then up past any depth whose last span still overlaps:
    // this keeps each depth free of overlaps even when writers interleave.
    int depth = minDepth;
    if (!t.open.empty())
        depth = std::max(depth, int(t.open.back().depth) + 1);
    while (depth < int(t.depths.size())) {
        const auto &column = t.depths[depth];
        if (column.empty() || column.back().endNs <= startNs)
            return depth;
        ++depth;
    }
    if (depth >= MaxDepth)
        return -1;
    return depth;
}

void TraceStore::pushSpan(LaneId, Track &t, int depth, const StoredSpan &span)
{
    if (depth >= int(t.depths.size()))
        t.depths.resize(depth + 1);
    t.depths[depth].push_back(span);
    ++m_spanCount;
}

int TraceStore::placeSpan(LaneId lane, Track &t, int minDepth, const StoredSpan &span)
{
    const int depth = placeDepth(t, span.startNs, minDepth);
    if (depth < 0) {
        ++m_rejectedEvents;
        return -1;
    }
    pushSpan(lane, t, depth, span);
    noteTime(span.startNs);
    if (!span.isOpen())
        noteTime(span.endNs);
    return depth;
}

void TraceStore::openSpan(LaneId lane, qint64 ns, NameId name, SpanKind kind, std::uint32_t link, std::uint32_t arg)
{
    Track &t = track(lane);
    StoredSpan span;
    span.startNs = ns;
    span.name = name;
    span.kind = kind;
    span.link = link;
    span.arg = arg;
    const int depth = placeSpan(lane, t, kindOf(lane) == LaneKind::Coroutine ? 1 : 0, span);
    if (depth >= 0)
        t.open.push_back(
            Open {std::uint16_t(depth), kind, name, link, t.depths[depth].dropped() + t.depths[depth].size() - 1});
}

bool TraceStore::closeSpan(LaneId lane, qint64 ns, NameId name, SpanKind kind, std::uint32_t link)
{
    if (lane >= m_tracks.size())
        return false;
    Track &t = m_tracks[lane];
    for (std::size_t i = t.open.size(); i-- > 0;) {
        const Open &o = t.open[i];
        const bool matches = kind == SpanKind::ThreadRunsCoroutine
            ? (o.kind == kind && o.link == link)
            : (o.kind == SpanKind::Span && (name == 0 || o.name == name));
        if (!matches)
            continue;
        auto &column = t.depths[o.depth];
        StoredSpan &span = column[o.absoluteIndex - column.dropped()];
        span.endNs = std::max(ns, span.startNs);
        t.open.erase(t.open.begin() + std::ptrdiff_t(i));
        noteTime(ns);
        return true;
    }
    return false;
}

void TraceStore::beginSpan(LaneId lane, qint64 ns, NameId name, std::uint32_t arg)
{
    openSpan(lane, ns, name, SpanKind::Span, 0, arg);
}

void TraceStore::endSpan(LaneId lane, qint64 ns, NameId name)
{
    if (!closeSpan(lane, ns, name, SpanKind::Span, 0))
        ++m_rejectedEvents;
}

void TraceStore::addSpan(LaneId lane, qint64 startNs, qint64 endNs, NameId name, SpanKind kind, std::uint32_t link,
                         std::uint32_t arg)
{
    if (endNs < startNs) {
        ++m_rejectedEvents;
        return;
    }
    StoredSpan span;
    span.startNs = startNs;
    span.endNs = endNs;
    span.name = name;
    span.kind = kind;
    span.link = link;
    span.arg = arg;
    Track &t = track(lane); // first: it may register the lane, and so its kind
    const int minDepth = kindOf(lane) == LaneKind::Coroutine && kind == SpanKind::Span ? 1 : 0;
    placeSpan(lane, t, minDepth, span);
}

void TraceStore::addInstant(LaneId lane, qint64 ns, NameId name, std::uint32_t arg)
{
    Track &t = track(lane);
    t.instants.insertSorted(StoredInstant {ns, name, arg},
                            [](const StoredInstant &a, const StoredInstant &b) { return a.ns < b.ns; });
    ++m_otherCount;
    noteTime(ns);
}

void TraceStore::addCounter(LaneId lane, NameId name, qint64 ns, double value)
{
    Track &t = track(lane);
    CounterSeries *series = nullptr;
    for (CounterSeries &s : t.counters) {
        if (s.name == name) {
            series = &s;
            break;
        }
    }
    if (!series) {
        t.counters.emplace_back();
        series = &t.counters.back();
        series->name = name;
    }
    series->samples.insertSorted(CounterSample {ns, value},
                                 [](const CounterSample &a, const CounterSample &b) { return a.ns < b.ns; });
    ++m_otherCount;
    noteTime(ns);
}

void TraceStore::addFlow(const StoredFlow &flow)
{
    if (flow.toNs < flow.fromNs) {
        ++m_rejectedEvents;
        return;
    }
    m_flowBatch.push_back(flow);
    m_maxFlowNs = std::max(m_maxFlowNs, flow.toNs - flow.fromNs);
    ++m_otherCount;
    noteTime(flow.fromNs);
    noteTime(flow.toNs);
}

void TraceStore::flushFlows() const
{
    if (m_flowBatch.empty())
        return;
    const auto byEnd = [](const StoredFlow &a, const StoredFlow &b) { return a.toNs < b.toNs; };
    std::stable_sort(m_flowBatch.begin(), m_flowBatch.end(), byEnd);
    // Usually the whole batch is newer than what is stored; the few that are not walk back a little.
    for (const StoredFlow &flow : m_flowBatch) {
        if (m_flows.empty() || m_flows.back().toNs <= flow.toNs)
            m_flows.push_back(flow);
        else
            m_flows.insertSorted(flow, byEnd);
    }
    m_flowBatch.clear();
}

void TraceStore::flowOut(LaneId lane, qint64 ns, NameId name, std::uint64_t id)
{
    PendingFlowTable::Entry in;
    if (m_pendingIn.take(id, &in)) {
        addFlow(StoredFlow {ns, in.ns, lane, in.lane, name, 0, id});
        return;
    }
    m_droppedItems += m_pendingOut.put(id, {ns, lane, name});
}

void TraceStore::flowIn(LaneId lane, qint64 ns, NameId name, std::uint64_t id)
{
    PendingFlowTable::Entry out;
    if (m_pendingOut.take(id, &out)) {
        addFlow(StoredFlow {out.ns, ns, out.lane, lane, out.name ? out.name : name, 0, id});
        return;
    }
    m_droppedItems += m_pendingIn.put(id, {ns, lane, name});
}

void TraceStore::setCoroutineState(LaneId coroutineLane, LaneId threadLane, qint64 ns, CoroutineState state,
                                   NameId what)
{
    Track &t = track(coroutineLane);
    // Close the current segment and, if it was running, its mirror on the thread lane.
    if (t.hasSegment && !t.depths.empty() && !t.depths[0].empty()) {
        StoredSpan &segment = t.depths[0].back();
        if (segment.isOpen())
            segment.endNs = std::max(ns, segment.startNs);
        t.hasSegment = false;
    }
    if (t.runningOn != NoLane) {
        closeSpan(t.runningOn, ns, 0, SpanKind::ThreadRunsCoroutine, coroutineLane);
        t.runningOn = NoLane;
    }
    noteTime(ns);
    if (state == CoroutineState::Finished)
        return;

    StoredSpan segment;
    segment.startNs = ns;
    if (!t.depths.empty() && !t.depths[0].empty())
        segment.startNs = std::max(ns, t.depths[0].back().endNs == StoredSpan::OpenEnd ? ns : t.depths[0].back().endNs);
    segment.name = what;
    segment.kind = segmentKind(state);
    segment.link = threadLane;
    pushSpan(coroutineLane, t, 0, segment);
    t.hasSegment = true;

    if (state == CoroutineState::Running && threadLane != NoLane) {
        const NameId laneName = hasLane(coroutineLane) ? lane(coroutineLane).name : what;
        openSpan(threadLane, ns, laneName, SpanKind::ThreadRunsCoroutine, coroutineLane, 0);
        // openSpan may grow m_tracks: look the coroutine's track up again rather than keep `t`.
        m_tracks[coroutineLane].runningOn = threadLane;
    }
}

void TraceStore::setAlert(LaneId lane, std::uint32_t alertId, NameId name, qint64 startNs, qint64 endNs)
{
    for (AlertBand &band : m_alerts) {
        if (band.alertId == alertId && band.lane == lane) {
            band.endNs = endNs;
            if (name)
                band.name = name;
            noteTime(endNs == StoredSpan::OpenEnd ? startNs : endNs);
            return;
        }
    }
    m_alerts.push_back(AlertBand {startNs, endNs, lane, name, alertId});
    noteTime(startNs);
}

void TraceStore::ingest(LaneId threadLane, const TraceEvent *events, std::size_t count)
{
    for (std::size_t i = 0; i < count; ++i) {
        const TraceEvent &e = events[i];
        const qint64 ns = TraceClock::toNs(e.ticks);
        switch (e.kind) {
        case EventKind::Begin:
            openSpan(e.lane, ns, e.name, SpanKind::Span, 0, std::uint32_t(e.arg));
            break;
        case EventKind::End:
            if (!closeSpan(e.lane, ns, e.name, SpanKind::Span, 0))
                ++m_rejectedEvents;
            break;
        case EventKind::Complete:
            addSpan(e.lane, ns, std::max(ns, TraceClock::toNs(e.arg)), e.name);
            break;
        case EventKind::Instant:
            addInstant(e.lane, ns, e.name, std::uint32_t(e.arg));
            break;
        case EventKind::Counter:
            addCounter(e.lane, e.name, ns, std::bit_cast<double>(e.arg));
            break;
        case EventKind::FlowOut:
            flowOut(e.lane, ns, e.name, e.arg);
            break;
        case EventKind::FlowIn:
            flowIn(e.lane, ns, e.name, e.arg);
            break;
        case EventKind::CoroutineState:
            if (e.state > std::uint8_t(CoroutineState::Finished)) {
                ++m_rejectedEvents;
                break;
            }
            setCoroutineState(e.lane, threadLane, ns, CoroutineState(e.state), e.name);
            break;
        case EventKind::Alert:
            setAlert(e.lane, e.aux, e.name, ns, e.arg ? TraceClock::toNs(e.arg) : StoredSpan::OpenEnd);
            break;
        default:
            ++m_rejectedEvents;
            break;
        }
    }
}

void TraceStore::afterIngest()
{
    flushFlows();
    if (m_retentionNs > 0 && m_lastNs - m_lastRetentionCheckNs >= RetentionCheckIntervalNs) {
        m_lastRetentionCheckNs = m_lastNs;
        if (m_lastNs - m_retentionNs > m_horizonNs)
            evictBefore(m_lastNs - m_retentionNs);
    }
    applyRunRetention();
    TraceClock::recalibrate();
}

bool TraceStore::overBounds(quint64 itemTarget, quint64 byteTarget) const
{
    return itemCount() > itemTarget || (byteTarget > 0 && memoryBytes() > byteTarget);
}

void TraceStore::applyRunRetention()
{
    const qint64 beyond = m_runs.evictBeyond(m_keepRuns);
    if (beyond >= 0)
        m_evictedRunItems += evictBefore(beyond);
    // memoryBytes() walks every lane, so the budget is checked a few times per second of trace
    // time; the item cap (a counter) on every batch.
    const bool budgetDue = m_budgetBytes > 0 && m_lastNs - m_lastBudgetCheckNs >= RetentionCheckIntervalNs;
    if (!budgetDue && itemCount() <= m_capacity)
        return;
    if (budgetDue)
        m_lastBudgetCheckNs = m_lastNs;
    const quint64 budget = budgetDue ? m_budgetBytes : 0;
    if (!overBounds(m_capacity, budget))
        return;
    // Go a little under the bound so the cost of a pass is paid rarely. Whole runs first, oldest first.
    const quint64 itemTarget = m_capacity - m_capacity / 16;
    const quint64 byteTarget = budget - budget / 16;
    while (overBounds(itemTarget, byteTarget) && m_runs.canEvictOldest())
        m_evictedRunItems += evictBefore(m_runs.evictOldest());
    // Nothing whole can go (one run alone, or the oldest still running): trim the oldest data, in
    // steps, so what is kept stays one time range for every lane.
    int passes = 0;
    while (overBounds(itemTarget, byteTarget) && m_horizonNs < m_lastNs && passes < 64) {
        const qint64 from = std::max(m_horizonNs, m_firstNs == std::numeric_limits<qint64>::max() ? 0 : m_firstNs);
        const qint64 step = std::max<qint64>((m_lastNs - from) / 8, 1);
        evictBefore(from + step);
        ++passes;
    }
    if (passes)
        m_runs.markTrimmedBefore(m_horizonNs);
}

quint64 TraceStore::evictBefore(qint64 horizonNs)
{
    if (horizonNs <= m_horizonNs)
        return 0;
    const quint64 droppedBefore = m_droppedItems;
    m_horizonNs = horizonNs;
    for (Track &t : m_tracks) {
        for (auto &column : t.depths) {
            // Sorted by end: count the closed spans that end before the horizon.
            std::size_t n = 0;
            while (n < column.size() && !column[n].isOpen() && column[n].endNs < horizonNs)
                ++n;
            if (n) {
                column.pop_front(n);
                m_spanCount -= n;
                m_droppedItems += n;
            }
        }
        const std::size_t instants = t.instants.lowerBound([](const StoredInstant &s) { return s.ns; }, horizonNs);
        if (instants) {
            t.instants.pop_front(instants);
            m_otherCount -= instants;
            m_droppedItems += instants;
        }
        for (CounterSeries &series : t.counters) {
            // Keep the last sample before the horizon: it is the value at the horizon.
            std::size_t n = series.samples.lowerBound([](const CounterSample &s) { return s.ns; }, horizonNs);
            if (n > 1) {
                series.samples.pop_front(n - 1);
                m_otherCount -= n - 1;
                m_droppedItems += n - 1;
            }
        }
    }
    flushFlows();
    const std::size_t flows = m_flows.lowerBound([](const StoredFlow &f) { return f.toNs; }, horizonNs);
    if (flows) {
        m_flows.pop_front(flows);
        m_otherCount -= flows;
        m_droppedItems += flows;
    }
    std::erase_if(m_alerts, [horizonNs](const AlertBand &band) { return band.endNs < horizonNs; });
    if (m_firstNs < horizonNs)
        m_firstNs = horizonNs;
    return m_droppedItems - droppedBefore;
}

void TraceStore::clear()
{
    m_tracks.clear();
    m_flows.clear();
    m_flowBatch.clear();
    m_pendingOut.clear();
    m_pendingIn.clear();
    m_alerts.clear();
    m_runs.clear();
    m_spanCount = 0;
    m_otherCount = 0;
    m_firstNs = std::numeric_limits<qint64>::max();
    m_lastNs = 0;
    m_horizonNs = 0;
    m_maxFlowNs = 0;
}

quint64 TraceStore::memoryBytes() const
{
    quint64 bytes = m_tracks.capacity() * sizeof(Track) + m_flows.capacityBytes()
        + m_flowBatch.capacity() * sizeof(StoredFlow) + m_pendingOut.memoryBytes() + m_pendingIn.memoryBytes();
    for (const Track &t : m_tracks) {
        for (const auto &column : t.depths)
            bytes += column.capacityBytes();
        bytes += t.depths.capacity() * sizeof(ChunkedColumn<StoredSpan, 12>);
        bytes += t.instants.capacityBytes();
        for (const CounterSeries &series : t.counters)
            bytes += series.samples.capacityBytes() + sizeof(CounterSeries);
    }
    return bytes;
}

// ---- queries -------------------------------------------------------------------------------------

void TraceStore::querySpans(LaneId lane, qint64 t0, qint64 t1, double nsPerPx, std::vector<SpanItem> &out,
                            double minPx) const
{
    const Track *t = findTrack(lane);
    if (!t || t1 <= t0)
        return;
    const qint64 minNs = std::max<qint64>(1, qint64(std::ceil(minPx * std::max(nsPerPx, 0.0))));
    const auto byStart = [](const StoredSpan &s) { return s.startNs; };
    const auto byEnd = [](const StoredSpan &s) { return s.endNs; };

    for (std::size_t d = 0; d < t->depths.size(); ++d) {
        const auto &column = t->depths[d];
        const std::size_t n = column.size();
        std::size_t i = column.lowerBound(byEnd, t0 + 1);
        while (i < n) {
            const StoredSpan &first = column[i];
            if (first.startNs >= t1)
                break;
            const qint64 firstEnd = endOf(first, m_lastNs);
            const auto single = [&] {
                out.push_back(SpanItem {first.startNs, firstEnd, first.name, first.link, first.arg, 1, std::uint16_t(d),
                                        first.kind, first.kind, first.isOpen()});
            };
            if (firstEnd - first.startNs >= minNs) {
                single();
                ++i;
                continue;
            }
            // Fold a run of sub-pixel spans: jump a pixel column at a time with a binary search, so
            // a column full of tiny spans costs one search, not a walk.
            const qint64 foldStart = first.startNs;
            qint64 foldEnd = firstEnd;
            std::size_t j = i;
            for (;;) {
                const std::size_t k = column.gallopingLowerBound(byStart, std::max(foldEnd, column[j].startNs + minNs),
                                                                 j + 1);
                // [j, k) start inside the fold's reach; the last of them may be wide.
                const StoredSpan &last = column[k - 1];
                const qint64 lastEnd = endOf(last, m_lastNs);
                if (k - 1 > j && lastEnd - last.startNs >= minNs) {
                    foldEnd = std::max(foldEnd, endOf(column[k - 2], m_lastNs));
                    j = k - 1;
                    break;
                }
                foldEnd = std::max(foldEnd, lastEnd);
                j = k;
                // A fold covers at most one minPx cell, so dense stretches keep their shape as
                // one item per cell with its count instead of one block for the whole range.
                if (j >= n || column[j].startNs >= t1 || column[j].startNs >= foldEnd + minNs
                    || column[j].startNs >= foldStart + minNs)
                    break;
                const StoredSpan &next = column[j];
                if (endOf(next, m_lastNs) - next.startNs >= minNs)
                    break;
            }
            const std::uint32_t count = std::uint32_t(std::min<std::size_t>(j - i, 0xffffffffu));
            if (count == 1) {
                single();
            } else {
                SpanItem fold {foldStart, foldEnd,          first.name,       first.link, first.arg,
                               count,     std::uint16_t(d), SpanKind::Folded, first.kind, false};
                if (isCoroutineState(first.kind))
                    foldStates(column, i, j, fold);
                out.push_back(fold);
            }
            i = j;
        }
    }
}

void TraceStore::foldStates(const ChunkedColumn<StoredSpan, 12> &column, std::size_t begin, std::size_t end,
                            SpanItem &item) const
{
    // A fold's colour must not be the colour of whichever segment came first: zoomed out, a lane
    // that is suspended most of the time would read as ready. Sum each state's time instead. A long
    // fold is sampled in a few runs of consecutive segments spread over it: runs, not single
    // segments at a stride, because states repeat in a cycle and a stride could see only one of them.
    constexpr std::size_t Run = 6, Runs = 8;
    const std::size_t count = end - begin;
    const std::size_t step = count <= Run * Runs ? count : count / Runs;
    const std::size_t take = count <= Run * Runs ? count : Run;
    qint64 ns[3] = {0, 0, 0}; // running, suspended, ready
    for (std::size_t first = begin; first < end; first += step) {
        const std::size_t last = std::min(end, first + take);
        for (std::size_t k = first; k < last; ++k) {
            const StoredSpan &s = column[k];
            const qint64 length = (s.isOpen() ? std::max(m_lastNs, s.startNs) : s.endNs) - s.startNs;
            ns[s.kind == SpanKind::CoroutineRunning ? 0 : (s.kind == SpanKind::CoroutineReady ? 2 : 1)] += length;
        }
    }
    const qint64 total = ns[0] + ns[1] + ns[2];
    if (total <= 0)
        return;
    const auto share = [total](qint64 part) { return std::uint8_t((part * SpanItem::ShareScale + total / 2) / total); };
    item.runningShare = share(ns[0]);
    item.readyShare = share(ns[2]);
    item.suspendedShare = std::uint8_t(std::max(0, SpanItem::ShareScale - item.runningShare - item.readyShare));
    if (ns[0] >= ns[1] && ns[0] >= ns[2])
        item.foldedKind = SpanKind::CoroutineRunning;
    else if (ns[1] >= ns[2])
        item.foldedKind = SpanKind::CoroutineSuspended;
    else
        item.foldedKind = SpanKind::CoroutineReady;
}

const StoredSpan *TraceStore::spanAt(LaneId lane, int depth, qint64 t, qint64 toleranceNs) const
{
    const Track *tr = findTrack(lane);
    if (!tr || depth < 0 || depth >= int(tr->depths.size()))
        return nullptr;
    const auto &column = tr->depths[depth];
    // The first span ending after t - tolerance is the only candidate that can cover t.
    const std::size_t i = column.lowerBound([](const StoredSpan &s) { return s.endNs; }, t - toleranceNs);
    if (i >= column.size())
        return nullptr;
    const StoredSpan &span = column[i];
    if (span.startNs - toleranceNs > t)
        return nullptr;
    return &span;
}

void TraceStore::queryInstants(LaneId lane, qint64 t0, qint64 t1, double nsPerPx, std::vector<InstantItem> &out) const
{
    const Track *t = findTrack(lane);
    if (!t || t1 <= t0)
        return;
    const qint64 columnNs = std::max<qint64>(1, qint64(std::ceil(nsPerPx)));
    const auto byNs = [](const StoredInstant &s) { return s.ns; };
    std::size_t i = t->instants.lowerBound(byNs, t0);
    while (i < t->instants.size() && t->instants[i].ns < t1) {
        const StoredInstant &first = t->instants[i];
        const std::size_t j = t->instants.lowerBound(byNs, first.ns + columnNs, i + 1);
        out.push_back(InstantItem {first.ns, first.name, first.arg, std::uint32_t(j - i)});
        i = j;
    }
}

QList<NameId> TraceStore::counterNames(LaneId lane) const
{
    QList<NameId> names;
    if (const Track *t = findTrack(lane)) {
        for (const CounterSeries &series : t->counters)
            names.append(series.name);
    }
    return names;
}

void TraceStore::queryCounter(LaneId lane, NameId name, qint64 t0, qint64 t1, double nsPerPx,
                              std::vector<CounterItem> &out) const
{
    const Track *t = findTrack(lane);
    if (!t || t1 <= t0)
        return;
    for (const CounterSeries &series : t->counters) {
        if (series.name != name)
            continue;
        const auto &samples = series.samples;
        const auto byNs = [](const CounterSample &s) { return s.ns; };
        std::size_t i = samples.lowerBound(byNs, t0);
        if (i > 0)
            --i; // the value in force at t0
        const qint64 columnNs = std::max<qint64>(1, qint64(std::ceil(nsPerPx)));
        while (i < samples.size() && samples[i].ns < t1) {
            const CounterSample &first = samples[i];
            const std::size_t j = samples.lowerBound(byNs, std::max(first.ns, t0) + columnNs, i + 1);
            CounterItem item {first.ns, first.ns, first.value, first.value, first.value};
            for (std::size_t k = i + 1; k < j; ++k) {
                item.min = std::min(item.min, samples[k].value);
                item.max = std::max(item.max, samples[k].value);
                item.last = samples[k].value;
                item.endNs = samples[k].ns;
            }
            out.push_back(item);
            i = j;
        }
        return;
    }
}

bool TraceStore::counterValueAt(LaneId lane, NameId name, qint64 t, double *value) const
{
    const Track *tr = findTrack(lane);
    if (!tr)
        return false;
    for (const CounterSeries &series : tr->counters) {
        if (series.name != name)
            continue;
        const std::size_t i = series.samples.lowerBound([](const CounterSample &s) { return s.ns; }, t + 1);
        if (i == 0)
            return false;
        *value = series.samples[i - 1].value;
        return true;
    }
    return false;
}

std::size_t TraceStore::counterSampleCount(LaneId lane, NameId name, qint64 t0, qint64 t1) const
{
    const Track *tr = findTrack(lane);
    if (!tr || t1 <= t0)
        return 0;
    for (const CounterSeries &series : tr->counters) {
        if (series.name != name)
            continue;
        const auto byNs = [](const CounterSample &s) { return s.ns; };
        const std::size_t first = series.samples.lowerBound(byNs, t0);
        return series.samples.lowerBound(byNs, t1, first) - first;
    }
    return 0;
}

void TraceStore::queryFlows(qint64 t0, qint64 t1, std::vector<StoredFlow> &out, std::size_t maxCount) const
{
    flushFlows();
    std::size_t i = m_flows.lowerBound([](const StoredFlow &f) { return f.toNs; }, t0);
    const qint64 reach = t1 + m_maxFlowNs;
    for (std::size_t taken = 0; i < m_flows.size() && taken < maxCount; ++i) {
        const StoredFlow &flow = m_flows[i];
        if (flow.toNs >= reach)
            break;
        if (flow.fromNs < t1) {
            out.push_back(flow);
            ++taken;
        }
    }
}

} // namespace Taskscope::Trace
