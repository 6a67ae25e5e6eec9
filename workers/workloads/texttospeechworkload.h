#pragma once

#include "workers/workloads/texttospeechstream.h"
#include "workers/workloads/workload.h"

namespace Taskscope::Workloads {

/// Text to speech: spec.count TextToSpeechStreams in spec.model.
class TextToSpeechWorkload final : public Workload
{
    Q_OBJECT
public:
    TextToSpeechWorkload(const Model::WorkloadSpec &spec, const WorkloadEnvironment &env, QObject *parent = nullptr,
                         TextToSpeechStream::Options options = {});

protected:
    StreamFunction makeStream() override;
    QString laneLabel() const override { return QStringLiteral("speak"); }

private:
    static QCoro::Task<void> run(StreamHandle handle, TextToSpeechStream::Options options);
    TextToSpeechStream::Options m_options;
};

} // namespace Taskscope::Workloads
