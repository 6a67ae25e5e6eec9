#include "workers/workloads/texttospeechworkload.h"

using Taskscope::Model::WorkloadSpec;

namespace Taskscope::Workloads {

TextToSpeechWorkload::TextToSpeechWorkload(const WorkloadSpec &spec, const WorkloadEnvironment &env, QObject *parent,
                                           TextToSpeechStream::Options options)
    : Workload(spec, env, parent)
    , m_options(options)
{
}

Workload::StreamFunction TextToSpeechWorkload::makeStream()
{
    const TextToSpeechStream::Options options = m_options;
    return [options](StreamHandle handle) { return run(std::move(handle), options); };
}

QCoro::Task<void> TextToSpeechWorkload::run(StreamHandle handle, TextToSpeechStream::Options options)
{
    TextToSpeechStream stream(std::move(handle), options);
    co_await stream.run();
}

} // namespace Taskscope::Workloads
