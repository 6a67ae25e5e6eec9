#pragma once

#include "model/workloadspec.h"
#include "workers/workloads/apikey.h"

#include <QUrl>

#include <memory>

class QThreadPool;
namespace Taskscope::Execution {
class WorkerThreadPool;
} // namespace Taskscope::Execution

namespace Taskscope::Workloads {

/// Where a workload's requests go and what it may use, beyond its spec: the built-in service, the
/// real services and their keys, and the shared pools. Keys come from the environment or the
/// settings dialog, never from a spec or scenario file.
struct WorkloadEnvironment
{
    enum class Service { Deepgram, OpenAi };

    QUrl loopbackBaseUrl; ///< http://127.0.0.1:PORT of the built-in service (empty: none running)
    QUrl deepgramBaseUrl = QUrl(QStringLiteral("https://api.deepgram.com"));
    QUrl openAiBaseUrl = QUrl(QStringLiteral("https://api.openai.com"));
    ApiKey deepgramKey;
    ApiKey openAiKey;
    QThreadPool *cpuPool = nullptr; ///< offload jobs (null: the global pool)
    std::shared_ptr<Execution::WorkerThreadPool> threadPool; ///< thread model fan-out (null: one per workload)
    int threadPoolSize = 8; ///< size of that pool when the workload makes its own

    /// Keys from DEEPGRAM_API_KEY / OPENAI_API_KEY.
    static WorkloadEnvironment fromProcessEnvironment()
    {
        WorkloadEnvironment env;
        env.deepgramKey = ApiKey::fromEnvironment("DEEPGRAM_API_KEY");
        env.openAiKey = ApiKey::fromEnvironment("OPENAI_API_KEY");
        return env;
    }

    /// The base URL a spec talks to: its own, else the built-in service.
    QUrl baseUrlFor(const Model::WorkloadSpec &spec) const
    {
        return spec.baseUrl.isEmpty() ? loopbackBaseUrl : spec.baseUrl;
    }
    bool usesLoopback(const Model::WorkloadSpec &spec) const
    {
        return spec.baseUrl.isEmpty() || spec.baseUrl == loopbackBaseUrl;
    }
    /// The key for a service: the real key for a real endpoint, a placeholder for the built-in one
    /// (it accepts any key unless a 401 fault is injected; real keys never go to it).
    ApiKey keyFor(const Model::WorkloadSpec &spec, Service service) const
    {
        if (usesLoopback(spec))
            return ApiKey(QStringLiteral("taskscope-loopback"));
        return service == Service::Deepgram ? deepgramKey : openAiKey;
    }
    /// Text with every key scrubbed out (for errors that may echo a request).
    QString redact(QString text) const { return openAiKey.redact(deepgramKey.redact(std::move(text))); }
};

} // namespace Taskscope::Workloads
