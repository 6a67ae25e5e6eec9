#include "app/scenario/workloadsummary.h"

#include "model/latencyhistogram.h"
#include "workers/workloads/workloadstatistics.h"

#include <QJsonValue>
#include <QList>

#include <algorithm>

using Taskscope::Workloads::StreamResult;
using Taskscope::Workloads::WorkloadStatistics;

namespace Taskscope::Scenarios {

namespace {

std::optional<double> medianOf(QList<double> values)
{
    if (values.isEmpty())
        return std::nullopt;
    std::sort(values.begin(), values.end());
    const qsizetype n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// The same figures as StreamStatistics::histogramMs, unset for an empty histogram.
struct HistogramMs
{
    std::optional<double> p50, p95, p99, max;

    explicit HistogramMs(const Model::LatencyHistogram &h)
    {
        if (h.isEmpty())
            return;
        const QList<quint64> p = h.percentiles({50, 95, 99});
        p50 = double(p[0]) / 1e6;
        p95 = double(p[1]) / 1e6;
        p99 = double(p[2]) / 1e6;
        max = double(h.max()) / 1e6;
    }
};

QJsonValue orNull(const std::optional<double> &value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

} // namespace

WorkloadSummary WorkloadSummary::of(const WorkloadStatistics &statistics, double wallS)
{
    WorkloadSummary o;
    QList<double> firstTokens;
    QList<double> firstAudio;
    for (const StreamResult &s : statistics.streams) {
        if (s.state == StreamResult::State::Failed)
            ++o.failed;
        o.streamSeconds += s.figures.durationS;
        if (s.figures.timeToFirstTokenNs >= 0)
            firstTokens.append(double(s.figures.timeToFirstTokenNs) / 1e6);
        if (s.figures.timeToFirstAudioNs >= 0)
            firstAudio.append(double(s.figures.timeToFirstAudioNs) / 1e6);
    }
    o.streams = int(statistics.streams.size());
    o.ok = o.streams - o.failed;
    if (o.streamSeconds <= 0)
        o.streamSeconds = wallS * double(o.streams);

    const Model::StreamStatistics &all = statistics.aggregate;
    const HistogramMs lateness(all.sendLateness);
    o.latenessP50Ms = lateness.p50;
    o.latenessP95Ms = lateness.p95;
    o.latenessP99Ms = lateness.p99;
    o.latenessMaxMs = lateness.max;
    const bool requestLatency = !all.requestLatency.isEmpty();
    const Model::LatencyHistogram &latencyHistogram = requestLatency ? all.requestLatency : all.transcriptLatency;
    if (!latencyHistogram.isEmpty())
        o.latencyKind = requestLatency ? LatencyKind::Request : LatencyKind::Transcript;
    const HistogramMs latency(latencyHistogram);
    o.latencyP50Ms = latency.p50;
    o.latencyP99Ms = latency.p99;
    o.timeToFirstTokenP50Ms = medianOf(firstTokens);
    o.timeToFirstAudioP50Ms = medianOf(firstAudio);
    const HistogramMs gaps(all.interTokenGap);
    o.interTokenGapP50Ms = gaps.p50;
    o.interTokenGapP99Ms = gaps.p99;
    o.interTokenGapMaxMs = gaps.max;

    o.tokens = all.tokens;
    if (o.tokens > 0)
        o.tokensPerSecond = statistics.tokensPerSecond.value_or(0);
    o.requests = all.requests;
    if (statistics.requestsPerSecond)
        o.requestsPerSecond = statistics.requestsPerSecond;
    else if (o.requests > 0 && wallS > 0 && o.tokens == 0)
        o.requestsPerSecond = double(o.requests) / wallS; // commands, prerecorded: requests over the workload's time
    o.errors = all.errors;
    o.reconnects = all.reconnects;
    o.retries = all.retries;
    o.malformedMessages = all.malformedMessages;
    return o;
}

QJsonObject WorkloadSummary::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("streams"), streams);
    o.insert(QStringLiteral("ok"), ok);
    o.insert(QStringLiteral("failed"), failed);
    o.insert(QStringLiteral("latenessP50Ms"), orNull(latenessP50Ms));
    o.insert(QStringLiteral("latenessP95Ms"), orNull(latenessP95Ms));
    o.insert(QStringLiteral("latenessP99Ms"), orNull(latenessP99Ms));
    o.insert(QStringLiteral("latenessMaxMs"), orNull(latenessMaxMs));
    o.insert(QStringLiteral("latencyKind"),
             latencyKind == LatencyKind::Request          ? QStringLiteral("request")
                 : latencyKind == LatencyKind::Transcript ? QStringLiteral("transcript")
                                                          : QString());
    o.insert(QStringLiteral("latencyP50Ms"), orNull(latencyP50Ms));
    o.insert(QStringLiteral("latencyP99Ms"), orNull(latencyP99Ms));
    o.insert(QStringLiteral("timeToFirstTokenP50Ms"), orNull(timeToFirstTokenP50Ms));
    o.insert(QStringLiteral("timeToFirstAudioP50Ms"), orNull(timeToFirstAudioP50Ms));
    o.insert(QStringLiteral("interTokenGapP50Ms"), orNull(interTokenGapP50Ms));
    o.insert(QStringLiteral("interTokenGapP99Ms"), orNull(interTokenGapP99Ms));
    o.insert(QStringLiteral("interTokenGapMaxMs"), orNull(interTokenGapMaxMs));
    o.insert(QStringLiteral("tokens"), tokens);
    o.insert(QStringLiteral("tokensPerSecond"), orNull(tokensPerSecond));
    o.insert(QStringLiteral("requests"), requests);
    o.insert(QStringLiteral("requestsPerSecond"), orNull(requestsPerSecond));
    o.insert(QStringLiteral("errors"), errors);
    o.insert(QStringLiteral("reconnects"), reconnects);
    o.insert(QStringLiteral("retries"), retries);
    o.insert(QStringLiteral("malformedMessages"), malformedMessages);
    o.insert(QStringLiteral("streamSeconds"), streamSeconds);
    return o;
}

} // namespace Taskscope::Scenarios
