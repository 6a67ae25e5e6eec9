#include "workers/workloads/requestburstworkload.h"

#include "model/trace/tracenames.h"
#include "model/trace/tracerecorder.h"
#include "workers/execution/executioncontext.h"
#include "workers/execution/tracespan.h"
#include "workers/transport/httpcall.h"
#include "workers/transport/keepalivehttpcall.h"
#include "workers/transport/transportfactory.h"
#include "workers/workloads/workloadstatistics.h"

#include <QJsonDocument>
#include <QMutex>
#include <QUrlQuery>

#include <algorithm>
#include <atomic>
#include <memory>
#include <vector>

using Taskscope::Execution::ChildTask;
using Taskscope::Execution::ExecutionContext;
using Taskscope::Execution::TraceSpan;
using Taskscope::Execution::WaitOutcome;
using Taskscope::Model::StreamStatistics;
using Taskscope::Model::WorkloadSpec;
using Taskscope::Trace::NameId;
using Taskscope::Trace::TraceNames;
using Taskscope::Trace::TraceRecorder;
using Taskscope::Transport::createHttpCall;
using Taskscope::Transport::HttpCall;
using Taskscope::Transport::KeepAliveHttpCall;

namespace Taskscope::Workloads {

namespace {

struct BurstNames
{
    NameId request = TraceNames::intern("request");
    NameId reply = TraceNames::intern("reply");
    NameId poll = TraceNames::intern("burst progress");
    NameId failed = TraceNames::intern("request failed");
};

const BurstNames &names()
{
    static const BurstNames n;
    return n;
}

constexpr std::chrono::milliseconds ProgressInterval {100};

// Shared by a stream and its children (which may run on pool threads in the Thread model).
struct BurstState
{
    int total = 0;
    HttpCall::Request request;
    std::atomic<int> next {0};
    std::atomic<int> completed {0};
    std::atomic<int> failed {0};
    std::atomic<qint64> firstStartNs {-1};
    std::atomic<qint64> lastEndNs {-1};
    QMutex mutex;
    StreamStatistics merged; // children add their figures when they end
    QString firstError;

