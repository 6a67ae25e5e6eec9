#include "workers/workloads/chatstreamworkload.h"

#include "model/protocol/chatcompletionchunk.h"
#include "model/protocol/sseparser.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracerecorder.h"
#include "workers/execution/executioncontext.h"
#include "workers/execution/tracespan.h"
#include "workers/transport/httpcall.h"
#include "workers/transport/keepalivehttpcall.h"
#include "workers/transport/transportfactory.h"
#include "workers/workloads/workloadstatistics.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>

using Taskscope::Execution::ExecutionContext;
using Taskscope::Execution::TraceSpan;
using Taskscope::Execution::WaitOutcome;
using Taskscope::Model::StreamStatistics;
using Taskscope::Model::WorkloadSpec;
using Taskscope::Protocol::ChatCompletionChunk;
using Taskscope::Protocol::SseParser;
using Taskscope::Trace::LaneId;
using Taskscope::Trace::NameId;
using Taskscope::Trace::TraceNames;
using Taskscope::Trace::TraceRecorder;
using Taskscope::Transport::createHttpCall;
using Taskscope::Transport::HttpCall;
using Taskscope::Transport::KeepAliveHttpCall;

namespace Taskscope::Workloads {

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

constexpr std::chrono::seconds HeaderTimeout {60};
constexpr std::chrono::seconds ErrorBodyTimeout {10};
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
        report.statistics(
            stats, StreamExtras::Chat {tokensPerSecond(), usageCompletionTokens, finishReason, content, contentBytes});
    }
};

// One chat stream from request to [DONE]. Lives in runChatStream's coroutine frame; its member
// coroutines are awaited at once, so `this` outlives them.
class ChatStreamRun final
{
    Q_DISABLE_COPY_MOVE(ChatStreamRun)

public:
    explicit ChatStreamRun(StreamHandle s)
        : m_s(std::move(s))
        , m_ctx(*m_s.ctx)
        , m_report(*m_s.report)
        , m_lane(m_ctx.streamLane())
        , m_startedNs(ExecutionContext::nowNs())
    {
    }

    bool prepare();
    QCoro::Task<bool> connect();
    QCoro::Task<void> readStream();
    void finish();

private:
    void handleEvent(const SseParser::Event &event);
    void handleChunk(const ChatCompletionChunk &chunk);
    QString whyNoDone() const;
    std::unique_ptr<HttpCall> createCall() const;

    StreamHandle m_s;
    ExecutionContext &m_ctx;
    StreamReporter &m_report;
    const LaneId m_lane;
    const qint64 m_startedNs;
    ChatProgress m_progress;
    HttpCall::Request m_request;
    std::unique_ptr<HttpCall> m_call;
    qint64 m_requestStartNs = 0;
    SseParser m_parser;
    bool m_done = false;
    bool m_usable = false;
    bool m_cancelled = false;
    bool m_idleTimedOut = false;
    QString m_serverError;
    QString m_firstMalformed;
};

