#include "workers/workloads/chatstreamworkload.h"

#include "model/chatcompletionchunk.h"
#include "model/sseparser.h"
#include "model/tracenames.h"
#include "model/tracerecorder.h"
#include "workers/execution/executioncontext.h"
#include "workers/execution/tracespan.h"
#include "workers/transport/httpcall.h"
#include "workers/transport/keepalivehttpcall.h"
#include "workers/transport/transportfactory.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>

namespace {

struct ChatNames
{
    NameId request = TraceNames::intern("chat request");
    NameId awaitHeaders = TraceNames::intern("response headers");
    NameId awaitTokens = TraceNames::intern("sse data");
    NameId streaming = TraceNames::intern("token stream");
    NameId token = TraceNames::intern("token");
    NameId retry = TraceNames::intern("retry after 429");
    NameId retryWait = TraceNames::intern("Retry-After wait");
    NameId malformed = TraceNames::intern("malformed event");
    NameId serverError = TraceNames::intern("server error event");
    NameId done = TraceNames::intern("[DONE]");
};

const ChatNames &names()
{
    static const ChatNames n;
    return n;
}

constexpr qint64 HeaderTimeoutNs = 60'000'000'000;
constexpr qint64 ErrorBodyTimeoutNs = 10'000'000'000;
constexpr qint64 PublishIntervalNs = 250'000'000;

QString defaultModel(bool loopback)
{
    if (loopback)
        return QStringLiteral("taskscope-local");
    const QString model = qEnvironmentVariable("OPENAI_MODEL");
    return model.isEmpty() ? QStringLiteral("gpt-4o-mini") : model;
}

// What one stream knows while it reads; published as statistics.
struct ChatProgress
{
    StreamStatistics stats;
    QString content;
    qint64 contentBytes = 0;
    qint64 usageCompletionTokens = -1;
    QString finishReason;
    qint64 firstTokenNs = -1;
    qint64 lastTokenNs = -1;

    double tokensPerSecond() const
    {
        if (stats.tokens < 2 || lastTokenNs <= firstTokenNs)
            return 0;
        return double(stats.tokens - 1) * 1e9 / double(lastTokenNs - firstTokenNs);
    }

