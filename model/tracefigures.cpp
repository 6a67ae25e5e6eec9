#include "model/tracefigures.h"

#include "model/rangestatistics.h"
#include "model/trace/tracestore.h"

#include <vector>

using Taskscope::Trace::LaneId;
using Taskscope::Trace::LaneInfo;
using Taskscope::Trace::TraceStore;

namespace Taskscope::Model {

QJsonObject TraceFigures::report(const TraceStore &store, const QString &label, int maxNames)
{
    std::vector<LaneId> lanes;
    for (const LaneInfo &info : store.lanes())
        lanes.push_back(info.id);
    const qint64 first = store.firstNs() <= store.lastNs() ? store.firstNs() : 0;
    const RangeStatistics::Result stats = RangeStatistics::compute(store, lanes, first, store.lastNs() + 1);
    const auto ms = [](qint64 ns) { return double(ns) / 1e6; };
    QJsonObject names;
    int kept = 0;
    for (const RangeStatistics::Row &row : stats.rows) { // largest total first
        if (kept >= maxNames)
            break;
        names.insert(row.name,
                     QJsonObject {{QStringLiteral("count"), double(row.count)},
                                  {QStringLiteral("totalMs"), ms(row.totalNs)},
                                  {QStringLiteral("p50Ms"), ms(row.p50Ns)},
                                  {QStringLiteral("p99Ms"), ms(row.p99Ns)},
                                  {QStringLiteral("maxMs"), ms(row.maxNs)}});
        ++kept;
    }
    QJsonObject trace {{QStringLiteral("spans"), double(stats.spans)},
                       {QStringLiteral("lanes"), stats.lanes},
                       {QStringLiteral("durationMs"), ms(store.lastNs() - first)}};
    if (int(stats.rows.size()) > kept)
        trace.insert(QStringLiteral("namesLeftOut"), int(stats.rows.size()) - kept);
    if (stats.truncated)
        trace.insert(QStringLiteral("spansNotCounted"), true);
    return {{QStringLiteral("label"), label}, {QStringLiteral("trace"), trace}, {QStringLiteral("names"), names}};
}

bool TraceFigures::looksLikeTrace(const QByteArray &head)
{
    const QByteArray trimmed = head.trimmed();
    if (trimmed.startsWith('['))
        return true;
    return trimmed.startsWith('{') && head.contains("\"traceEvents\"");
}

} // namespace Taskscope::Model
