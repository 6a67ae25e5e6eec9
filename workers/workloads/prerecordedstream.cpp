#include "workers/workloads/prerecordedstream.h"

#include "model/trace/tracenames.h"
#include "workers/audio/audiosource.h"
#include "workers/execution/executioncontext.h"
#include "workers/execution/tracespan.h"
#include "workers/transport/httpcall.h"
#include "workers/transport/transportfactory.h"
#include "workers/workloads/deepgramrequest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using Taskscope::Audio::AudioSource;
using Taskscope::Execution::ExecutionContext;
using Taskscope::Execution::TraceSpan;
using Taskscope::Model::WorkloadSpec;
using Taskscope::Trace::NameId;
using Taskscope::Trace::TraceNames;
using Taskscope::Trace::TraceRecorder;
using Taskscope::Transport::createHttpCall;
using Taskscope::Transport::HttpCall;

namespace Taskscope::Workloads {

namespace {

struct Names
{
    NameId readFile = TraceNames::intern("read audio file");
    NameId request = TraceNames::intern("request");
    NameId parse = TraceNames::intern("parse JSON");
    NameId backoff = TraceNames::intern("backoff");
    NameId result = TraceNames::intern("final");
};

const Names &names()
{
    static const Names n;
    return n;
}

struct FileJob
{
    AudioSource::Loaded loaded;
    QByteArray wav;
};

struct ParsedResult
{
    QString error;
    QJsonObject response;
    QString transcript;
    double durationS = 0;
};

ParsedResult parseResult(const QByteArray &body)
{
    ParsedResult r;
    QJsonParseError error {};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        r.error = QStringLiteral("the response is not JSON (%1 at byte %2)").arg(error.errorString()).arg(error.offset);
        return r;
    }
    r.response = doc.object();
    const QJsonValue alternative = r.response.value(QStringLiteral("results"))
                                       .toObject()
                                       .value(QStringLiteral("channels"))
                                       .toArray()
                                       .at(0)
                                       .toObject()
                                       .value(QStringLiteral("alternatives"))
                                       .toArray()
                                       .at(0);
    const QJsonValue transcript = alternative.toObject().value(QStringLiteral("transcript"));
    if (!transcript.isString()) {
        r.error = QStringLiteral("the response has no results.channels[0].alternatives[0].transcript");
        return r;
    }
    r.transcript = transcript.toString();
    r.durationS = r.response.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("duration")).toDouble();
    return r;
}

/// The POST /v1/listen request of one attempt (faults, if any, only on the first).
HttpCall::Request listenRequest(const QUrl &base, const ApiKey &key, const QString &tag, const QString &faults,
                                const QByteArray &wav, std::chrono::nanoseconds timeout)
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("model"), QStringLiteral("nova-3"));
    query.addQueryItem(QStringLiteral("smart_format"), QStringLiteral("true"));
    query.addQueryItem(QStringLiteral("punctuate"), QStringLiteral("true"));
    query.addQueryItem(QStringLiteral("tag"), tag);
    if (!faults.isEmpty())
        query.addQueryItem(QStringLiteral("faults"), faults);
    HttpCall::Request request;
    request.method = "POST";
    request.url = DeepgramRequest::url(base, QStringLiteral("/v1/listen"), query, false);
    request.headers.emplaceBack("Content-Type", "audio/wav");
    if (!key.isEmpty())
        request.headers.emplaceBack("Authorization", key.authorizationValue("Token"));
    request.body = wav;
    request.timeout = timeout;
    return request;
}

} // namespace

QString PrerecordedStream::errorMessage(const QByteArray &body)
{
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    const QJsonValue error = o.value(QStringLiteral("error"));
    if (error.isObject() && error.toObject().value(QStringLiteral("message")).isString())
        return error.toObject().value(QStringLiteral("message")).toString();
    for (const char *key : {"err_msg", "message", "reason"}) {
        if (o.value(QLatin1StringView(key)).isString())
            return o.value(QLatin1StringView(key)).toString();
    }
    if (error.isString())
        return error.toString();
    return QString::fromUtf8(body.left(200)).simplified();
}

PrerecordedStream::PrerecordedStream(StreamHandle handle, Options options)
    : m_s(std::move(handle))
    , m_options(options)
    , m_ctx(*m_s.ctx)
    , m_lane(m_s.report->lane())
{
}