    void publish(StreamReporter &report, qint64 startedNs)
    {
        stats.durationS = double(ExecutionContext::nowNs() - startedNs) / 1e9;
        QJsonObject extra;
        extra.insert(QStringLiteral("tokensPerSecond"), tokensPerSecond());
        extra.insert(QStringLiteral("usageCompletionTokens"), usageCompletionTokens);
        extra.insert(QStringLiteral("finishReason"), finishReason);
        extra.insert(QStringLiteral("content"), content);
        extra.insert(QStringLiteral("contentBytes"), contentBytes);
        report.statistics(stats, extra);
    }
};

QCoro::Task<void> runChatStream(StreamHandle s)
{
    const ChatNames &n = names();
    ExecutionContext &ctx = *s.ctx;
    StreamReporter &report = *s.report;
    const LaneId lane = ctx.streamLane();
    const qint64 startedNs = ExecutionContext::nowNs();
    const bool loopback = s.env.usesLoopback(s.spec);
    const QUrl base = s.env.baseUrlFor(s.spec);
    ChatProgress progress;
    report.progress(-1);
    if (base.isEmpty()) {
        report.fail(QStringLiteral("no endpoint: the built-in service is not running and no base URL is set"));
        co_return;
    }
    const ApiKey key = s.env.keyFor(s.spec, WorkloadEnvironment::Service::OpenAi);
    if (key.isEmpty()) {
        report.fail(QStringLiteral("OPENAI_API_KEY is not set (needed for %1)").arg(base.toString()));
        co_return;
    }

    HttpCall::Request request;
    request.method = "POST";
    request.url = ChatStreamWorkload::endpointUrl(base);
    request.headers.append({QByteArrayLiteral("Authorization"), key.authorizationValue("Bearer")});
    request.headers.append({QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")});
    request.headers.append({QByteArrayLiteral("Accept"), QByteArrayLiteral("text/event-stream")});
    if (loopback && !s.spec.faults.isEmpty())
        request.headers.append({QByteArrayLiteral("X-Taskscope-Faults"), s.spec.faults.toUtf8()});
    request.body = ChatStreamWorkload::requestBody(s.spec, loopback);
    request.timeoutNs = ChatStreamWorkload::IdleTimeoutNs;

    std::unique_ptr<HttpCall> call;
    qint64 requestStartNs = 0;
    for (int attempt = 0;; ++attempt) {
        // Plain http (the built-in service, local servers): our keep-alive client, which has no
        // per-host connection cap; QNetworkAccessManager runs at most 6 streams per host at once on
        // a thread, so hundreds of coroutine streams would queue behind six. https: QNAM (TLS).
        if (!ctx.blocksThread() && KeepAliveHttpCall::supports(request.url))
            call = std::make_unique<KeepAliveHttpCall>(&ctx);
        else
            call = createHttpCall(ctx);
        requestStartNs = ExecutionContext::nowNs();
        ++progress.stats.requests;
        progress.stats.bytesSent += request.body.size();
        TraceSpan requestSpan(lane, n.request, std::uint64_t(attempt));
        call->start(request);
        const qint64 headerDeadline = ExecutionContext::nowNs() + HeaderTimeoutNs;
        while (!call->headersReceived() && !call->isFinished()) {
            const WaitOutcome outcome = co_await ctx.waitEvent(*call, headerDeadline, n.awaitHeaders);
            if (outcome == WaitOutcome::Cancelled || ctx.isCancelled()) {
                call->abort();
                co_return;
            }
            if (outcome == WaitOutcome::Deadline && !call->headersReceived()) {
                call->abort();
                report.fail(QStringLiteral("no response from %1 within %2 s")
                                .arg(request.url.toString())
                                .arg(HeaderTimeoutNs / 1'000'000'000));
                co_return;
            }
        }
        if (!call->headersReceived()) {
            ++progress.stats.errors;
            report.fail(QStringLiteral("request to %1 failed: %2").arg(request.url.toString(), call->errorString()));
            progress.publish(report, startedNs);
            co_return;
        }
        const int status = call->status();
        if (status == 200)
            break;
        const QByteArray errorBody = co_await call->readAll(ErrorBodyTimeoutNs);
        if (ctx.isCancelled())
            co_return;
        if (status == 429 && attempt < ChatStreamWorkload::MaxRetries) {
            const double delayS = ChatStreamWorkload::retryDelayS(call->header("Retry-After"), attempt);
            ++progress.stats.retries;
            requestSpan.end(std::uint64_t(status));
            TraceRecorder::instant(lane, n.retry, std::uint64_t(attempt + 1));
            call.reset();
            progress.publish(report, startedNs);
            const WaitOutcome outcome = co_await ctx.sleepFor(qint64(delayS * 1e9), n.retryWait);
            if (outcome == WaitOutcome::Cancelled || ctx.isCancelled())
                co_return;
            continue;
        }
        ++progress.stats.errors;
        QString reason = ChatStreamWorkload::httpError(status, errorBody);
        if (status == 429)
            reason += QStringLiteral(" (gave up after %1 retries)").arg(progress.stats.retries);
        report.fail(reason);
        progress.publish(report, startedNs);
        co_return;
    }

    // The body, incrementally: bytes -> SSE events -> chunks.
    TraceSpan streamSpan(lane, n.streaming);
    SseParser parser;
    QList<SseParser::Event> events;
    bool done = false;
    bool usable = false;
    QString serverError;
    QString firstMalformed;
    qint64 idleDeadline = ExecutionContext::nowNs() + ChatStreamWorkload::IdleTimeoutNs;
    qint64 nextPublishNs = ExecutionContext::nowNs() + PublishIntervalNs;
    bool cancelled = false;
    bool idleTimedOut = false;
    for (;;) {
        // Finished before this read: the read takes everything left.
        const bool finishedBeforeRead = call->isFinished();
        const QByteArray bytes = call->readBody();
        if (!bytes.isEmpty()) {
            progress.stats.bytesReceived += bytes.size();
            parser.feed(bytes, events);
            idleDeadline = ExecutionContext::nowNs() + ChatStreamWorkload::IdleTimeoutNs;
        }
        for (const SseParser::Event &event : std::as_const(events)) {
            if (done || !serverError.isEmpty())
                break;
            if (event.type != "message")
                continue; // named events are not part of the chat protocol
            const ChatCompletionChunk chunk = ChatCompletionChunk::parse(event.data);
            switch (chunk.kind) {
            case ChatCompletionChunk::Kind::Done:
                done = true;
                TraceRecorder::instant(lane, n.done);
                break;
            case ChatCompletionChunk::Kind::ServerError:
                serverError = chunk.errorMessage.isEmpty() ? QStringLiteral("(no message)") : chunk.errorMessage;
                if (!chunk.errorCode.isEmpty())
                    serverError += QStringLiteral(" [%1]").arg(chunk.errorCode);
                TraceRecorder::instant(lane, n.serverError);
                break;
            case ChatCompletionChunk::Kind::Malformed:
                ++progress.stats.malformedMessages;
                if (firstMalformed.isEmpty())
                    firstMalformed = chunk.errorMessage;
                TraceRecorder::instant(lane, n.malformed);
                break;
            case ChatCompletionChunk::Kind::Chunk: {
                usable = true;
                if (chunk.usage)
                    progress.usageCompletionTokens = chunk.usage->completionTokens;
                if (!chunk.finishReason().isEmpty())
                    progress.finishReason = chunk.finishReason();
                if (!chunk.hasContent())
                    break;
                const QString text = chunk.content();
                if (text.isEmpty())
                    break;
                const qint64 now = ExecutionContext::nowNs();
                ++progress.stats.tokens;
                if (progress.firstTokenNs < 0) {
                    progress.firstTokenNs = now;
                    progress.stats.timeToFirstTokenNs = now - requestStartNs;
                } else {
                    progress.stats.interTokenGap.record(now - progress.lastTokenNs);
                }
                progress.lastTokenNs = now;
                TraceRecorder::instant(lane, n.token, std::uint64_t(progress.stats.tokens));
                const QByteArray utf8 = text.toUtf8();
                progress.contentBytes += utf8.size();
                if (progress.content.size() < ChatStreamWorkload::ContentCapBytes)
                    progress.content += text;
                report.token(text);
                break;
            }
            }
        }
        events.clear();
        if (done || !serverError.isEmpty())
            break;
        if (finishedBeforeRead)
            break;
        if (call->isFinished())
            continue; // read what arrived with the end
        if (ExecutionContext::nowNs() >= nextPublishNs) {
            progress.publish(report, startedNs);
            nextPublishNs = ExecutionContext::nowNs() + PublishIntervalNs;
        }
        const WaitOutcome outcome = co_await ctx.waitEvent(*call, idleDeadline, n.awaitTokens);
        if (outcome == WaitOutcome::Cancelled || ctx.isCancelled()) {
            cancelled = true;
            break;
        }
        if (outcome == WaitOutcome::Deadline && ExecutionContext::nowNs() >= idleDeadline) {
            idleTimedOut = true;
            break;
        }
    }
    parser.finish();
    if (!call->isFinished())
        call->abort();
    streamSpan.end(std::uint64_t(progress.stats.tokens));
    if (cancelled) {
        progress.publish(report, startedNs);
        co_return;
    }
    if (!serverError.isEmpty()) {
        ++progress.stats.errors;
        report.fail(QStringLiteral("server error after %1 tokens: %2").arg(progress.stats.tokens).arg(serverError));
    } else if (!usable && progress.stats.malformedMessages > 0) {
        ++progress.stats.errors;
        report.fail(QStringLiteral("no usable event: %1 malformed (first: %2)")
                        .arg(progress.stats.malformedMessages)
                        .arg(firstMalformed));
    } else if (!done) {
        ++progress.stats.errors;
        QString why;
        if (idleTimedOut)
            why = QStringLiteral("no data for %1 s").arg(ChatStreamWorkload::IdleTimeoutNs / 1'000'000'000);
        else if (!call->errorString().isEmpty())
            why = call->errorString();
        else if (parser.dispatchedEventCount() == 0)
            why = QStringLiteral("the response had no events (Content-Type: %1)")
                      .arg(QString::fromLatin1(call->header("Content-Type")));
        else
            why = QStringLiteral("the connection closed");
        report.fail(
            QStringLiteral("stream ended after %1 tokens without [DONE]: %2").arg(progress.stats.tokens).arg(why));
    }
    report.progress(1);
    progress.publish(report, startedNs);
}

} // namespace

QUrl ChatStreamWorkload::endpointUrl(const QUrl &baseUrl)
{
    QUrl url = baseUrl;
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    if (!path.endsWith(QLatin1String("/v1")))
        path += QLatin1String("/v1");
    url.setPath(path + QLatin1String("/chat/completions"));
    url.setQuery(QString());
    return url;
}

QString ChatStreamWorkload::prompt(const WorkloadSpec &spec)
{
    return spec.text.isEmpty() ? QStringLiteral("Explain in a few sentences why a UI thread must never block.")
                               : spec.text;
}

QByteArray ChatStreamWorkload::requestBody(const WorkloadSpec &spec, bool loopback)
{
    QJsonObject message;
    message.insert(QStringLiteral("role"), QStringLiteral("user"));
    message.insert(QStringLiteral("content"), prompt(spec));
    QJsonObject body;
    body.insert(QStringLiteral("model"), defaultModel(loopback));
    body.insert(QStringLiteral("messages"), QJsonArray {message});
    body.insert(QStringLiteral("stream"), true);
    body.insert(QStringLiteral("stream_options"), QJsonObject {{QStringLiteral("include_usage"), true}});
    body.insert(QStringLiteral("max_tokens"), spec.maxTokens);
    if (loopback && spec.tokensPerSecond > 0)
        body.insert(QStringLiteral("x_tokens_per_second"), spec.tokensPerSecond);
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QString ChatStreamWorkload::httpError(int status, const QByteArray &body)
{
    QString message;
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (doc.isObject()) {
        const QJsonValue error = doc.object().value(QStringLiteral("error"));
        if (error.isObject()) {
            message = error.toObject().value(QStringLiteral("message")).toString();
            const QString type = error.toObject().value(QStringLiteral("type")).toString();
            if (!type.isEmpty())
                message += QStringLiteral(" (%1)").arg(type);
        } else if (error.isString()) {
            message = error.toString();
        }
    }
    if (message.isEmpty())
        message = QString::fromUtf8(body.left(200)).simplified();
    if (message.isEmpty())
        message = QStringLiteral("no error message");
    return QStringLiteral("HTTP %1: %2").arg(status).arg(message);
}

double ChatStreamWorkload::retryDelayS(const QByteArray &retryAfter, int attempt)
{
    const QByteArray text = retryAfter.trimmed();
    bool ok = false;
    const double seconds = text.toDouble(&ok);
    if (ok && seconds >= 0 && std::isfinite(seconds))
        return std::min<double>(seconds, MaxRetryAfterS);
    if (!text.isEmpty()) {
        const QDateTime when = QDateTime::fromString(QString::fromLatin1(text), Qt::RFC2822Date);
        if (when.isValid())
            return std::clamp<double>(double(QDateTime::currentDateTimeUtc().msecsTo(when)) / 1000.0, 0,
                                      MaxRetryAfterS);
    }
    return std::min<double>(double(1 << std::clamp(attempt, 0, 5)), MaxRetryAfterS);
}

Workload::StreamFunction ChatStreamWorkload::makeStream()
{
    return [](StreamHandle s) { return runChatStream(std::move(s)); };
}

void ChatStreamWorkload::aggregate(QJsonObject &statistics, const QList<QJsonObject> &streams) const
{
    double rateSum = 0;
    int rated = 0;
    for (const QJsonObject &s : streams) {
        const double rate = s.value(QStringLiteral("tokensPerSecond")).toDouble();
        if (rate > 0) {
            rateSum += rate;
            ++rated;
        }
    }
    QJsonObject aggregate = statistics.value(QStringLiteral("aggregate")).toObject();
    aggregate.insert(QStringLiteral("tokensPerSecond"), rated ? rateSum / rated : 0.0);
    statistics.insert(QStringLiteral("aggregate"), aggregate);
}
