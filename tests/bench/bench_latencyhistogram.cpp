// LatencyHistogram costs: record() on the hot path (ns per value), the five report percentiles, and
// merging per-stream histograms into an aggregate (512 streams, as in the scale scenario).
#include "model/latencyhistogram.h"

#include <QRandomGenerator>

#include <benchmark/benchmark.h>

#include <cmath>

using namespace Taskscope::Model;

namespace {

QList<qint64> latencies(double spreadDecades)
{
    QRandomGenerator random(1);
    QList<qint64> values(1 << 16);
    for (qint64 &v : values) // log-uniform from 100 us up, in ns
        v = qint64(100'000 * std::pow(10.0, random.generateDouble() * spreadDecades));
    return values;
}

void BM_Record(benchmark::State &state)
{
    const QList<qint64> values = latencies(double(state.range(0)));
    LatencyHistogram h;
    qsizetype i = 0;
    for (auto _ : state) {
        h.record(values[i]);
        i = (i + 1) & (values.size() - 1);
    }
    benchmark::DoNotOptimize(h.count());
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Record)->Arg(1)->Arg(5); // values spread over 1 or 5 decades

void BM_ReportPercentiles(benchmark::State &state)
{
    LatencyHistogram h;
    for (const qint64 v : latencies(5))
        h.record(v);
    for (auto _ : state)
        benchmark::DoNotOptimize(h.percentiles({50, 90, 95, 99, 99.9}));
}
BENCHMARK(BM_ReportPercentiles);

void BM_Merge512Streams(benchmark::State &state)
{
    QList<LatencyHistogram> streams(512);
    const QList<qint64> values = latencies(2);
    for (qsizetype s = 0; s < streams.size(); ++s) {
        for (qsizetype i = 0; i < 250; ++i) // 5 s of 20 ms chunks per stream
            streams[s].record(values[(s * 250 + i) & (values.size() - 1)]);
    }
    for (auto _ : state) {
        LatencyHistogram total;
        for (const LatencyHistogram &h : std::as_const(streams))
            total.merge(h);
        benchmark::DoNotOptimize(total.count());
    }
}
BENCHMARK(BM_Merge512Streams)->Unit(benchmark::kMicrosecond);

} // namespace

BENCHMARK_MAIN();
