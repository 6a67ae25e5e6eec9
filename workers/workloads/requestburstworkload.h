#pragma once

#include "workers/workloads/workload.h"

#include <QUrl>

#include <chrono>

namespace Taskscope::Workloads {

/// Request burst: `spec.requests` HTTP requests at concurrency `spec.concurrency`,
/// per stream. The endpoint is the built-in service's `GET /v1/echo?latency_ms=&bytes=` (server-side
/// latency spec.latencyMs, a response of spec.payloadBytes bytes, the spec's faults as
/// X-Taskscope-Faults), or `GET spec.baseUrl` as given for any other server.
///
/// How the concurrency is made, per model (the stream code is the same; ExecutionContext::spawn
/// differs):
/// - Coroutine / Offload: C child coroutines on the UI thread, each taking the next request number
///   until N are taken (the UI thread's QNetworkAccessManager carries them);
/// - Thread: the same C children on a WorkerThreadPool of min(C, MaxPoolThreads) threads, one
///   request in flight per thread (the classic thread-per-connection client);
/// - Blocking: the children run one after another on the UI thread, so requests are sequential
///   and the UI is frozen for the whole burst.
///
/// Each request is a span on its child's coroutine lane. Statistics: requestLatencyMs (successful
/// requests), requests, errors, bytesReceived, durationS; extra "requestsPerSecond" (completed
/// requests over the time from the first start to the last completion), "completed", "firstError".
/// Failed requests (transport errors, non-2xx answers) are counted, not fatal; the stream fails only
/// when every request failed.
class RequestBurstWorkload final : public Workload
{
    Q_OBJECT
public:
    static constexpr int MaxPoolThreads = 64;
    static constexpr std::chrono::seconds RequestTimeout {30};

    RequestBurstWorkload(const Model::WorkloadSpec &spec, const WorkloadEnvironment &env, QObject *parent = nullptr);
    ~RequestBurstWorkload() override = default;
    Q_DISABLE_COPY_MOVE(RequestBurstWorkload)

    /// The URL each request fetches for a spec.
    static QUrl targetUrl(const Model::WorkloadSpec &spec, const WorkloadEnvironment &env);

protected:
    StreamFunction makeStream() override;
    QString laneLabel() const override { return QStringLiteral("burst"); }
    void aggregate(WorkloadStatistics &statistics) const override;
};

} // namespace Taskscope::Workloads
