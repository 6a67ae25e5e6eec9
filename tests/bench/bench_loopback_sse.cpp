// SSE token throughput of the loopback service's chat endpoint, server and clients in one process on
// this machine: tokens per second to one client and to 500 clients at once (unpaced: as fast as they
// read), plus 500 clients paced at 250 tokens/s each (does the server keep the rate?).
// Clients are raw QTcpSockets that count events, so the figure is the server's, not a parser's.
//   build/tests/bench/bench_loopback_sse --benchmark_repetitions=3
#include "workers/loopback/loopbackservice.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTcpSocket>
#include <QTimer>

#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include <sys/resource.h>

using Taskscope::Loopback::LoopbackConfig;
using Taskscope::Loopback::LoopbackService;

namespace {

double cpuSeconds()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// One streamed chat completion read over a raw socket; counts SSE events ("\n\n" terminators).
class SseClient : public QObject
{
public:
    QTcpSocket socket;
    qint64 events = 0;
    bool done = false;
    bool failed = false;
    char last = 0;

    void start(quint16 port, int tokens, double rate)
    {
        const QByteArray body =
            "{\"messages\":[{\"role\":\"user\",\"content\":\"benchmark\"}],\"stream\":true,\"x_tokens\":"
            + QByteArray::number(tokens) + ",\"x_tokens_per_second\":" + QByteArray::number(rate)
            + ",\"x_first_token_delay_ms\":0}";
        connect(&socket, &QTcpSocket::connected, this, [this, body] {
            socket.write("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                         "Connection: close\r\nContent-Length: "
                         + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        });
        connect(&socket, &QTcpSocket::readyRead, this, [this] {
            const QByteArray data = socket.readAll();
            const char *p = data.constData();
            for (qsizetype i = 0; i < data.size(); ++i) {
                if (p[i] == '\n' && last == '\n')
                    ++events;
                last = p[i];
            }
            if (data.contains("[DONE]"))
                done = true;
        });
        connect(&socket, &QTcpSocket::disconnected, this, [this] {
            if (!done)
                failed = true;
            done = true;
        });
        socket.connectToHost(QHostAddress::LocalHost, port);
    }
};

struct Run
{
    double seconds = 0;
    qint64 tokens = 0;
    double cpu = 0;
    int failures = 0;
};

Run runClients(LoopbackService &service, int clients, int tokensEach, double rate)
{
    std::vector<std::unique_ptr<SseClient>> list;
    const double cpu0 = cpuSeconds();
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < clients; ++i) {
        list.push_back(std::make_unique<SseClient>());
        list.back()->start(service.port(), tokensEach, rate);
    }
    QEventLoop loop;
    QTimer check;
    QObject::connect(&check, &QTimer::timeout, &loop, [&] {
        for (const auto &c : list) {
            if (!c->done)
                return;
        }
        loop.quit();
    });
    check.start(5);
    QTimer::singleShot(120'000, &loop, &QEventLoop::quit);
    loop.exec();
    Run run;
    run.seconds = clock.nsecsElapsed() / 1e9;
    run.cpu = cpuSeconds() - cpu0;
    for (const auto &c : list) {
        // Events: role + tokens + finish + [DONE]
        run.tokens += std::max<qint64>(0, c->events - 3);
        run.failures += c->failed ? 1 : 0;
    }
    return run;
}

LoopbackConfig benchConfig()
{
    LoopbackConfig config;
    config.maxPendingWriteBytes = 64 * 1024 * 1024;
    return config;
}

void report(benchmark::State &state, const Run &run)
{
    state.SetIterationTime(run.seconds);
    state.counters["tokens_per_s"] = double(run.tokens) / run.seconds;
    state.counters["tokens"] = double(run.tokens);
    state.counters["cpu_s_per_s"] = run.cpu / run.seconds;
    state.counters["failed_clients"] = run.failures;
}

void BM_SseOneClient(benchmark::State &state)
{
    LoopbackService service(benchConfig());
    service.start();
    for (auto _ : state)
        report(state, runClients(service, 1, int(state.range(0)), 0));
}
BENCHMARK(BM_SseOneClient)->Arg(200'000)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_Sse500ClientsUnpaced(benchmark::State &state)
{
    LoopbackService service(benchConfig());
    service.start();
    for (auto _ : state)
        report(state, runClients(service, 500, int(state.range(0)), 0));
}
BENCHMARK(BM_Sse500ClientsUnpaced)->Arg(2000)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_Sse500ClientsPaced250(benchmark::State &state)
{
    // 500 x 250 tokens/s = 125,000 tokens/s asked for, 1,000 tokens each (4 s).
    LoopbackService service(benchConfig());
    service.start();
    for (auto _ : state)
        report(state, runClients(service, 500, int(state.range(0)), 250));
}
BENCHMARK(BM_Sse500ClientsPaced250)->Arg(1000)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_NO_GLIB", "1");
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
    QCoreApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
