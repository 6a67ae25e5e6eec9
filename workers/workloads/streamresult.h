#pragma once

#include "model/streamstatistics.h"
#include "model/workloadspec.h"
#include "workers/workloads/streamextras.h"

#include <QJsonObject>
#include <QString>

namespace Taskscope::Workloads {

/// One stream of a workload as data: its state, its StreamStatistics and its kind's extras
/// (Workload::streamStatistics(), an element of WorkloadStatistics). JSON only for reports.
class StreamResult
{
public:
    enum class State { Running, Finished, Failed };

    int index = 0;
    Model::ExecutionModel model = Model::ExecutionModel::Coroutine;
    State state = State::Running;
    QString error; ///< why it failed (keys redacted)
    Model::StreamStatistics figures;
    StreamExtras extras;

    /// StreamStatistics::toJson() (see model/streamstatistics.h for the keys) plus the extras,
    /// "stream", "model", "state" and "error" (when failed).
    QJsonObject toJson() const;
    static QString toString(State state);
};

} // namespace Taskscope::Workloads
