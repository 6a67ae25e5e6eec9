#include "workers/workloadfactory.h"

#include "workers/chatstreamworkload.h"
#include "workers/commandworkload.h"
#include "workers/requestburstworkload.h"
#include "workers/workload.h"

Workload *createWorkload(const WorkloadSpec &spec, const WorkloadEnvironment &env, QObject *parent, QString *error)
{
    QString local;
    QString &err = error ? *error : local;
    err.clear();
    switch (spec.kind) {
    case WorkloadKind::LiveTranscription:
    case WorkloadKind::TextToSpeech:
    case WorkloadKind::Prerecorded:
        break;
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
