#pragma once

#include "workers/workloads/livetranscriptionstream.h"
#include "workers/workloads/workload.h"

namespace Taskscope::Workloads {

/// Live transcription: spec.count streams of LiveTranscriptionStream in spec.model.
/// Aggregate statistics add "transcripts" (each stream's final text) when there are few streams.
class LiveTranscriptionWorkload final : public Workload
{
    Q_OBJECT
public:
    LiveTranscriptionWorkload(const Model::WorkloadSpec &spec, const WorkloadEnvironment &env,
                              QObject *parent = nullptr, LiveTranscriptionStream::Options options = {});

protected:
    StreamFunction makeStream() override;
    QString laneLabel() const override { return QStringLiteral("live"); }

private:
    static QCoro::Task<void> run(StreamHandle handle, LiveTranscriptionStream::Options options);
    LiveTranscriptionStream::Options m_options;
};

} // namespace Taskscope::Workloads