bool ChatStreamRun::prepare()
{
    const bool loopback = m_s.env.usesLoopback(m_s.spec);
    const QUrl base = m_s.env.baseUrlFor(m_s.spec);
    m_report.progress(-1);
    if (base.isEmpty()) {
        m_report.fail(QStringLiteral("no endpoint: the built-in service is not running and no base URL is set"));
        return false;
    }
    const ApiKey key = m_s.env.keyFor(m_s.spec, WorkloadEnvironment::Service::OpenAi);
    if (key.isEmpty()) {
        m_report.fail(QStringLiteral("OPENAI_API_KEY is not set (needed for %1)").arg(base.toString()));
        return false;
    }
    m_request.method = "POST";
    m_request.url = ChatStreamWorkload::endpointUrl(base);
    m_request.headers.append({QByteArrayLiteral("Authorization"), key.authorizationValue("Bearer")});
    m_request.headers.append({QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")});
    m_request.headers.append({QByteArrayLiteral("Accept"), QByteArrayLiteral("text/event-stream")});
    if (loopback && !m_s.spec.faults.isEmpty())
        m_request.headers.append({QByteArrayLiteral("X-Taskscope-Faults"), m_s.spec.faults.toUtf8()});
    m_request.body = ChatStreamWorkload::requestBody(m_s.spec, loopback);
    m_request.timeout = ChatStreamWorkload::IdleTimeout;
    return true;
}

// Plain http (the built-in service, local servers): our keep-alive client, which has no per-host
// connection cap; QNetworkAccessManager runs at most 6 streams per host at once on a thread, so
// hundreds of coroutine streams would queue behind six. https: QNAM (TLS).
std::unique_ptr<HttpCall> ChatStreamRun::createCall() const
{
    if (!m_ctx.blocksThread() && KeepAliveHttpCall::supports(m_request.url))
        return std::make_unique<KeepAliveHttpCall>(&m_ctx);
    return createHttpCall(m_ctx);
}

// Sends the request until it is answered 200 (retrying 429 as told); false when the stream ended
// (failed or cancelled) before a body.
QCoro::Task<bool> ChatStreamRun::connect()
{
    const ChatNames &n = names();
    for (int attempt = 0;; ++attempt) {
        m_call = createCall();
        m_requestStartNs = ExecutionContext::nowNs();
        ++m_progress.stats.requests;
        m_progress.stats.bytesSent += m_request.body.size();
        TraceSpan requestSpan(m_lane, n.request, std::uint64_t(attempt));
        m_call->start(m_request);
        const Execution::ExecutionClock::time_point headerDeadline = Execution::ExecutionClock::now() + HeaderTimeout;
        while (!m_call->headersReceived() && !m_call->isFinished()) {
            const WaitOutcome outcome = co_await m_ctx.waitEvent(*m_call, headerDeadline, n.awaitHeaders);
            if (outcome == WaitOutcome::Cancelled || m_ctx.isCancelled()) {
                m_call->abort();
                co_return false;
            }
            if (outcome == WaitOutcome::Deadline && !m_call->headersReceived()) {
                m_call->abort();
                m_report.fail(QStringLiteral("no response from %1 within %2 s")
                                  .arg(m_request.url.toString())
                                  .arg(HeaderTimeout.count()));
                co_return false;
            }
        }
        if (!m_call->headersReceived()) {
            ++m_progress.stats.errors;
            m_report.fail(
                QStringLiteral("request to %1 failed: %2").arg(m_request.url.toString(), m_call->errorString()));
            m_progress.publish(m_report, m_startedNs);
            co_return false;
        }
        const int status = m_call->status();
        if (status == 200)
            co_return true;
        const QByteArray errorBody = co_await m_call->readAll(ErrorBodyTimeout);
        if (m_ctx.isCancelled())
            co_return false;
        if (status == 429 && attempt < ChatStreamWorkload::MaxRetries) {
            const double delayS = ChatStreamWorkload::retryDelayS(m_call->header("Retry-After"), attempt);
            ++m_progress.stats.retries;
            requestSpan.end(std::uint64_t(status));
            TraceRecorder::instant(m_lane, n.retry, std::uint64_t(attempt + 1));
            m_call.reset();
            m_progress.publish(m_report, m_startedNs);
            const WaitOutcome outcome = co_await m_ctx.sleepFor(
                std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(delayS)),
                n.retryWait);
            if (outcome == WaitOutcome::Cancelled || m_ctx.isCancelled())
                co_return false;
            continue;
        }
        ++m_progress.stats.errors;
        QString reason = ChatStreamWorkload::httpError(status, errorBody);
        if (status == 429)
            reason += QStringLiteral(" (gave up after %1 retries)").arg(m_progress.stats.retries);
        m_report.fail(reason);
        m_progress.publish(m_report, m_startedNs);
        co_return false;
    }
}

// The body, incrementally: bytes -> SSE events -> chunks, until [DONE], an error event, the end of
// the body, cancellation or the idle timeout.
QCoro::Task<void> ChatStreamRun::readStream()
{
    const ChatNames &n = names();
    TraceSpan streamSpan(m_lane, n.streaming);
    QList<SseParser::Event> events;
    Execution::ExecutionClock::time_point idleDeadline = Execution::ExecutionClock::now()
        + ChatStreamWorkload::IdleTimeout;
    qint64 nextPublishNs = ExecutionContext::nowNs() + PublishIntervalNs;
    for (;;) {
        // Finished before this read: the read takes everything left.
        const bool finishedBeforeRead = m_call->isFinished();
        const QByteArray bytes = m_call->readBody();
        if (!bytes.isEmpty()) {
            m_progress.stats.bytesReceived += bytes.size();
            m_parser.feed(bytes, events);
            idleDeadline = Execution::ExecutionClock::now() + ChatStreamWorkload::IdleTimeout;
        }
        for (const SseParser::Event &event : std::as_const(events)) {
            if (m_done || !m_serverError.isEmpty())
                break;
            handleEvent(event);
        }
        events.clear();
        if (m_done || !m_serverError.isEmpty() || finishedBeforeRead)
            break;
        if (m_call->isFinished())
            continue; // read what arrived with the end
        if (ExecutionContext::nowNs() >= nextPublishNs) {
            m_progress.publish(m_report, m_startedNs);
            nextPublishNs = ExecutionContext::nowNs() + PublishIntervalNs;
        }
        const WaitOutcome outcome = co_await m_ctx.waitEvent(*m_call, idleDeadline, n.awaitTokens);
        if (outcome == WaitOutcome::Cancelled || m_ctx.isCancelled()) {
            m_cancelled = true;
            break;
        }
        if (outcome == WaitOutcome::Deadline && Execution::ExecutionClock::now() >= idleDeadline) {
            m_idleTimedOut = true;
            break;
        }
    }
    m_parser.finish();
    if (!m_call->isFinished())
        m_call->abort();
    streamSpan.end(std::uint64_t(m_progress.stats.tokens));
}

void ChatStreamRun::handleEvent(const SseParser::Event &event)
{
    const ChatNames &n = names();
    if (event.type != "message")
        return; // named events are not part of the chat protocol
    const ChatCompletionChunk chunk = ChatCompletionChunk::parse(event.data);
    switch (chunk.kind) {
    case ChatCompletionChunk::Kind::Done:
        m_done = true;
        TraceRecorder::instant(m_lane, n.done);
        break;
    case ChatCompletionChunk::Kind::ServerError:
        m_serverError = chunk.errorMessage.isEmpty() ? QStringLiteral("(no message)") : chunk.errorMessage;
        if (!chunk.errorCode.isEmpty())
            m_serverError += QStringLiteral(" [%1]").arg(chunk.errorCode);
        TraceRecorder::instant(m_lane, n.serverError);
        break;
    case ChatCompletionChunk::Kind::Malformed:
        ++m_progress.stats.malformedMessages;
        if (m_firstMalformed.isEmpty())
            m_firstMalformed = chunk.errorMessage;
        TraceRecorder::instant(m_lane, n.malformed);
        break;
    case ChatCompletionChunk::Kind::Chunk:
        handleChunk(chunk);
        break;
    }
}

void ChatStreamRun::handleChunk(const ChatCompletionChunk &chunk)
{
    m_usable = true;
    if (chunk.usage)
        m_progress.usageCompletionTokens = chunk.usage->completionTokens;
    if (!chunk.finishReason().isEmpty())
        m_progress.finishReason = chunk.finishReason();
    if (!chunk.hasContent())
        return;
    const QString text = chunk.content();
    if (text.isEmpty())
        return;
    const qint64 now = ExecutionContext::nowNs();
    StreamStatistics &stats = m_progress.stats;
    ++stats.tokens;
    if (m_progress.firstTokenNs < 0) {
        m_progress.firstTokenNs = now;
        stats.timeToFirstTokenNs = now - m_requestStartNs;
    } else {
        stats.interTokenGap.record(now - m_progress.lastTokenNs);
    }
    m_progress.lastTokenNs = now;
    TraceRecorder::instant(m_lane, names().token, std::uint64_t(stats.tokens));
    m_progress.contentBytes += text.toUtf8().size();
    if (m_progress.content.size() < ChatStreamWorkload::ContentCapBytes)
        m_progress.content += text;
    m_report.token(text);
}

QString ChatStreamRun::whyNoDone() const
{
    if (m_idleTimedOut)
        return QStringLiteral("no data for %1 s").arg(ChatStreamWorkload::IdleTimeout.count());
    if (!m_call->errorString().isEmpty())
        return m_call->errorString();
    if (m_parser.dispatchedEventCount() == 0)
        return QStringLiteral("the response had no events (Content-Type: %1)")
            .arg(QString::fromLatin1(m_call->header("Content-Type")));
    return QStringLiteral("the connection closed");
}

void ChatStreamRun::finish()
{
    StreamStatistics &stats = m_progress.stats;
    if (m_cancelled) {
        m_progress.publish(m_report, m_startedNs);
        return;
    }
    if (!m_serverError.isEmpty()) {
        ++stats.errors;
        m_report.fail(QStringLiteral("server error after %1 tokens: %2").arg(stats.tokens).arg(m_serverError));
    } else if (!m_usable && stats.malformedMessages > 0) {
        ++stats.errors;
        m_report.fail(QStringLiteral("no usable event: %1 malformed (first: %2)")
                          .arg(stats.malformedMessages)
                          .arg(m_firstMalformed));
    } else if (!m_done) {
        ++stats.errors;
        m_report.fail(
            QStringLiteral("stream ended after %1 tokens without [DONE]: %2").arg(stats.tokens).arg(whyNoDone()));
    }
    m_report.progress(1);
    m_progress.publish(m_report, m_startedNs);
}

QCoro::Task<void> runChatStream(StreamHandle s)
{
    ChatStreamRun run(std::move(s));
    if (!run.prepare())
        co_return;
    if (!co_await run.connect())
        co_return;
    co_await run.readStream();
    run.finish();
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

void ChatStreamWorkload::aggregate(WorkloadStatistics &statistics) const
{
    double rateSum = 0;
    int rated = 0;
    for (const StreamResult &s : statistics.streams) {
        const StreamExtras::Chat *chat = s.extras.part<StreamExtras::Chat>();
        if (chat && chat->tokensPerSecond > 0) {
            rateSum += chat->tokensPerSecond;
            ++rated;
        }
    }
    statistics.tokensPerSecond = rated ? rateSum / rated : 0.0;
}

} // namespace Taskscope::Workloads
