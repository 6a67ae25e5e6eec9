// Trace core benchmarks: record cost, drain throughput, level-of-detail query,
// bytes per stored span, export throughput, import memory. Run with scripts/bench trace.
#include "model/trace/chrometracereader.h"
#include "model/trace/chrometracewriter.h"
#include "model/trace/laneregistry.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracerecorder.h"
#include "model/trace/tracestore.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QFile>
#include <QTemporaryFile>

#include <benchmark/benchmark.h>

#include <malloc.h>

using namespace Taskscope::Trace;

namespace {

// Recording is measured on the producer side; every 256 Ki spans the timer pauses while the
// thread drains into its own capped store, so buffers never run out and nothing is dropped.
void drainUntimed(benchmark::State &state, TraceStore &store)
{
    state.PauseTiming();
    while (TraceRecorder::drain(store) > 0) { }
    state.ResumeTiming();
}

void RecordSpan(benchmark::State &state)
{
    TraceStore store;
    store.setCapacity(1'000'000);
    const LaneId lane = TraceRecorder::threadLane();
    static const NameId name = TraceNames::intern(u"bench span");
    const quint64 droppedBefore = TraceRecorder::droppedEvents();
    std::uint32_t n = 0;
    for (auto _ : state) {
        TraceRecorder::begin(lane, name);
        TraceRecorder::end(lane, name);
        if (++n == (1u << 18)) [[unlikely]] {
            n = 0;
            drainUntimed(state, store);
        }
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["dropped"] = double(TraceRecorder::droppedEvents() - droppedBefore);
}
BENCHMARK(RecordSpan)->Threads(1)->Threads(2);

void RecordScope(benchmark::State &state)
{
    TraceStore store;
    store.setCapacity(1'000'000);
    static const NameId name = TraceNames::intern(u"bench scope");
    std::uint32_t n = 0;
    for (auto _ : state) {
        {
            TraceScope scope(name);
            benchmark::DoNotOptimize(&scope);
        }
        if (++n == (1u << 18)) [[unlikely]] {
            n = 0;
            drainUntimed(state, store);
        }
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(RecordScope);

void Drain(benchmark::State &state)
{
    const NameId name = TraceNames::intern(u"drained");
    constexpr int Spans = 500'000; // 1 M events per batch
    TraceStore store;
    store.setCapacity(4'000'000);
    const LaneId lane = TraceRecorder::threadLane();
    for (auto _ : state) {
        state.PauseTiming();
        for (int i = 0; i < Spans; ++i) {
            TraceRecorder::begin(lane, name);
            TraceRecorder::end(lane, name);
        }
        state.ResumeTiming();
        std::size_t moved = 0;
        while (moved < std::size_t(Spans) * 2)
            moved += TraceRecorder::drain(store);
        benchmark::DoNotOptimize(moved);
    }
    state.SetItemsProcessed(state.iterations() * Spans * 2);
    state.counters["events/s"] = benchmark::Counter(double(state.iterations()) * Spans * 2,
                                                    benchmark::Counter::kIsRate);
}
BENCHMARK(Drain)->Unit(benchmark::kMillisecond)->Iterations(10);

// What streams make the UI thread drain: per paced chunk, a coroutine goes Suspended -> Ready ->
// Running (each a state segment, Running also a span on the thread lane), opens and closes a send
// span, and sends a flow whose other end (a transcript) arrives a few chunks later.
void DrainCoroutineStreams(benchmark::State &state)
{
    const int lanes = int(state.range(0));
    constexpr int Rounds = 200;
    static const NameId send = TraceNames::intern(u"send chunk");
    static const NameId flow = TraceNames::intern(u"chunk -> transcript");
    static const NameId timer = TraceNames::intern(u"timer");
    TraceStore store;
    store.setCapacity(20'000'000);
    std::vector<LaneId> coroutines;
    for (int i = 0; i < lanes; ++i)
        coroutines.push_back(LaneRegistry::create(LaneKind::Coroutine, QStringLiteral("bench coroutine %1").arg(i)));
    store.syncLanes();
    std::size_t events = 0;
    for (auto _ : state) {
        state.PauseTiming();
        std::size_t batch = 0;
        for (int round = 0; round < Rounds; ++round) {
            for (int i = 0; i < lanes; ++i) {
                const LaneId c = coroutines[std::size_t(i)];
                const std::uint64_t id = TraceRecorder::newFlowId();
                TraceRecorder::coroutineState(c, CoroutineState::Ready, timer);
                TraceRecorder::coroutineState(c, CoroutineState::Running, timer);
                TraceRecorder::begin(c, send);
                TraceRecorder::flowOut(c, flow, id);
                TraceRecorder::end(c, send);
                if (id > 4 * std::uint64_t(lanes))
                    TraceRecorder::flowIn(c, flow, id - 4 * std::uint64_t(lanes));
                TraceRecorder::coroutineState(c, CoroutineState::Suspended, timer);
                batch += 7;
            }
            // Drained as it goes (the UI thread drains every frame), untimed: the timed part below.
            if (round % 8 == 7) {
                state.ResumeTiming();
                while (TraceRecorder::drain(store) > 0) { }
                state.PauseTiming();
            }
        }
        state.ResumeTiming();
        while (TraceRecorder::drain(store) > 0) { }
        store.afterIngest();
        events += batch;
    }
    state.SetItemsProcessed(std::int64_t(events));
    state.counters["events/s"] = benchmark::Counter(double(events), benchmark::Counter::kIsRate);
    state.counters["dropped"] = double(store.droppedItems());
}
BENCHMARK(DrainCoroutineStreams)->Arg(512)->Arg(2000)->Unit(benchmark::kMillisecond)->Iterations(3);

// 10 M spans on one lane: 1 µs spans every 1.5 µs, 15 s of trace.
TraceStore &bigStore()
{
    static TraceStore *store = [] {
        auto *s = new TraceStore;
        s->setCapacity(20'000'000);
        LaneInfo info;
        info.id = 1;
        info.kind = LaneKind::Thread;
        info.name = TraceNames::intern(u"big");
        s->setLane(info);
        const NameId names[3] = {TraceNames::intern(u"a"), TraceNames::intern(u"b"), TraceNames::intern(u"c")};
        qint64 t = 0;
        for (int i = 0; i < 10'000'000; ++i) {
            s->addSpan(1, t, t + 1000, names[i % 3]);
            t += 1500;
        }
        return s;
    }();
    return *store;
}

void LodQuery(benchmark::State &state)
{
    TraceStore &store = bigStore();
    const qint64 span = std::min<qint64>(state.range(0) * 1000, store.lastNs());
    const qint64 t0 = (store.lastNs() - span) / 2;
    const double nsPerPx = double(span) / 1600.0;
    std::vector<SpanItem> items;
    items.reserve(8192);
    for (auto _ : state) {
        items.clear();
        store.querySpans(1, t0, t0 + span, nsPerPx, items);
        benchmark::DoNotOptimize(items.data());
    }
    state.counters["items"] = double(items.size());
    state.counters["bytes/span"] = double(store.memoryBytes()) / double(store.spanCount());
}
// A 1,600 px window over 10 M spans; the argument is the window in microseconds (whole trace = 15 s).
BENCHMARK(LodQuery)->Arg(15'000'000)->Arg(1'500'000)->Arg(15'000)->Arg(150)->Unit(benchmark::kMicrosecond);

TraceStore &exportStore()
{
    static TraceStore *store = [] {
        auto *s = new TraceStore;
        const NameId names[3] = {TraceNames::intern(u"connect"), TraceNames::intern(u"send chunk"),
                                 TraceNames::intern(u"await result")};
        for (LaneId lane = 1; lane <= 16; ++lane) {
            LaneInfo info;
            info.id = lane;
            info.kind = LaneKind::Stream;
            info.name = TraceNames::intern(QStringLiteral("stream %1").arg(lane));
            s->setLane(info);
            qint64 t = 0;
            for (int i = 0; i < 62'500; ++i) { // 1 M spans in all
                s->addSpan(lane, t, t + 20'000 + i % 7, names[i % 3], SpanKind::Span, 0, std::uint32_t(i));
                t += 25'013;
            }
        }
        return s;
    }();
    return *store;
}

void Export(benchmark::State &state)
{
    TraceStore &store = exportStore();
    QByteArray bytes;
    bytes.reserve(256 << 20);
    qint64 total = 0;
    for (auto _ : state) {
        bytes.clear();
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        ChromeTraceWriter::write(store, &buffer);
        total += bytes.size();
    }
    state.SetBytesProcessed(total);
    state.counters["MB"] = double(bytes.size()) / 1e6;
}
BENCHMARK(Export)->Unit(benchmark::kMillisecond)->Iterations(5);

void Import(benchmark::State &state)
{
    const QByteArray json = ChromeTraceWriter::toJson(exportStore());
    for (auto _ : state) {
        TraceStore store;
        const auto result = ChromeTraceReader::read(json, store);
        benchmark::DoNotOptimize(result.events);
    }
    state.SetBytesProcessed(state.iterations() * json.size());
}
BENCHMARK(Import)->Unit(benchmark::kMillisecond)->Iterations(2);

qint64 statusKiB(const char *field)
{
    QFile file(QStringLiteral("/proc/self/status"));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(qsizetype(qstrlen(field)) + 1).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

// Opening a file of 2 M events (16 stream lanes of X spans, as our exports write them): the peak
// resident memory the import adds, per event, the store it fills included.
void ImportMemory(benchmark::State &state)
{
    QTemporaryFile file;
    if (!file.open()) {
        state.SkipWithError("no temporary file");
        return;
    }
    {
        TraceStore source;
        const NameId names[3] = {TraceNames::intern(u"connect"), TraceNames::intern(u"send chunk"),
                                 TraceNames::intern(u"await result")};
        for (LaneId lane = 1; lane <= 16; ++lane) {
            LaneInfo info;
            info.id = lane;
            info.kind = LaneKind::Stream;
            info.name = TraceNames::intern(QStringLiteral("stream %1").arg(lane));
            source.setLane(info);
            qint64 t = 0;
            for (int i = 0; i < 125'000; ++i) {
                source.addSpan(lane, t, t + 20'000 + i % 7, names[i % 3], SpanKind::Span, 0, std::uint32_t(i));
                t += 25'013;
            }
        }
        ChromeTraceWriter::write(source, &file);
    }
    const qint64 fileBytes = file.size();
    malloc_trim(0);
    qint64 events = 0;
    qint64 peakKiB = 0;
    qint64 baseKiB = 0;
    for (auto _ : state) {
        file.seek(0);
        QFile reset(QStringLiteral("/proc/self/clear_refs")); // 5: the peak (VmHWM) restarts from now
        if (reset.open(QIODevice::WriteOnly))
            reset.write("5");
        reset.close();
        baseKiB = statusKiB("VmRSS:");
        TraceStore store;
        const auto result = ChromeTraceReader::read(&file, store);
        if (!result.ok) {
            state.SkipWithError(qPrintable(result.error));
            return;
        }
        events = result.events;
        peakKiB = statusKiB("VmHWM:");
    }
    state.counters["events"] = double(events);
    state.counters["file MB"] = double(fileBytes) / 1e6;
    state.counters["peak MiB"] = double(peakKiB - baseKiB) / 1024.0;
    state.counters["peak B/event"] = double(peakKiB - baseKiB) * 1024.0 / double(std::max<qint64>(1, events));
}
BENCHMARK(ImportMemory)->Unit(benchmark::kMillisecond)->Iterations(1);

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
