#include "workers/workloads/prerecordedworkload.h"

using Taskscope::Model::WorkloadSpec;

namespace Taskscope::Workloads {

PrerecordedWorkload::PrerecordedWorkload(const WorkloadSpec &spec, const WorkloadEnvironment &env, QObject *parent,
                                         PrerecordedStream::Options options)
    : Workload(spec, env, parent)
    , m_options(options)
{
}

Workload::StreamFunction PrerecordedWorkload::makeStream()
{
    const PrerecordedStream::Options options = m_options;
    return [options](StreamHandle handle) { return run(std::move(handle), options); };
}

QCoro::Task<void> PrerecordedWorkload::run(StreamHandle handle, PrerecordedStream::Options options)
{
    PrerecordedStream stream(std::move(handle), options);
    co_await stream.run();
}

} // namespace Taskscope::Workloads
