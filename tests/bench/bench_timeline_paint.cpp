// Timeline paint cost: a 1,920 x 1,080 offscreen paint of a store holding 1 M spans over many
// lanes (threads with nested spans, coroutines with running / suspended / ready segments, a group of
// short-lived coroutines folded into one aggregate lane, streams with instants, flows, counters and
// alert bands), at zoom levels from the whole minute down to 1 ns per pixel.
#include "model/trace/tracenames.h"
#include "model/trace/tracestore.h"
#include "ui/timelineview.h"

#include <QApplication>
#include <QImage>
#include <QPainter>

#include <benchmark/benchmark.h>

#include <memory>
#include <random>

using namespace Taskscope::Trace;
using namespace Taskscope::Ui;

namespace {

constexpr qint64 Ms = 1'000'000;
constexpr qint64 Second = 1'000'000'000;
constexpr qint64 TraceLengthNs = 60 * Second;

struct Fixture
{
    TraceStore store;
    std::unique_ptr<TimelineView> view;
};

LaneId addLane(TraceStore &store, LaneId id, LaneKind kind, const QString &name, const QString &group = {})
{
    LaneInfo info;
    info.id = id;
    info.kind = kind;
    info.name = TraceNames::intern(name);
    info.group = TraceNames::intern(group);
    store.setLane(info);
    return id;
}

void fill(TraceStore &store)
{
    std::mt19937_64 rng(42);
    const NameId names[] = {TraceNames::intern("decodeChunk"),     TraceNames::intern("sendChunk"),
                            TraceNames::intern("parseTranscript"), TraceNames::intern("resample"),
                            TraceNames::intern("onReadyRead"),     TraceNames::intern("QTimer::timeout"),
                            TraceNames::intern("processEvents"),   TraceNames::intern("hashPayload")};
    const NameId awaits[] = {TraceNames::intern("QTimer 20 ms"), TraceNames::intern("socket readyRead"),
                             TraceNames::intern("QNetworkReply GET /v1/echo"), TraceNames::intern("pool job")};
    LaneId next = 1;
    std::vector<LaneId> threads;
    threads.push_back(addLane(store, next++, LaneKind::Thread, QStringLiteral("UI thread")));
    for (int i = 0; i < 8; ++i)
        threads.push_back(addLane(store, next++, LaneKind::Thread, QStringLiteral("stream worker %1").arg(i)));
    for (int i = 0; i < 8; ++i)
        threads.push_back(addLane(store, next++, LaneKind::Thread, QStringLiteral("pool thread %1").arg(i),
                                  QStringLiteral("QThreadPool")));

    // Threads: ~700 k spans, nested three deep, durations from microseconds to milliseconds.
    std::uniform_int_distribution<qint64> gap(50'000, 2 * Ms), dur(20'000, 4 * Ms);
    for (const LaneId lane : threads) {
        qint64 t = 0;
        while (t < TraceLengthNs && store.spanCount() < 700'000ull * (lane) / threads.size()) {
            const qint64 d = dur(rng);
            const NameId name = names[rng() % 8];
            store.beginSpan(lane, t, name);
            if (d > 40'000) {
                store.addSpan(lane, t + d / 10, t + d / 2, names[rng() % 8]);
                if (d > 200'000)
                    store.addSpan(lane, t + d / 8, t + d / 4, names[rng() % 8]);
            }
            store.endSpan(lane, t + d, name);
            t += d + gap(rng);
        }
    }
    // 32 long-lived coroutines, state segments every ~1-20 ms, with their running segments
    // mirrored on the UI thread lane.
    std::uniform_int_distribution<qint64> seg(2 * Ms, 60 * Ms);
    for (int c = 0; c < 32; ++c) {
        const LaneId lane = addLane(store, next++, LaneKind::Coroutine, QStringLiteral("transcribe #%1").arg(c));
        qint64 t = qint64(c) * Ms;
        while (t < TraceLengthNs && store.spanCount() < 700'000ull + 200'000ull * (c + 1) / 32) {
            store.setCoroutineState(lane, threads[0], t, CoroutineState::Running, 0);
            t += seg(rng) / 20;
            store.setCoroutineState(lane, NoLane, t, CoroutineState::Suspended, awaits[rng() % 4]);
            t += seg(rng);
            store.setCoroutineState(lane, NoLane, t, CoroutineState::Ready, 0);
            t += seg(rng) / 40;
        }
        store.setCoroutineState(lane, NoLane, t, CoroutineState::Finished, 0);
    }
    // A group of 1,024 short-lived request coroutines: one aggregate lane.
    for (int c = 0; c < 1024; ++c) {
        const LaneId lane = addLane(store, next++, LaneKind::Coroutine, QStringLiteral("fetch #%1").arg(c),
                                    QStringLiteral("fetchChunk"));
        qint64 t = qint64(rng() % quint64(TraceLengthNs - Second));
        for (int k = 0; k < 20; ++k) {
            store.setCoroutineState(lane, threads[0], t, CoroutineState::Running, 0);
            t += 30'000;
            store.setCoroutineState(lane, NoLane, t, CoroutineState::Suspended, awaits[2]);
            t += seg(rng);
            store.setCoroutineState(lane, NoLane, t, CoroutineState::Ready, 0);
            t += 50'000;
        }
        store.setCoroutineState(lane, NoLane, t, CoroutineState::Finished, 0);
    }
    // Streams: spans to reach 1 M in total, instants (chunks sent, transcripts), counters, flows.
    const NameId chunk = TraceNames::intern("chunk sent"), transcript = TraceNames::intern("transcript");
    const NameId depth = TraceNames::intern("queue depth");
    std::vector<LaneId> streams;
    for (int s = 0; s < 16; ++s)
        streams.push_back(addLane(store, next++, LaneKind::Stream, QStringLiteral("listen stream %1").arg(s)));
    qint64 t = 0;
    std::uint64_t flowId = 1;
    while (store.spanCount() < 1'000'000) {
        const LaneId lane = streams[rng() % streams.size()];
        store.addSpan(lane, t, t + 15 * Ms, TraceNames::intern("utterance"));
        store.addInstant(lane, t, chunk);
        store.addInstant(lane, t + 8 * Ms, transcript);
        store.addCounter(lane, depth, t, double(rng() % 64));
        store.addFlow(StoredFlow {t, t + 8 * Ms, lane, threads[1 + rng() % 8], chunk, 0, flowId++});
        t = (t + 997'000) % (TraceLengthNs - 20 * Ms);
    }
    // Watchdog alert bands on the UI thread.
    for (int a = 0; a < 6; ++a)
        store.setAlert(threads[0], quint32(a + 1), TraceNames::intern("UI thread blocked"),
                       qint64(a) * 9 * Second + 3 * Second, qint64(a) * 9 * Second + 3 * Second + 300 * Ms * (a + 1));
}

Fixture &fixture()
{
    static Fixture *f = [] {
        auto *fx = new Fixture;
        fill(fx->store);
        fx->view = std::make_unique<TimelineView>();
        fx->view->resize(1920, 1080);
        fx->view->setStore(&fx->store, false);
        return fx;
    }();
    return *f;
}

// range: the visible time span in ns (zoomToRange adds 15 % margins each side; ns_per_px reports
// the real scale), centred on t = 30 s; section: which lanes fill the 1,080 px (0: threads at the
// top, 1: the coroutine section with the aggregate lane, 2: streams with instants, counters, flows).
void BM_TimelinePaint(benchmark::State &state)
{
    Fixture &f = fixture();
    const qint64 range = state.range(0);
    const qint64 centre = 30 * Second;
    f.view->zoomToRange(centre - range / 2, centre + range / 2);
    const LaneKind sections[] = {LaneKind::Thread, LaneKind::Coroutine, LaneKind::Stream};
    f.view->scrollToSection(sections[state.range(1)]);
    QImage image(1920, 1080, QImage::Format_RGB32); // what an opaque window's backing store is
    for (auto _ : state) {
        QPainter painter(&image);
        f.view->render(painter, image.size());
        painter.end();
        benchmark::DoNotOptimize(image.constBits());
    }
    state.counters["spans"] = double(f.store.spanCount());
    state.counters["ns_per_px"] = f.view->viewport().nsPerPx();
}

} // namespace

BENCHMARK(BM_TimelinePaint)
    ->ArgNames({"range_ns", "section"})
    ->ArgsProduct({{TraceLengthNs + 2 * Second, 5 * Second, 100 * Ms, 2 * Ms, 20'000, 1'300}, {0, 1, 2}})
    ->Unit(benchmark::kMillisecond);

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM",
            qgetenv("QT_QPA_PLATFORM").isEmpty() ? QByteArray("offscreen") : qgetenv("QT_QPA_PLATFORM"));
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
