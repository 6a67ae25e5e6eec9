#include "workers/workloads/workloadstatistics.h"

#include <QJsonArray>

namespace Taskscope::Workloads {

void WorkloadStatistics::dropStreams()
{
    if (streamsDropped)
        return;
    streamsDropped = int(streams.size());
    streams.clear();
    streams.shrink_to_fit();
}

QJsonObject WorkloadStatistics::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("workload"), Model::WorkloadSpec::toString(kind));
    o.insert(QStringLiteral("model"), Model::WorkloadSpec::toString(model));
    o.insert(QStringLiteral("state"), Workload::toString(state));
    if (!error.isEmpty())
        o.insert(QStringLiteral("error"), error);
    if (streamsDropped) {
        o.insert(QStringLiteral("streamsDropped"), *streamsDropped);
    } else {
        QJsonArray array;
        for (const StreamResult &s : streams)
            array.append(s.toJson());
        o.insert(QStringLiteral("streams"), array);
    }
    QJsonObject all = aggregate.toJson();
    if (tokensPerSecond)
        all.insert(QStringLiteral("tokensPerSecond"), *tokensPerSecond);
    if (requestsPerSecond)
        all.insert(QStringLiteral("requestsPerSecond"), *requestsPerSecond);
    o.insert(QStringLiteral("aggregate"), all);
    return o;
}

} // namespace Taskscope::Workloads
