// Workload framework benchmarks.
//
// Without --scale: Google Benchmark micro-benchmarks of the framework's hot paths (a pacer wake-up
// and resume per coroutine, a posted resume, client frame encoding, HTTP response parsing).
//
// With --scale: the scale experiment -- N concurrent live-transcription
// streams (20 ms linear16 chunks, real time) in one execution model against a load-sink
// taskscope-server running as a separate process, so only the client's CPU is measured:
//
//   bench_workloads --scale --model coroutine --streams 512 --seconds 10 [--chunk-ms 20]
//                   [--server http://127.0.0.1:PORT] [--server-binary PATH] [--trace retain|clear|off] [--json]
//
// It reports the client's CPU (getrusage user+sys over the run) per stream-second, the send
// lateness percentiles over every chunk of every stream (against each stream's real-time
// schedule), and the resident memory per live stream (RSS while all streams stream, minus RSS
// before they started, over N). QT_NO_GLIB=1 is set (the app does the same).
#include "model/trace/tracenames.h"
#include "model/trace/tracerecorder.h"
#include "model/trace/tracestore.h"
#include "workers/audio/audiosource.h"
#include "workers/execution/executioncontext.h"
#include "workers/execution/threadservices.h"
#include "workers/transport/httpresponseparser.h"
#include "workers/transport/websocketframecodec.h"
#include "workers/workloads/livetranscriptionworkload.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTimer>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <sys/resource.h>

using namespace Taskscope::Execution;
using namespace Taskscope::Model;
using namespace Taskscope::Trace;

using Taskscope::Audio::AudioSource;
using Taskscope::Transport::HttpResponseParser;
using Taskscope::Transport::WebSocketFrameCodec;
using Taskscope::Workloads::LiveTranscriptionStream;
using Taskscope::Workloads::LiveTranscriptionWorkload;
using Taskscope::Workloads::Workload;
using Taskscope::Workloads::WorkloadEnvironment;

