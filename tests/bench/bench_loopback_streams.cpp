// Live WebSocket streams against the loopback service, server and clients in one process on this
// machine (2 cores here), 20 ms linear16 chunks paced in real time by one shared pacer:
//  - BM_LoadSinkStreams/N: N load-sink streams; does the server keep up? Reports the server's worst
//    backlog (audio sent but not yet received, in ms per stream), the client's send lateness p99 and
//    the CPU the whole process used per stream-second.
//  - BM_RecognitionStreams/N: N streams with pocketsphinx recognition, each playing the bundled samples
//    with 0.8 s gaps; reports the final-result latency after each utterance's last word (p50/p95/max)
//    and how many finals had the exact sample text.
// Duration per run: TASKSCOPE_BENCH_SECONDS (default 8).
//   build/tests/bench/bench_loopback_streams --benchmark_filter=LoadSink
#include "workers/loopback/loopbackservice.h"
#include "workers/loopback/servicestats.h"
#include "workers/loopback/websocket/websocketframeparser.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTcpSocket>
#include <QTimer>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <memory>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

using Taskscope::Loopback::LoopbackConfig;
using Taskscope::Loopback::LoopbackService;
using Taskscope::Loopback::ServiceStats;
using Taskscope::Loopback::WebSocketFrameParser;

namespace {

constexpr int chunkMs = 20;
constexpr int chunkBytes = 640;

int benchSeconds()
{
    const int s = qEnvironmentVariableIntValue("TASKSCOPE_BENCH_SECONDS");
    return s > 0 ? s : 8;
}

double cpuSeconds()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// CPU seconds of this process's threads whose name starts with `prefix` (the service names its
// network threads "loopback-net-N"), from /proc: the server's share of the in-process run.
double threadCpuSeconds(const QByteArray &prefix)
{
    double total = 0;
    const QStringList tasks = QDir(QStringLiteral("/proc/self/task")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &tid : tasks) {
        QFile comm(QStringLiteral("/proc/self/task/%1/comm").arg(tid));
        if (!comm.open(QIODevice::ReadOnly) || !comm.readAll().startsWith(prefix))
            continue;
        QFile stat(QStringLiteral("/proc/self/task/%1/stat").arg(tid));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray line = stat.readAll();
        const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
        if (fields.size() > 12)
            total += (fields.at(11).toDouble() + fields.at(12).toDouble()) / double(sysconf(_SC_CLK_TCK));
    }
    return total;
}

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, std::size_t(p * double(values.size())))];
}

// A minimal WebSocket client on a raw socket: masked binary frames out, text frames in.
class BenchStream : public QObject
{
public:
    QTcpSocket socket;
    QByteArray input;
    bool open = false;
    bool closed = false;
    std::function<void(const QByteArray &)> onText;
    qint64 startMs = 0; // wall time when chunk 0 was due
    qint64 sentChunks = 0;
    int playlist = 0;
    qint64 firstSpeechChunk = -1; // silence before it (decoder warm-up)

    void connectTo(quint16 port, const QByteArray &path)
    {
        connect(&socket, &QTcpSocket::connected, this, [this, path] {
            socket.write("GET " + path
                         + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        });
        connect(&socket, &QTcpSocket::readyRead, this, [this] {
            input += socket.readAll();
            if (!open) {
                const qsizetype end = input.indexOf("\r\n\r\n");
                if (end < 0)
                    return;
                open = input.startsWith("HTTP/1.1 101");
                input.remove(0, end + 4);
            }
            WebSocketFrameParser parser(16 * 1024 * 1024, false);
            qsizetype offset = 0;
            WebSocketFrameParser::Frame frame;
            while (parser.next(input, offset, frame) == WebSocketFrameParser::Result::Frame) {
                if (frame.opcode == WebSocketFrameParser::Text && onText)
                    onText(frame.payload);
            }
            input.remove(0, offset);
        });
        connect(&socket, &QTcpSocket::disconnected, this, [this] { closed = true; });
        socket.connectToHost(QHostAddress::LocalHost, port);
    }

    void send(QByteArrayView chunk)
    {
        socket.write(WebSocketFrameParser::encodeMasked(WebSocketFrameParser::Binary, chunk, 0x5A5A5A5Au));
    }
};

// Sends every stream's due chunks from one precise 5 ms timer, as a shared pacer would.
struct Pacer
{
    std::vector<BenchStream *> streams;
    std::function<QByteArray(BenchStream *, qint64 chunkIndex)> chunkFor;
    std::vector<double> latenessMs;
    qint64 totalBytes = 0;