QCoro::Task<void> PrerecordedStream::run()
{
    const Names &n = names();
    const qint64 startNs = ExecutionContext::nowNs();
    const WorkloadSpec spec = m_s.spec;
    auto read = [spec] {
        FileJob job;
        job.loaded = AudioSource::loadFile(spec, &job.wav);
        return job;
    };
    const FileJob file = co_await m_ctx.blockingPart(n.readFile, std::move(read));
    if (m_ctx.isCancelled())
        co_return;
    if (!file.loaded.ok) {
        m_s.report->fail(file.loaded.error);
        co_return;
    }
    const QUrl base = m_s.env.baseUrlFor(spec);
    if (base.isEmpty()) {
        m_s.report->fail(QStringLiteral("no endpoint: the built-in service is not running and no base URL was given"));
        co_return;
    }
    const ApiKey key = m_s.env.keyFor(spec, WorkloadEnvironment::Service::Deepgram);
    const QString tag = DeepgramRequest::streamTag(m_s.index);

    QByteArray body;
    QString lastFailure;
    bool done = false;
    for (int attempt = 1; attempt <= m_options.maxAttempts && !done; ++attempt) {
        const HttpCall::Request request = listenRequest(base, key, tag, attempt == 1 ? spec.faults : QString(),
                                                        file.wav, m_options.requestTimeout);

        std::unique_ptr<HttpCall> call = createHttpCall(m_ctx);
        const qint64 sentNs = ExecutionContext::nowNs();
        TraceSpan requestSpan(m_lane, n.request, quint64(attempt));
        call->start(request);
        ++m_stats.requests;
        m_stats.bytesSent += file.wav.size();
        body = co_await call->readAll(m_options.requestTimeout);
        requestSpan.end();
        if (m_ctx.isCancelled())
            co_return;
        m_stats.requestLatency.record(ExecutionContext::nowNs() - sentNs);
        m_stats.bytesReceived += body.size();
        std::chrono::nanoseconds retryAfter {0};
        if (!call->succeeded()) {
            lastFailure = QStringLiteral("request failed: %1").arg(call->errorString());
        } else if (call->status() == 200) {
            done = true;
            break;
        } else if (call->status() == 401 || call->status() == 403) {
            m_s.report->fail(
                QStringLiteral(
                    "authentication failed: the server refused the API key (HTTP %1: %2); check DEEPGRAM_API_KEY")
                    .arg(call->status())
                    .arg(errorMessage(body)));
            co_return;
        } else if (call->status() == 429 || call->status() >= 500) {
            lastFailure = QStringLiteral("HTTP %1: %2").arg(call->status()).arg(errorMessage(body));
            bool ok = false;
            const qint64 seconds = call->header("Retry-After").trimmed().toLongLong(&ok);
            if (ok && seconds >= 0)
                retryAfter = seconds > std::chrono::duration_cast<std::chrono::seconds>(m_options.maxRetryAfter).count()
                    ? m_options.maxRetryAfter
                    : std::chrono::seconds(seconds);
        } else {
            m_s.report->fail(QStringLiteral("the server rejected the request: HTTP %1: %2")
                                 .arg(call->status())
                                 .arg(errorMessage(body)));
            co_return;
        }
        ++m_stats.errors;
        if (attempt == m_options.maxAttempts)
            break;
        ++m_stats.retries;
        TraceRecorder::instant(m_lane, TraceNames::intern(QStringLiteral("retry: %1").arg(lastFailure.left(60))));
        const auto delay = std::max<std::chrono::nanoseconds>(retryAfter, m_options.backoffBase * (1 << (attempt - 1)));
        TraceSpan backoffSpan(m_lane, n.backoff,
                              quint64(std::chrono::duration_cast<std::chrono::milliseconds>(delay).count()));
        co_await m_ctx.sleepFor(delay, n.backoff);
        backoffSpan.end();
        if (m_ctx.isCancelled())
            co_return;
    }
    if (!done) {
        m_s.report->fail(QStringLiteral("%1 (after %2 attempts)").arg(lastFailure).arg(m_options.maxAttempts));
        m_s.report->statistics(m_stats);
        co_return;
    }

    auto parse = [body] { return parseResult(body); };
    const ParsedResult result = co_await m_ctx.blockingPart(n.parse, std::move(parse));
    if (m_ctx.isCancelled())
        co_return;
    m_stats.durationS = double(ExecutionContext::nowNs() - startNs) / 1e9;
    if (!result.error.isEmpty()) {
        ++m_stats.malformedMessages;
        m_s.report->fail(result.error);
        m_s.report->statistics(m_stats);
        co_return;
    }
    ++m_stats.finals;
    m_stats.audioSentS = result.durationS;
    TraceRecorder::instant(m_lane, n.result);
    if (!result.transcript.isEmpty())
        m_s.report->transcript(result.transcript, true, 0, result.durationS);
    m_s.report->statistics(m_stats, StreamExtras::Prerecorded {result.transcript, result.response});
    m_s.report->progress(1);
}

} // namespace Taskscope::Workloads
