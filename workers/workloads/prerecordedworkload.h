#pragma once

#include "workers/workloads/prerecordedstream.h"
#include "workers/workloads/workload.h"

namespace Taskscope::Workloads {

/// Prerecorded transcription: spec.count PrerecordedStreams in spec.model.
class PrerecordedWorkload final : public Workload
{
    Q_OBJECT
public:
    PrerecordedWorkload(const Model::WorkloadSpec &spec, const WorkloadEnvironment &env, QObject *parent = nullptr,
                        PrerecordedStream::Options options = {});

protected:
    StreamFunction makeStream() override;
    QString laneLabel() const override { return QStringLiteral("prerecorded"); }

private:
    static QCoro::Task<void> run(StreamHandle handle, PrerecordedStream::Options options);
    PrerecordedStream::Options m_options;
};

} // namespace Taskscope::Workloads
