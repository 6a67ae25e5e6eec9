#pragma once

#include <QJsonObject>
#include <QString>

#include <optional>

namespace Taskscope::Workloads {
class WorkloadStatistics;
}

namespace Taskscope::Scenarios {

/// The few figures of one workload that a table row shows (the window's task list, the headless
/// summary table), taken from its statistics. Figures in ms; unset when there is nothing to show.
/// toJson is the report's "summary" object (see runreport.h).
class WorkloadSummary
{
public:
    enum class LatencyKind { None, Request, Transcript };

    int streams = 0;
    int ok = 0;
    int failed = 0;
    std::optional<double> latenessP50Ms;
    std::optional<double> latenessP95Ms;
    std::optional<double> latenessP99Ms;
    std::optional<double> latenessMaxMs;
    LatencyKind latencyKind = LatencyKind::None; ///< request latency when there is any, else transcript
    std::optional<double> latencyP50Ms;
    std::optional<double> latencyP99Ms;
    std::optional<double> timeToFirstTokenP50Ms; ///< median over the streams that had one
    std::optional<double> timeToFirstAudioP50Ms;
    std::optional<double> interTokenGapP50Ms;
    std::optional<double> interTokenGapP99Ms;
    std::optional<double> interTokenGapMaxMs;
    qint64 tokens = 0;
    std::optional<double> tokensPerSecond;
    qint64 requests = 0;
    std::optional<double> requestsPerSecond;
    qint64 errors = 0;
    qint64 reconnects = 0;
    qint64 retries = 0;
    qint64 malformedMessages = 0;
    double streamSeconds = 0; ///< the streams' durations added (wall time × streams when unknown)

    /// `wallS`: how long the workload has run (rates of kinds that do not report their own).
    static WorkloadSummary of(const Workloads::WorkloadStatistics &statistics, double wallS);
    QJsonObject toJson() const;
};

} // namespace Taskscope::Scenarios
