// Request burst throughput: requests/s of RequestBurstWorkload against the in-process loopback
// /v1/echo (1 KiB answers, no server latency) per execution model and concurrency, and of the chat
// token stream (tokens/s, unthrottled). The wrk comparison is a headless run against a standalone
// taskscope-server (see README's Figures); this keeps the client side measurable on its own.
#include "workers/loopback/loopbackservice.h"
#include "workers/workloads/chatstreamworkload.h"
#include "workers/workloads/requestburstworkload.h"

#include <QCoreApplication>
#include <QEventLoop>

#include <benchmark/benchmark.h>

#include <memory>

using namespace Taskscope::Model;

using Taskscope::Loopback::LoopbackConfig;
using Taskscope::Loopback::LoopbackService;
using Taskscope::Workloads::ChatStreamWorkload;
using Taskscope::Workloads::RequestBurstWorkload;
using Taskscope::Workloads::Workload;
using Taskscope::Workloads::WorkloadEnvironment;

namespace {

LoopbackService *service()
{
    static std::unique_ptr<LoopbackService> s = [] {
        LoopbackConfig config;
        config.chatTokensPerSecond = 0; // tokens as fast as the client reads them
        config.chatFirstTokenDelayMs = 0;
        auto svc = std::make_unique<LoopbackService>(config);
        svc->start();
        return svc;
    }();
    return s.get();
}

void runToEnd(Workload &workload)
{
    QEventLoop loop;
    QObject::connect(&workload, &Workload::finished, &loop, &QEventLoop::quit);
    workload.start();
    if (workload.isActive())
        loop.exec();
}

void BM_RequestBurst(benchmark::State &state)
{
    const auto model = ExecutionModel(state.range(0));
    WorkloadSpec spec;
    spec.kind = WorkloadKind::RequestBurst;
    spec.model = model;
    spec.requests = 2000;
    spec.concurrency = int(state.range(1));
    spec.payloadBytes = 1024;
    WorkloadEnvironment env;
    env.loopbackBaseUrl = service()->httpUrl();
    double requests = 0;
    for (auto _ : state) {
        RequestBurstWorkload workload(spec, env);
        runToEnd(workload);
        requests += workload.aggregateFigures().requests;
    }
    state.counters["requests/s"] = benchmark::Counter(requests, benchmark::Counter::kIsRate);
    state.SetLabel(WorkloadSpec::toString(model).toStdString());
}
BENCHMARK(BM_RequestBurst)
    ->ArgsProduct({{int(ExecutionModel::Coroutine), int(ExecutionModel::Thread), int(ExecutionModel::Blocking)},
                   {1, 16}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_ChatTokens(benchmark::State &state)
{
    WorkloadSpec spec;
    spec.kind = WorkloadKind::ChatStream;
    spec.model = ExecutionModel::Coroutine;
    spec.maxTokens = 20000;
    WorkloadEnvironment env;
    env.loopbackBaseUrl = service()->httpUrl();
    double tokens = 0;
    for (auto _ : state) {
        ChatStreamWorkload workload(spec, env);
        runToEnd(workload);
        tokens += workload.aggregateFigures().tokens;
    }
    state.counters["tokens/s"] = benchmark::Counter(tokens, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ChatTokens)->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
