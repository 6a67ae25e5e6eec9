#include "workers/workloads/workloadfactory.h"

#include "workers/workloads/chatstreamworkload.h"
#include "workers/workloads/commandworkload.h"
#include "workers/workloads/livetranscriptionworkload.h"
#include "workers/workloads/prerecordedworkload.h"
#include "workers/workloads/requestburstworkload.h"
#include "workers/workloads/texttospeechworkload.h"
#include "workers/workloads/workload.h"

using Taskscope::Model::WorkloadKind;
using Taskscope::Model::WorkloadSpec;

namespace Taskscope::Workloads {

Workload *createWorkload(const WorkloadSpec &spec, const WorkloadEnvironment &env, QObject *parent, QString *error)
{
    QString local;
    QString &err = error ? *error : local;
    err.clear();
    switch (spec.kind) {
    case WorkloadKind::LiveTranscription:
        return new LiveTranscriptionWorkload(spec, env, parent);
    case WorkloadKind::TextToSpeech:
        return new TextToSpeechWorkload(spec, env, parent);
    case WorkloadKind::Prerecorded:
        return new PrerecordedWorkload(spec, env, parent);
    case WorkloadKind::ChatStream:
        return new ChatStreamWorkload(spec, env, parent);
    case WorkloadKind::RequestBurst:
        return new RequestBurstWorkload(spec, env, parent);
    case WorkloadKind::Command:
        return new CommandWorkload(spec, env, parent);
    }
    err = QStringLiteral("the %1 workload is not available in this build").arg(WorkloadSpec::toString(spec.kind));
    return nullptr;
}

} // namespace Taskscope::Workloads
