#pragma once

#include "model/streamstatistics.h"
#include "workers/workloads/workload.h"

#include <chrono>

namespace Taskscope::Execution {
class ExecutionContext;
} // namespace Taskscope::Execution

namespace Taskscope::Workloads {

/// One prerecorded transcription (Deepgram POST /v1/listen), written once for every execution model:
/// read the audio file (a blocking part), POST it as audio/wav, parse the JSON result (a blocking
/// part: on the pool in Offload) and report its transcript as a final, with the whole response in
/// the statistics ("response", "transcript"). In the Blocking model the request goes through the
/// blocking HTTP client, so the UI thread is frozen for the whole exchange.
///
/// Errors: 401/403 -> "authentication failed"; 429 and 5xx, and transport failures, are retried up to
/// maxAttempts with backoff (Retry-After honoured, capped), then fail with the last status and the
/// server's message; other 4xx fail at once with the server's message; a body that is not the
/// expected JSON fails with what is wrong. Spec faults go to the first attempt only.
class PrerecordedStream final
{
public:
    struct Options
    {
        std::chrono::nanoseconds requestTimeout = std::chrono::seconds(120);
        int maxAttempts = 3;
        std::chrono::nanoseconds backoffBase = std::chrono::milliseconds(500);
        std::chrono::nanoseconds maxRetryAfter = std::chrono::seconds(5);
    };

    PrerecordedStream(StreamHandle handle, Options options);
    Q_DISABLE_COPY_MOVE(PrerecordedStream)
    ~PrerecordedStream() = default;

    QCoro::Task<void> run();
    /// The server's error text from a JSON error body (OpenAI or Deepgram style), else the body's start.
    static QString errorMessage(const QByteArray &body);

private:
    StreamHandle m_s;
    Options m_options;
    Execution::ExecutionContext &m_ctx;
    Trace::LaneId m_lane;
    Model::StreamStatistics m_stats;
};

} // namespace Taskscope::Workloads
