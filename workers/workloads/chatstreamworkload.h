#pragma once

#include "workers/workloads/workload.h"

#include <QByteArray>
#include <QUrl>

#include <chrono>

namespace Taskscope::Workloads {

/// LLM token stream: an OpenAI-compatible `POST /v1/chat/completions` with
/// `stream: true` and `stream_options.include_usage`, read incrementally through HttpCall and
/// SseParser (never readLine), one ChatCompletionChunk per event, ended by `data: [DONE]`.
///
/// - A content delta is a token: an instant on the stream lane, Workload::token(), a gap sample.
/// - A mid-stream `{"error":...}` event fails the stream with the server's message.
/// - A 4xx/5xx before the stream fails it with the status and the server's error message; a 429 is
///   retried up to MaxRetries times after its Retry-After (seconds or an HTTP date, capped at
///   MaxRetryAfterS; 1, 2, 4 s when absent), each retry counted in "retries".
/// - Events that are not JSON chunks are counted ("malformedMessages"); a stream that yields no
///   usable event at all fails with the count and the first parse error.
/// - A stream that ends without [DONE] fails ("ended after N tokens without [DONE]: ...").
///
/// Statistics: timeToFirstTokenMs (from sending the request that succeeded to its first content
/// token), interTokenGapMs, tokens, bytesReceived, retries, malformedMessages, requests, durationS;
/// extra keys "tokensPerSecond" (tokens after the first over the time from first to last token:
/// the generation rate), "usageCompletionTokens" (-1 without a usage chunk), "finishReason",
/// "content" (the text, first ContentCapBytes) and "contentBytes".
///
/// Transport: plain `http://` endpoints use KeepAliveHttpCall (no per-host connection cap, so
/// hundreds of coroutine streams on one thread really run at once); `https://` uses the context's
/// HttpCall (QNetworkAccessManager: TLS, proxies; at most 6 concurrent streams per host and thread).
///
/// The built-in service gets `x_tokens_per_second` from spec.tokensPerSecond and the spec's faults
/// as X-Taskscope-Faults; a real endpoint gets `Authorization: Bearer $OPENAI_API_KEY` and the
/// model named by $OPENAI_MODEL (default gpt-4o-mini). The execution model only changes where the
/// stream runs: there is no blocking part to offload, so Offload behaves as Coroutine.
class ChatStreamWorkload final : public Workload
{
    Q_OBJECT
public:
    static constexpr int MaxRetries = 3;
    static constexpr int MaxRetryAfterS = 60;
    static constexpr std::chrono::seconds IdleTimeout {60};
    static constexpr int ContentCapBytes = 64 * 1024;

    using Workload::Workload;
    ~ChatStreamWorkload() override = default;
    Q_DISABLE_COPY_MOVE(ChatStreamWorkload)

    /// The chat completions URL under a base URL: "http://h:1" and "http://h:1/v1" both give
    /// "http://h:1/v1/chat/completions".
    static QUrl endpointUrl(const QUrl &baseUrl);
    /// The request body for a spec (the prompt is spec.text, or a default question).
    static QByteArray requestBody(const Model::WorkloadSpec &spec, bool loopback);
    /// The prompt the request sends.
    static QString prompt(const Model::WorkloadSpec &spec);
    /// "HTTP 401: Incorrect API key provided." from an OpenAI-style error body (or its first bytes).
    static QString httpError(int status, const QByteArray &body);
    /// Seconds to wait before retry `attempt` (0-based) given a Retry-After header value.
    static double retryDelayS(const QByteArray &retryAfter, int attempt);

protected:
    StreamFunction makeStream() override;
    QString laneLabel() const override { return QStringLiteral("chat"); }
    void aggregate(WorkloadStatistics &statistics) const override;
};

} // namespace Taskscope::Workloads