    void tick(qint64 nowMs)
    {
        for (BenchStream *s : streams) {
            if (!s->open || s->closed || nowMs < s->startMs)
                continue;
            const qint64 due = (nowMs - s->startMs) / chunkMs + 1;
            while (s->sentChunks < due) {
                const double late = double(nowMs - (s->startMs + s->sentChunks * chunkMs));
                latenessMs.push_back(late);
                const QByteArray chunk = chunkFor(s, s->sentChunks);
                s->send(chunk);
                totalBytes += chunk.size();
                ++s->sentChunks;
            }
        }
    }
};

qint64 nowMs()
{
    static QElapsedTimer clock = [] {
        QElapsedTimer c;
        c.start();
        return c;
    }();
    return clock.elapsed();
}

bool waitOpen(const std::vector<std::unique_ptr<BenchStream>> &streams, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < timeoutMs) {
        QEventLoop wait;
        QTimer::singleShot(20, &wait, &QEventLoop::quit);
        wait.exec();
        if (std::all_of(streams.begin(), streams.end(), [](const auto &s) { return s->open || s->closed; }))
            return true;
    }
    return false;
}

void BM_LoadSinkStreams(benchmark::State &state)
{
    const int count = int(state.range(0));
    LoopbackConfig config;
    config.loadSink = true;
    LoopbackService service(config);
    service.start();
    for (auto _ : state) {
        std::vector<std::unique_ptr<BenchStream>> streams;
        for (int i = 0; i < count; ++i) {
            streams.push_back(std::make_unique<BenchStream>());
            streams.back()->connectTo(service.port(), "/v1/listen?encoding=linear16&sample_rate=16000&vad_events=true");
        }
        waitOpen(streams, 30000);
        int opened = 0;
        for (const auto &s : streams)
            opened += s->open ? 1 : 0;
        // Speech-like input: a 200 Hz square-ish burst for 1 s, then 0.6 s of silence.
        QByteArray loud(chunkBytes, '\0');
        for (int i = 0; i < chunkBytes / 2; ++i) {
            const qint16 v = (i / 40) % 2 ? 6000 : -6000;
            loud[2 * i] = char(v & 0xFF);
            loud[2 * i + 1] = char((v >> 8) & 0xFF);
        }
        const QByteArray quiet(chunkBytes, '\0');
        Pacer pacer;
        pacer.chunkFor = [&](BenchStream *, qint64 index) { return index % 80 < 50 ? loud : quiet; };
        const qint64 start = nowMs() + 100;
        for (int i = 0; i < count; ++i) {
            streams[std::size_t(i)]->startMs = start + (i % chunkMs); // spread over the 20 ms period
            pacer.streams.push_back(streams[std::size_t(i)].get());
        }
        const qint64 receivedBefore = service.stats().totals().audioBytesReceived;
        const double cpu0 = cpuSeconds();
        const double serverCpu0 = threadCpuSeconds("loopback-net");
        double worstBacklogMs = 0;
        QTimer timer;
        timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&timer, &QTimer::timeout, [&] { pacer.tick(nowMs()); });
        timer.start(5);
        QTimer sampler;
        QObject::connect(&sampler, &QTimer::timeout, [&] {
            const qint64 received = service.stats().totals().audioBytesReceived - receivedBefore;
            const double backlogMs = double(pacer.totalBytes - received) / 32.0 / std::max(1, opened);
            worstBacklogMs = std::max(worstBacklogMs, backlogMs);
        });
        sampler.start(100);
        QEventLoop loop;
        QTimer::singleShot(benchSeconds() * 1000 + 100, &loop, &QEventLoop::quit);
        loop.exec();
        timer.stop();
        sampler.stop();
        const double cpu = cpuSeconds() - cpu0;
        const double serverCpu = threadCpuSeconds("loopback-net") - serverCpu0;
        // Drain: how long until the server has everything that was sent?
        const qint64 drainStart = nowMs();
        while (service.stats().totals().audioBytesReceived - receivedBefore < pacer.totalBytes
               && nowMs() - drainStart < 10000) {
            QEventLoop wait;
            QTimer::singleShot(10, &wait, &QEventLoop::quit);
            wait.exec();
        }
        const qint64 finalLag = pacer.totalBytes - (service.stats().totals().audioBytesReceived - receivedBefore);
        state.SetIterationTime(benchSeconds());
        state.counters["streams_open"] = opened;
        state.counters["worst_backlog_ms"] = worstBacklogMs;
        state.counters["drain_ms"] = double(nowMs() - drainStart);
        state.counters["bytes_missing"] = double(finalLag);
        state.counters["send_late_p99_ms"] = percentile(pacer.latenessMs, 0.99);
        state.counters["cpu_ms_per_stream_s"] = cpu * 1000.0 / (double(opened) * benchSeconds());
        state.counters["server_cpu_ms_per_stream_s"] = serverCpu * 1000.0 / (double(opened) * benchSeconds());
        for (auto &s : streams)
            s->socket.abort();
    }
}
BENCHMARK(BM_LoadSinkStreams)->Arg(1000)->Arg(2000)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

