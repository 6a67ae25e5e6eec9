// The probe's cost inside a host (this program plays the host) and how soon an alert leaves it.
// Run once per event dispatcher, e.g.:
//   QT_NO_GLIB=1 build/tests/bench/bench_probe --benchmark_repetitions=5   (UNIX dispatcher)
//   build/tests/bench/bench_probe --benchmark_repetitions=5                (glib, Debian's default)
#include "model/protocol/probeframereader.h"
#include "model/trace/traceclock.h"
#include "workers/probe/dispatchrecorder.h"
#include "workers/probe/probehost.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace Taskscope::Trace;

using namespace std::chrono_literals;
using namespace Taskscope::Probe;

namespace {

void processFor(std::chrono::milliseconds duration)
{
    QEventLoop loop;
    QTimer::singleShot(duration, &loop, &QEventLoop::quit);
    loop.exec();
}

// A reader like the launcher's, on its own thread: reads everything, notes when each alert's
// first message arrived (this process's trace clock, the same one the probe stamps with).
class Reader final
{
public:
    explicit Reader(const QString &path)
        : m_path(path.toLocal8Bit())
    {
        m_listen = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un address {};
        address.sun_family = AF_UNIX;
        std::memcpy(address.sun_path, m_path.constData(), size_t(m_path.size()));
        bind(m_listen, reinterpret_cast<const sockaddr *>(&address), sizeof address);
        listen(m_listen, 1);
        m_thread = std::thread([this] { run(); });
    }
    ~Reader()
    {
        shutdown(m_listen, SHUT_RDWR);
        close(m_listen);
        m_thread.join();
        unlink(m_path.constData());
    }
    Q_DISABLE_COPY_MOVE(Reader)

    struct Arrival
    {
        qint64 startNs;
        qint64 arrivedNs;
    };
    std::vector<Arrival> takeArrivals()
    {
        std::lock_guard lock(m_mutex);
        return std::exchange(m_arrivals, {});
    }

private:
    void run()
    {
        const int fd = accept(m_listen, nullptr, nullptr);
        if (fd < 0)
            return;
        ProbeFrameReader frames;
        std::vector<char> buffer(1 << 16);
        for (;;) {
            const ssize_t n = read(fd, buffer.data(), buffer.size());
            if (n <= 0)
                break;
            frames.feed(QByteArrayView(buffer.data(), n));
            ProbeFrameReader::Frame frame;
            while (frames.next(&frame)) {
                if (frame.type != MessageType::Alert)
                    continue;
                const QJsonObject message = QJsonDocument::fromJson(frame.payload).object();
                if (message.value(u"phase").toInt() != 0)
                    continue;
                std::lock_guard lock(m_mutex);
                m_arrivals.push_back(
                    {message.value(u"alert").toObject().value(u"startNs").toInteger(), TraceClock::nowNs()});
            }
        }
        close(fd);
    }

