#include "workers/workloads/commandworkload.h"

#include "model/trace/tracenames.h"
#include "workers/execution/executioncontext.h"
#include "workers/execution/tracespan.h"
#include "workers/transport/httpcall.h"
#include "workers/transport/transportfactory.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QThread>
#include <QUrlQuery>

#include <atomic>
#include <memory>

using Taskscope::Execution::CancelToken;
using Taskscope::Execution::ExecutionContext;
using Taskscope::Execution::TraceSpan;
using Taskscope::Model::CommandKind;
using Taskscope::Model::StreamStatistics;
using Taskscope::Model::WorkloadSpec;
using Taskscope::Trace::NameId;
using Taskscope::Trace::TraceNames;
using Taskscope::Transport::createHttpCall;
using Taskscope::Transport::HttpCall;

namespace Taskscope::Workloads {

namespace {

struct CommandNames
{
    NameId sleep = TraceNames::intern(CommandWorkload::spanName(CommandKind::Sleep));
    NameId hash = TraceNames::intern(CommandWorkload::spanName(CommandKind::CpuHash));
    NameId io = TraceNames::intern(CommandWorkload::spanName(CommandKind::IoWait));
};

const CommandNames &names()
{
    static const CommandNames n;
    return n;
}

// What a blocking part reports back from whichever thread ran it.
struct PartOutcome
{
    bool completed = false;
    bool onUiThread = false;
    qint64 rounds = 0;
    QByteArray digest;
};

bool onUiThread()
{
    const QCoreApplication *app = QCoreApplication::instance();
    return app && QThread::currentThread() == app->thread();
}

PartOutcome blockingSleep(qint64 durationNs, const std::shared_ptr<CancelToken> &cancel)
{
    PartOutcome out;
    out.onUiThread = onUiThread();
    out.completed = ExecutionContext::blockingSleepUntil(ExecutionContext::nowNs() + durationNs, cancel->flag());
    return out;
}

// SHA-256 over a 64 KiB buffer, chained, until the time is up (or `rounds` rounds when durationNs is 0).
PartOutcome hashFor(qint64 durationNs, qint64 rounds, const std::shared_ptr<CancelToken> &cancel)
{
    PartOutcome out;
    out.onUiThread = onUiThread();
    QByteArray buffer(CommandWorkload::HashBufferBytes, Qt::Uninitialized);
    for (int i = 0; i < buffer.size(); ++i)
        buffer[i] = char((i * 131 + 7) & 0xff);
    QByteArray digest(32, '\0');
    const qint64 endNs = ExecutionContext::nowNs() + durationNs;
    for (;;) {
        if (cancel->isCancelled())
            return out;
        if (durationNs > 0 ? ExecutionContext::nowNs() >= endNs : out.rounds >= rounds)
            break;
        QCryptographicHash hash(QCryptographicHash::Sha256);
        hash.addData(digest);
        hash.addData(buffer);
        digest = hash.result();
        ++out.rounds;
    }
    out.completed = true;
    out.digest = digest.toHex();
    return out;
}

QCoro::Task<void> runCommand(StreamHandle s)
{
    const CommandNames &n = names();
    ExecutionContext &ctx = *s.ctx;
    StreamReporter &report = *s.report;
    const qint64 startedNs = ExecutionContext::nowNs();
    const qint64 durationNs = qint64(s.spec.commandMs) * 1'000'000;
    StreamStatistics stats;
    StreamExtras::Command extra;
    extra.command = Model::WorkloadSpec::toString(s.spec.command);
    extra.commandMs = s.spec.commandMs;
    report.progress(-1);
    bool completed = false;
    QString failure;

    switch (s.spec.command) {
    case CommandKind::Sleep:
    case CommandKind::CpuHash: {
        std::shared_ptr<CancelToken> cancel = ctx.cancelToken();
        const qint64 rounds = s.spec.requests;
        const bool sleep = s.spec.command == CommandKind::Sleep;
        auto part = [sleep, durationNs, rounds, cancel] {
            return sleep ? blockingSleep(durationNs, cancel) : hashFor(durationNs, rounds, cancel);
        };
        const PartOutcome out = co_await ctx.blockingPart(sleep ? n.sleep : n.hash, std::move(part));
        completed = out.completed;
        extra.ranOnUiThread = out.onUiThread;
        if (!sleep) {
            extra.rounds = out.rounds;
            extra.digest = QString::fromLatin1(out.digest);
        }
        break;
    }
    case CommandKind::IoWait: {
        QUrl url = s.env.baseUrlFor(s.spec);
        if (url.isEmpty()) {
            failure = QStringLiteral("no endpoint: the built-in service is not running and no base URL is set");
            break;
        }
        HttpCall::Request request;
        if (s.env.usesLoopback(s.spec)) {
            url = url.resolved(QUrl(QStringLiteral("/v1/echo")));
            QUrlQuery query;
            query.addQueryItem(QStringLiteral("latency_ms"), QString::number(s.spec.commandMs));
            url.setQuery(query);
            if (!s.spec.faults.isEmpty())
                request.headers.append({QByteArrayLiteral("X-Taskscope-Faults"), s.spec.faults.toUtf8()});
        }
        request.url = url;
        std::unique_ptr<HttpCall> call = createHttpCall(ctx);
        TraceSpan span(ctx.streamLane(), n.io, std::uint64_t(s.spec.commandMs));
        call->start(request);
        const QByteArray body = co_await call->readAll(std::chrono::nanoseconds(durationNs) + std::chrono::seconds(30));
        span.end(std::uint64_t(call->status()));
        if (ctx.isCancelled())
            break;
        stats.bytesReceived = body.size();
        extra.status = call->status();
        if (!call->succeeded())
            failure = QStringLiteral("request to %1 failed: %2").arg(url.toString(), call->errorString());
        else if (call->status() < 200 || call->status() >= 300)
            failure = QStringLiteral("request to %1 answered HTTP %2").arg(url.toString()).arg(call->status());
        else
            completed = true;
        break;
    }
    }

    const qint64 endNs = ExecutionContext::nowNs();
    stats.requests = 1;
    stats.durationS = double(endNs - startedNs) / 1e9;
    if (completed)
        stats.requestLatency.record(endNs - startedNs);
    else if (!ctx.isCancelled())
        ++stats.errors;
    report.statistics(stats, extra);
    if (!failure.isEmpty())
        report.fail(failure);
    else if (completed)
        report.progress(1);
}

} // namespace

QString CommandWorkload::spanName(CommandKind kind)
{
    return QStringLiteral("command %1").arg(WorkloadSpec::toString(kind));
}

QString CommandWorkload::laneLabel() const
{
    return WorkloadSpec::toString(spec().command);
}

Workload::StreamFunction CommandWorkload::makeStream()
{
    return [](StreamHandle s) { return runCommand(std::move(s)); };
}

} // namespace Taskscope::Workloads
