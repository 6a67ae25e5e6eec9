#include "workers/workloads/livetranscriptionworkload.h"

using Taskscope::Model::WorkloadSpec;

namespace Taskscope::Workloads {

LiveTranscriptionWorkload::LiveTranscriptionWorkload(const WorkloadSpec &spec, const WorkloadEnvironment &env,
                                                     QObject *parent, LiveTranscriptionStream::Options options)
    : Workload(spec, env, parent)
    , m_options(options)
{
}

Workload::StreamFunction LiveTranscriptionWorkload::makeStream()
{
    const LiveTranscriptionStream::Options options = m_options;
    return [options](StreamHandle handle) { return run(std::move(handle), options); };
}

QCoro::Task<void> LiveTranscriptionWorkload::run(StreamHandle handle, LiveTranscriptionStream::Options options)
{
    LiveTranscriptionStream stream(std::move(handle), options);
    co_await stream.run();
}

} // namespace Taskscope::Workloads
