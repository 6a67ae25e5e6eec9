#pragma once

#include "model/streamstatistics.h"
#include "model/workloadspec.h"
#include "workers/workloads/streamresult.h"
#include "workers/workloads/workload.h"

#include <QJsonObject>
#include <QString>

#include <optional>
#include <vector>

namespace Taskscope::Workloads {

/// A workload's figures as data (Workload::statistics()): every stream's result, their exact merge
/// and the rates a workload kind adds. The app reads the members; JSON is made only for reports.
///
/// toJson: {"workload", "model", "state", "error" (when failed), "streams": [StreamResult::toJson()],
/// "aggregate": StreamStatistics::toJson() plus "tokensPerSecond" / "requestsPerSecond" when set};
/// after dropStreams(), "streamsDropped" (the count) instead of "streams".
class WorkloadStatistics
{
public:
    Model::WorkloadKind kind = Model::WorkloadKind::LiveTranscription;
    Model::ExecutionModel model = Model::ExecutionModel::Coroutine;
    Workload::State state = Workload::State::Idle;
    QString error;
    std::vector<StreamResult> streams;
    std::optional<int> streamsDropped; ///< set by dropStreams()
    Model::StreamStatistics aggregate; ///< every stream's figures merged (exact percentiles over all)
    std::optional<double> tokensPerSecond; ///< chat: the mean of the streams' rates
    std::optional<double> requestsPerSecond; ///< request burst: the streams' rates added

    /// Forgets the per-stream figures (keeps the aggregate and how many streams there were).
    void dropStreams();
    QJsonObject toJson() const;
};

} // namespace Taskscope::Workloads