struct Sample
{
    QByteArray pcm;
    QStringList lines;
};

QList<Sample> loadSamples()
{
    QList<Sample> samples;
    const QStringList names =
        QDir(QStringLiteral(":/speech")).entryList({QStringLiteral("*.wav")}, QDir::Files, QDir::Name);
    for (const QString &name : names) {
        QFile wav(QStringLiteral(":/speech/") + name);
        QFile txt(QStringLiteral(":/speech/") + name.chopped(4) + QStringLiteral(".txt"));
        if (!wav.open(QIODevice::ReadOnly) || !txt.open(QIODevice::ReadOnly))
            continue;
        samples.append(
            {wav.readAll().mid(44), QString::fromUtf8(txt.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts)});
    }
    return samples;
}

void BM_RecognitionStreams(benchmark::State &state)
{
    const int count = int(state.range(0));
    LoopbackConfig config;
    config.maxRecognitionStreams = 4096;
    LoopbackService service(config);
    service.start();
    const QList<Sample> samples = loadSamples();
    QSet<QString> sentences;
    for (const Sample &s : samples) {
        for (const QString &line : s.lines)
            sentences.insert(line);
    }
    for (auto _ : state) {
        // Every stream plays all samples with 0.8 s gaps, starting at a different sample.
        std::vector<QByteArray> playlists;
        for (int i = 0; i < count; ++i) {
            QByteArray audio;
            for (qsizetype k = 0; k < samples.size(); ++k)
                audio += samples.at((i + k) % samples.size()).pcm + QByteArray(800 * 32, '\0');
            playlists.push_back(audio);
        }
        std::vector<std::unique_ptr<BenchStream>> streams;
        std::vector<double> latencies;
        int finals = 0;
        int exact = 0;
        for (int i = 0; i < count; ++i) {
            auto stream = std::make_unique<BenchStream>();
            BenchStream *s = stream.get();
            s->onText = [&, s](const QByteArray &text) {
                if (!text.contains("\"is_final\":true"))
                    return;
                const QJsonObject m = QJsonDocument::fromJson(text).object();
                const QJsonObject alt = m.value(QStringLiteral("channel"))
                                            .toObject()
                                            .value(QStringLiteral("alternatives"))
                                            .toArray()
                                            .first()
                                            .toObject();
                const QJsonArray words = alt.value(QStringLiteral("words")).toArray();
                if (words.isEmpty())
                    return;
                const double lastWordEnd = words.last().toObject().value(QStringLiteral("end")).toDouble();
                latencies.push_back(double(nowMs() - s->startMs) - lastWordEnd * 1000.0);
                ++finals;
                exact += sentences.contains(alt.value(QStringLiteral("transcript")).toString()) ? 1 : 0;
            };
            s->connectTo(service.port(),
                         "/v1/listen?encoding=linear16&sample_rate=16000&interim_results=true&endpointing=300");
            streams.push_back(std::move(stream));
        }
        waitOpen(streams, 30000);
        Pacer pacer;
        const QByteArray silentChunk(chunkBytes, '\0');
        pacer.chunkFor = [&](BenchStream *s, qint64 index) {
            if (s->firstSpeechChunk < 0)
                return silentChunk;
            const QByteArray &audio = playlists[std::size_t(s->playlist)];
            const qsizetype at = ((index - s->firstSpeechChunk) * chunkBytes) % audio.size();
            return audio.mid(at, chunkBytes);
        };
        const qint64 start = nowMs() + 100;
        for (int i = 0; i < count; ++i) {
            streams[std::size_t(i)]->playlist = i;
            streams[std::size_t(i)]->startMs = start + (i * 37) % 1000; // staggered starts
            pacer.streams.push_back(streams[std::size_t(i)].get());
        }
        QTimer timer;
        timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&timer, &QTimer::timeout, [&] { pacer.tick(nowMs()); });
        timer.start(5);
        // Warm-up: silence until every stream has its decoder (about 50 ms of file reading each).
        const qint64 warmStart = nowMs();
        while (service.stats().totals().decodersCreated < count && nowMs() - warmStart < 60000) {
            QEventLoop wait;
            QTimer::singleShot(20, &wait, &QEventLoop::quit);
            wait.exec();
        }
        const double warmupSeconds = (nowMs() - warmStart) / 1000.0;
        for (const auto &stream : streams)
            stream->firstSpeechChunk = stream->sentChunks;
        pacer.latenessMs.clear();
        const double cpu0 = cpuSeconds();
        QEventLoop loop;
        QTimer::singleShot(benchSeconds() * 1000 + 1100, &loop, &QEventLoop::quit);
        loop.exec();
        timer.stop();
        const double cpu = cpuSeconds() - cpu0;
        state.SetIterationTime(benchSeconds());
        state.counters["streams"] = count;
        state.counters["finals"] = finals;
        state.counters["exact_finals"] = exact;
        state.counters["final_latency_p50_ms"] = percentile(latencies, 0.5);
        state.counters["final_latency_p95_ms"] = percentile(latencies, 0.95);
        state.counters["final_latency_max_ms"] = percentile(latencies, 1.0);
        state.counters["send_late_p99_ms"] = percentile(pacer.latenessMs, 0.99);
        state.counters["cpu_cores"] = cpu / (benchSeconds() + 1.1);
        state.counters["decoder_warmup_s"] = warmupSeconds;
        const ServiceStats::Totals totals = service.stats().totals();
        state.counters["lm_fallbacks"] = double(totals.languageModelFallbacks);
        state.counters["decoders_created"] = double(totals.decodersCreated);
        state.counters["utterances"] = double(totals.utterancesFinalized);
        for (auto &s : streams)
            s->socket.abort();
    }
}
BENCHMARK(BM_RecognitionStreams)
    ->Arg(16)
    ->Arg(32)
    ->Arg(48)
    ->Arg(64)
    ->Arg(128)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

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