namespace {

// ---- micro-benchmarks --------------------------------------------------------------------------

ExecutionContext::Config coroutineConfig()
{
    ExecutionContext::Config c;
    c.model = ExecutionModel::Coroutine;
    c.coroutineName = QStringLiteral("bench");
    return c;
}

QCoro::Task<void> sleepOnce(ExecutionContext *ctx, qint64 deadline, int *done)
{
    co_await ctx->sleepUntil(ExecutionClock::fromNs(deadline));
    ++*done;
}

// One pacer wake-up serving `range` coroutines due at the same deadline: cost per resumed coroutine
// (suspend, heap insert, timer, heap pop, Ready/Running records, resume).
void BM_PacerResume(benchmark::State &state)
{
    const int n = int(state.range(0));
    std::vector<std::unique_ptr<ExecutionContext>> contexts;
    for (int i = 0; i < n; ++i)
        contexts.push_back(std::make_unique<ExecutionContext>(coroutineConfig()));
    for (auto _ : state) {
        int done = 0;
        const qint64 deadline = ExecutionContext::nowNs() + 100'000;
        for (int i = 0; i < n; ++i)
            sleepOnce(contexts[std::size_t(i)].get(), deadline, &done);
        while (done < n)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }
    state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_PacerResume)->Arg(1)->Arg(64)->Arg(1024)->Unit(benchmark::kMicrosecond);

class BenchSource final : public EventSource
{
};

QCoro::Task<void> waitSource(ExecutionContext *ctx, BenchSource *source, int *done)
{
    co_await ctx->waitEvent(*source, ExecutionClock::time_point::max(), TraceNames::intern("bench source"));
    ++*done;
}

// A signal-driven wake: Ready recorded at notify(), resume through the thread's ready queue.
void BM_PostedResume(benchmark::State &state)
{
    const int n = int(state.range(0));
    std::vector<std::unique_ptr<ExecutionContext>> contexts;
    std::unique_ptr<BenchSource[]> sources(new BenchSource[std::size_t(n)]);
    for (int i = 0; i < n; ++i)
        contexts.push_back(std::make_unique<ExecutionContext>(coroutineConfig()));
    for (auto _ : state) {
        int done = 0;
        for (int i = 0; i < n; ++i)
            waitSource(contexts[std::size_t(i)].get(), &sources[std::size_t(i)], &done);
        for (int i = 0; i < n; ++i)
            sources[std::size_t(i)].notify();
        while (done < n)
            QCoreApplication::processEvents();
    }
    state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_PostedResume)->Arg(1)->Arg(1024)->Unit(benchmark::kMicrosecond);

void BM_FrameEncodeMasked(benchmark::State &state)
{
    const QByteArray payload(int(state.range(0)), 'a');
    for (auto _ : state)
        benchmark::DoNotOptimize(WebSocketFrameCodec::encode(WebSocketFrameCodec::Binary, payload, true, 0x12345678u));
    state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_FrameEncodeMasked)->Arg(640)->Arg(8000);

void BM_HttpParserChunked(benchmark::State &state)
{
    QByteArray response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    const QByteArray event = "data: {\"choices\":[{\"delta\":{\"content\":\" token\"}}]}\n\n";
    for (int i = 0; i < 1000; ++i)
        response += QByteArray::number(event.size(), 16) + "\r\n" + event + "\r\n";
    response += "0\r\n\r\n";
    for (auto _ : state) {
        HttpResponseParser parser;
        for (qsizetype at = 0; at < response.size(); at += 1400)
            parser.feed(QByteArrayView(response).sliced(at, std::min<qsizetype>(1400, response.size() - at)));
        benchmark::DoNotOptimize(parser.takeBody());
    }
    state.SetBytesProcessed(state.iterations() * response.size());
}
BENCHMARK(BM_HttpParserChunked);

// ---- scale experiment --------------------------------------------------------------------------

struct Usage
{
    double cpuMs = 0;
    double userMs = 0;
    double sysMs = 0;
    qint64 rssKiB = 0;
};

Usage usageNow()
{
    Usage u;
    rusage r {};
    getrusage(RUSAGE_SELF, &r);
    u.userMs = double(r.ru_utime.tv_sec) * 1e3 + double(r.ru_utime.tv_usec) / 1e3;
    u.sysMs = double(r.ru_stime.tv_sec) * 1e3 + double(r.ru_stime.tv_usec) / 1e3;
    u.cpuMs = u.userMs + u.sysMs;
    QFile status(QStringLiteral("/proc/self/status"));
    if (status.open(QIODevice::ReadOnly)) {
        const QList<QByteArray> lines = status.readAll().split('\n');
        for (const QByteArray &line : lines) {
            if (line.startsWith("VmRSS:"))
                u.rssKiB = line.mid(6).trimmed().split(' ').value(0).toLongLong();
        }
    }
    return u;
}

QString argument(const QStringList &args, const QString &name, const QString &fallback)
{
    const qsizetype i = args.indexOf(name);
    return i >= 0 && i + 1 < args.size() ? args.at(i + 1) : fallback;
}

int runScale(const QStringList &args)
{
    ExecutionModel model = ExecutionModel::Coroutine;
    if (!WorkloadSpec::parse(argument(args, QStringLiteral("--model"), QStringLiteral("coroutine")), &model)) {
        std::fprintf(stderr, "unknown --model\n");
        return 2;
    }
    const int streams = argument(args, QStringLiteral("--streams"), QStringLiteral("512")).toInt();
    const double seconds = argument(args, QStringLiteral("--seconds"), QStringLiteral("10")).toDouble();
    const int chunkMs = argument(args, QStringLiteral("--chunk-ms"), QStringLiteral("20")).toInt();
    QString server = argument(args, QStringLiteral("--server"), QString());

    // The load sink runs in its own process: its CPU is not the client's.
    QProcess serverProcess;
    if (server.isEmpty()) {
        const QString binary = argument(args, QStringLiteral("--server-binary"),
                                        QCoreApplication::applicationDirPath()
                                            + QStringLiteral("/../../workers/loopback/taskscope-server"));
        serverProcess.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        serverProcess.start(binary,
                            {QStringLiteral("--load-sink"), QStringLiteral("--quiet"),
                             QStringLiteral("--idle-timeout-ms"), QStringLiteral("30000")});
        if (!serverProcess.waitForStarted(5000)) {
            std::fprintf(stderr, "cannot start %s\n", qPrintable(binary));
            return 2;
        }
        QByteArray line;
        while (!line.contains("listening on ") && serverProcess.waitForReadyRead(10000))
            line += serverProcess.readAllStandardOutput();
        const qsizetype at = line.indexOf("http://");
        if (at < 0) {
            std::fprintf(stderr, "the server did not report its address\n");
            return 2;
        }
        server = QString::fromUtf8(line.mid(at).split('\n').value(0).trimmed());
    }

    WorkloadSpec spec;
    spec.kind = WorkloadKind::LiveTranscription;
    spec.model = model;
    spec.count = streams;
    spec.source = AudioSourceKind::Tone;
    spec.durationS = seconds;
    spec.chunkMs = chunkMs;
    WorkloadEnvironment env;
    env.loopbackBaseUrl = QUrl(server);
    LiveTranscriptionStream::Options options;
    options.maxPendingFlows = 64;
    LiveTranscriptionWorkload workload(spec, env, nullptr, options);

    // Warm the shared parts (tone cache, the thread's services) so the baseline includes them.
    AudioSource::load(spec);
    ThreadServices::current();
    const Usage before = usageNow();
    QElapsedTimer clock;
    clock.start();
    Usage middle;
    QTimer::singleShot(int(seconds * 500) + 1000, [&] { middle = usageNow(); });
    // Drain the recorder like the window does at frame rate (its cost is the app's too); the store
    // is emptied each time so the figure is the streams' footprint, not the trace's retention.
    // --trace retain (default): like the app, a store keeping the last 2 s (its memory then counts
    // in the RSS figure); clear: emptied after each drain (RSS = the streams alone); off: nothing
    // drained (CPU of recording only; buffers grow, RSS meaningless).
    const QString traceMode = argument(args, QStringLiteral("--trace"), QStringLiteral("retain"));
    TraceStore store;
    store.setRetentionNs(2'000'000'000);
    QTimer drain;
    drain.setTimerType(Qt::PreciseTimer);
    QObject::connect(&drain, &QTimer::timeout, [&store, traceMode] {
        TraceRecorder::drain(store);
        if (traceMode == QLatin1String("clear"))
            store.clear();
    });
    if (traceMode != QLatin1String("off"))
        drain.start(16);
    QObject::connect(&workload, &Workload::finished, QCoreApplication::instance(), &QCoreApplication::quit);
    workload.start();
    QCoreApplication::exec();
    const Usage after = usageNow();
    const double wallS = double(clock.nsecsElapsed()) / 1e9;

    const StreamStatistics all = workload.aggregateFigures();
    const double streamSeconds = double(all.bytesSent) / 32000.0;
    QJsonObject report;
    report.insert(QStringLiteral("model"), WorkloadSpec::toString(model));
    report.insert(QStringLiteral("streams"), streams);
    report.insert(QStringLiteral("chunkMs"), chunkMs);
    report.insert(QStringLiteral("trace"), traceMode);
    report.insert(QStringLiteral("secondsPerStream"), seconds);
    report.insert(QStringLiteral("wallS"), wallS);
    report.insert(QStringLiteral("state"), Workload::toString(workload.state()));
    report.insert(QStringLiteral("error"), workload.errorString());
    report.insert(QStringLiteral("streamSeconds"), streamSeconds);
    report.insert(QStringLiteral("clientCpuMs"), after.cpuMs - before.cpuMs);
    report.insert(QStringLiteral("clientUserMs"), after.userMs - before.userMs);
    report.insert(QStringLiteral("clientSysMs"), after.sysMs - before.sysMs);
    double load = 0;
    getloadavg(&load, 1);
    report.insert(QStringLiteral("loadAverage1m"), load);
    report.insert(QStringLiteral("cpuMsPerStreamSecond"), (after.cpuMs - before.cpuMs) / std::max(1.0, streamSeconds));
    report.insert(QStringLiteral("rssPerStreamKiB"), double(middle.rssKiB - before.rssKiB) / streams);
    report.insert(QStringLiteral("rssBeforeKiB"), before.rssKiB);
    report.insert(QStringLiteral("rssMiddleKiB"), middle.rssKiB);
    report.insert(QStringLiteral("sendLatenessMs"), StreamStatistics::histogramMs(all.sendLateness));
    report.insert(QStringLiteral("chunksSent"), all.chunksSent);
    report.insert(QStringLiteral("reconnects"), all.reconnects);
    report.insert(QStringLiteral("errors"), all.errors);
    if (ThreadServices *services = ThreadServices::existing()) {
        // The UI thread's loop (coroutine models): how often the pacer woke and how many it served.
        report.insert(QStringLiteral("pacerWakeupsPerS"), double(services->pacer().wakeups()) / wallS);
        report.insert(QStringLiteral("pacerResumesPerS"), double(services->pacer().resumed()) / wallS);
        report.insert(QStringLiteral("postedResumesPerS"), double(services->postedResumes()) / wallS);
        report.insert(QStringLiteral("postedBatchesPerS"), double(services->batches()) / wallS);
    }
    if (args.contains(QStringLiteral("--json"))) {
        std::printf("%s\n", QJsonDocument(report).toJson(QJsonDocument::Compact).constData());
    } else {
        const QJsonObject l = report.value(QStringLiteral("sendLatenessMs")).toObject();
        std::printf("%s x%d (%d ms chunks, %.0f s, load %.1f): client CPU %.3f ms/stream-s (user %.3f), p50 %.3f p95 "
                    "%.3f p99 %.3f max %.3f ms, "
                    "RSS %.1f KiB/stream, %s%s\n",
                    qPrintable(WorkloadSpec::toString(model)), streams, chunkMs, seconds, load,
                    report.value(QStringLiteral("cpuMsPerStreamSecond")).toDouble(),
                    (after.userMs - before.userMs) / std::max(1.0, streamSeconds),
                    l.value(QStringLiteral("p50")).toDouble(), l.value(QStringLiteral("p95")).toDouble(),
                    l.value(QStringLiteral("p99")).toDouble(), l.value(QStringLiteral("max")).toDouble(),
                    report.value(QStringLiteral("rssPerStreamKiB")).toDouble(),
                    qPrintable(Workload::toString(workload.state())),
                    workload.errorString().isEmpty() ? "" : qPrintable(QStringLiteral(": ") + workload.errorString()));
    }
    if (serverProcess.state() != QProcess::NotRunning) {
        serverProcess.terminate();
        serverProcess.waitForFinished(5000);
    }
    return workload.state() == Workload::State::Finished ? 0 : 1;
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_NO_GLIB", "1");
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--scale") == 0) {
            QCoreApplication app(argc, argv);
            return runScale(app.arguments());
        }
    }
    QCoreApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