    void noteStart(qint64 ns)
    {
        qint64 expected = -1;
        firstStartNs.compare_exchange_strong(expected, ns, std::memory_order_relaxed);
    }
    void noteEnd(qint64 ns)
    {
        qint64 last = lastEndNs.load(std::memory_order_relaxed);
        while (last < ns && !lastEndNs.compare_exchange_weak(last, ns, std::memory_order_relaxed)) { }
    }
    double requestsPerSecond() const
    {
        const qint64 start = firstStartNs.load(std::memory_order_relaxed);
        const qint64 end = lastEndNs.load(std::memory_order_relaxed);
        if (start < 0 || end <= start)
            return 0;
        return double(completed.load(std::memory_order_relaxed)) * 1e9 / double(end - start);
    }
};

QString describeFailure(const HttpCall &call, const QByteArray &body)
{
    if (!call.errorString().isEmpty())
        return call.errorString();
    QString message;
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (doc.isObject())
        message = doc.object().value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
    if (message.isEmpty())
        message = QString::fromUtf8(body.left(120)).simplified();
    return QStringLiteral("HTTP %1%2")
        .arg(call.status())
        .arg(message.isEmpty() ? QString() : QStringLiteral(": ") + message);
}

// One of the C concurrent requesters: takes request numbers until all N are taken.
QCoro::Task<void> runRequester(ExecutionContext &ctx, std::shared_ptr<BurstState> state)
{
    const BurstNames &n = names();
    StreamStatistics local;
    QString firstError;
    for (;;) {
        if (ctx.isCancelled())
            break;
        const int index = state->next.fetch_add(1, std::memory_order_relaxed);
        if (index >= state->total)
            break;
        std::unique_ptr<HttpCall> call;
        if (!ctx.blocksThread() && KeepAliveHttpCall::supports(state->request.url))
            call = std::make_unique<KeepAliveHttpCall>(&ctx);
        else
            call = createHttpCall(ctx);
        const qint64 startNs = ExecutionContext::nowNs();
        state->noteStart(startNs);
        TraceSpan span(ctx.coroutineLane(), n.request, std::uint64_t(index));
        call->start(state->request);
        const QByteArray body = co_await call->readAll(RequestBurstWorkload::RequestTimeout);
        if (ctx.isCancelled())
            break;
        const qint64 endNs = ExecutionContext::nowNs();
        const bool ok = call->succeeded() && call->status() >= 200 && call->status() < 300;
        span.end(std::uint64_t(call->status()));
        ++local.requests;
        local.bytesReceived += body.size();
        local.bytesSent += state->request.body.size();
        if (ok) {
            local.requestLatency.record(endNs - startNs);
        } else {
            ++local.errors;
            state->failed.fetch_add(1, std::memory_order_relaxed);
            TraceRecorder::instant(ctx.streamLane(), n.failed, std::uint64_t(index));
            if (firstError.isEmpty())
                firstError = describeFailure(*call, body);
        }
        state->noteEnd(endNs);
        state->completed.fetch_add(1, std::memory_order_relaxed);
    }
    QMutexLocker locker(&state->mutex);
    state->merged.merge(local);
    if (state->firstError.isEmpty())
        state->firstError = firstError;
}

void publish(StreamReporter &report, BurstState &state, qint64 startedNs, int concurrency, bool final)
{
    StreamStatistics stats;
    QString firstError;
    {
        QMutexLocker locker(&state.mutex);
        stats = state.merged;
        firstError = state.firstError;
    }
    const int completed = state.completed.load(std::memory_order_relaxed);
    if (!final) {
        // Children merge when they end; until then show the live counts.
        stats.requests = std::max<qint64>(stats.requests, completed);
        stats.errors = std::max<qint64>(stats.errors, state.failed.load(std::memory_order_relaxed));
    }
    stats.durationS = double(ExecutionContext::nowNs() - startedNs) / 1e9;
    report.statistics(stats, StreamExtras::Burst {state.requestsPerSecond(), completed, concurrency, firstError});
}

QCoro::Task<void> runBurst(StreamHandle s)
{
    const BurstNames &n = names();
    ExecutionContext &ctx = *s.ctx;
    StreamReporter &report = *s.report;
    const qint64 startedNs = ExecutionContext::nowNs();
    const QUrl url = RequestBurstWorkload::targetUrl(s.spec, s.env);
    if (url.isEmpty()) {
        report.fail(QStringLiteral("no endpoint: the built-in service is not running and no base URL is set"));
        co_return;
    }
    auto state = std::make_shared<BurstState>();
    state->total = s.spec.requests;
    state->request.method = "GET";
    state->request.url = url;
    state->request.timeout = RequestBurstWorkload::RequestTimeout;
    if (s.env.usesLoopback(s.spec) && !s.spec.faults.isEmpty())
        state->request.headers.append({QByteArrayLiteral("X-Taskscope-Faults"), s.spec.faults.toUtf8()});

    const int concurrency = std::clamp(s.spec.concurrency, 1, std::max(1, s.spec.requests));
    std::vector<ChildTask> children;
    children.reserve(std::size_t(concurrency));
    for (int i = 0; i < concurrency; ++i) {
        ChildTask child = ctx.spawn(QStringLiteral("burst #%1 requester %2").arg(s.index + 1).arg(i + 1),
                                    [state](ExecutionContext &child) { return runRequester(child, state); });
        children.push_back(std::move(child));
    }
    // Progress while the children work (they cannot use the reporter: they may be on other threads).
    for (;;) {
        const bool allDone = std::all_of(children.begin(), children.end(),
                                         [](const ChildTask &c) { return c.isDone(); });
        if (allDone || ctx.isCancelled())
            break;
        report.progress(double(state->completed.load(std::memory_order_relaxed)) / state->total);
        publish(report, *state, startedNs, concurrency, false);
        const WaitOutcome outcome = co_await ctx.sleepFor(ProgressInterval, n.poll);
        if (outcome == WaitOutcome::Cancelled)
            break;
    }
    co_await ctx.joinChildren();
    const int completed = state->completed.load(std::memory_order_relaxed);
    const int failed = state->failed.load(std::memory_order_relaxed);
    report.progress(double(completed) / state->total);
    publish(report, *state, startedNs, concurrency, true);
    if (ctx.isCancelled())
        co_return;
    if (completed > 0 && failed == completed) {
        QString firstError;
        {
            QMutexLocker locker(&state->mutex);
            firstError = state->firstError;
        }
        report.fail(
            QStringLiteral("all %1 requests to %2 failed; first: %3").arg(completed).arg(url.toString(), firstError));
    }
}

} // namespace

RequestBurstWorkload::RequestBurstWorkload(const WorkloadSpec &spec, const WorkloadEnvironment &env, QObject *parent)
    : Workload(
        spec,
        [&] {
            // Thread model: one pool thread per concurrent request (bounded), not a shared pool.
            WorkloadEnvironment own = env;
            own.threadPool.reset();
            own.threadPoolSize = std::clamp(spec.concurrency, 1, MaxPoolThreads);
            return own;
        }(),
        parent)
{
}

QUrl RequestBurstWorkload::targetUrl(const WorkloadSpec &spec, const WorkloadEnvironment &env)
{
    if (!env.usesLoopback(spec))
        return spec.baseUrl;
    if (env.loopbackBaseUrl.isEmpty())
        return {};
    QUrl url = env.loopbackBaseUrl.resolved(QUrl(QStringLiteral("/v1/echo")));
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("latency_ms"), QString::number(spec.latencyMs));
    query.addQueryItem(QStringLiteral("bytes"), QString::number(spec.payloadBytes));
    url.setQuery(query);
    return url;
}

Workload::StreamFunction RequestBurstWorkload::makeStream()
{
    return [](StreamHandle s) { return runBurst(std::move(s)); };
}

void RequestBurstWorkload::aggregate(WorkloadStatistics &statistics) const
{
    double rate = 0;
    for (const StreamResult &s : statistics.streams) {
        if (const StreamExtras::Burst *burst = s.extras.part<StreamExtras::Burst>())
            rate += burst->requestsPerSecond;
    }
    statistics.requestsPerSecond = rate; // streams run side by side: rates add
}

} // namespace Taskscope::Workloads