    QByteArray m_path;
    int m_listen = -1;
    std::thread m_thread;
    std::mutex m_mutex;
    std::vector<Arrival> m_arrivals;
};

ProbeHost::Settings settings(const QString &socketPath, std::chrono::milliseconds hang = 250ms)
{
    ProbeHost::Settings s = ProbeHost::Settings::fromEnvironment();
    s.socketPath = socketPath;
    s.watchdog.hang = hang;
    s.watchdog.suspicion = hang / 2;
    s.watchdog.journal = false;
    s.watchdog.desktopNotifications = false;
    return s;
}

std::int64_t floodBatch(QObject *receiver, int batch)
{
    std::int64_t delivered = 0;
    for (int i = 0; i < batch; ++i)
        QMetaObject::invokeMethod(
            receiver, [&delivered] { ++delivered; }, Qt::QueuedConnection);
    QCoreApplication::processEvents();
    return delivered;
}

// Trivial queued calls on the host's UI thread, 1,000 per batch, 1e6 per run. Modes: 0 no probe;
// 1 the probe with nobody reading (everything drained and dropped, counted); 2 the probe with a
// reader on another thread (everything sent). Compare ns_per_call between modes.
void BM_ProbeQueuedCalls(benchmark::State &state)
{
    const int mode = int(state.range(0));
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("probe.sock"));
    std::unique_ptr<Reader> reader;
    if (mode == 2)
        reader = std::make_unique<Reader>(path);
    std::unique_ptr<ProbeHost> host;
    if (mode >= 1) {
        host = std::make_unique<ProbeHost>(settings(mode == 2 ? path : QString()));
        host->start();
        processFor(300ms);
    }
    QObject receiver;
    std::int64_t delivered = 0;
    for (auto _ : state)
        delivered += floodBatch(&receiver, 1000);
    state.SetItemsProcessed(delivered);
    state.counters["ns_per_call"] = benchmark::Counter(double(delivered),
                                                       benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    if (host)
        host->stop(QStringLiteral("benchmark done"));
}
BENCHMARK(BM_ProbeQueuedCalls)->ArgName("mode")->Arg(0)->Arg(1)->Arg(2)->Iterations(1000)->UseRealTime();

__attribute__((noinline)) void blockUiThread(std::chrono::milliseconds duration)
{
    QThread::msleep(duration.count());
}

// Hang detection past the tier, as the reader sees it: from the moment the block crossed the hang
// tier (its start + 100 ms) to the alert's arrival on the reader's socket. Manual time = that latency;
// p50_ms and p99_ms are over the run's iterations.
void BM_ProbeAlertLatencyPastTier(benchmark::State &state)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("probe.sock"));
    Reader reader(path);
    constexpr auto hang = 100ms;
    ProbeHost host(settings(path, hang));
    host.start();
    processFor(300ms);
    // One hang first, not measured: the evidence thread's first symbolization loads the symbol tables.
    blockUiThread(hang + 100ms);
    processFor(1000ms);
    reader.takeArrivals();
    std::int64_t missed = 0;
    std::vector<double> latenciesMs;
    for (auto _ : state) {
        blockUiThread(hang + 100ms);
        processFor(150ms);
        const std::vector<Reader::Arrival> arrivals = reader.takeArrivals();
        if (arrivals.empty()) {
            ++missed;
            state.SetIterationTime(1.0);
            continue;
        }
        const qint64 pastTier = arrivals.front().arrivedNs
            - (arrivals.front().startNs + qint64(hang.count()) * 1'000'000);
        state.SetIterationTime(double(pastTier) / 1e9);
        latenciesMs.push_back(double(pastTier) / 1e6);
    }
    state.counters["missed"] = double(missed);
    if (!latenciesMs.empty()) {
        std::sort(latenciesMs.begin(), latenciesMs.end());
        auto at = [&latenciesMs](double q) {
            return latenciesMs[std::size_t(q * double(latenciesMs.size() - 1) + 0.5)];
        };
        state.counters["p50_ms"] = at(0.5);
        state.counters["p99_ms"] = at(0.99);
    }
    host.stop(QStringLiteral("benchmark done"));
}
BENCHMARK(BM_ProbeAlertLatencyPastTier)->Iterations(50)->UseManualTime()->Unit(benchmark::kMillisecond);

// The first alert of a fresh host, past the tier (the one BM_ProbeAlertLatencyPastTier leaves out):
// its evidence includes the first symbolization, which loads the symbol tables unless prewarmed.
void BM_ProbeFirstAlertLatency(benchmark::State &state)
{
    constexpr auto hang = 100ms;
    std::int64_t missed = 0;
    std::vector<double> latenciesMs;
    for (auto _ : state) {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("probe.sock"));
        Reader reader(path);
        ProbeHost host(settings(path, hang));
        host.start();
        processFor(500ms); // what a program does before its first hang (the prewarm runs meanwhile)
        blockUiThread(hang + 400ms);
        processFor(600ms);
        const std::vector<Reader::Arrival> arrivals = reader.takeArrivals();
        host.stop(QStringLiteral("benchmark done"));
        if (arrivals.empty()) {
            ++missed;
            state.SetIterationTime(1.0);
            continue;
        }
        const qint64 pastTier = arrivals.front().arrivedNs
            - (arrivals.front().startNs + qint64(hang.count()) * 1'000'000);
        state.SetIterationTime(double(pastTier) / 1e9);
        latenciesMs.push_back(double(pastTier) / 1e6);
    }
    state.counters["missed"] = double(missed);
    if (!latenciesMs.empty()) {
        std::sort(latenciesMs.begin(), latenciesMs.end());
        state.counters["min_ms"] = latenciesMs.front();
        state.counters["median_ms"] = latenciesMs[latenciesMs.size() / 2];
        state.counters["max_ms"] = latenciesMs.back();
    }
}
BENCHMARK(BM_ProbeFirstAlertLatency)->Iterations(5)->UseManualTime()->Unit(benchmark::kMillisecond);

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    // A Qt GUI process is never single-threaded; keep glibc's malloc on its multi-threaded path in
    // every mode (see bench_watchdog).
    QThread idle;
    idle.start();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    idle.quit();
    idle.wait();
    return 0;
}
