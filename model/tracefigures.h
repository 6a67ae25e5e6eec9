#pragma once

#include <QJsonObject>
#include <QString>

namespace Taskscope::Trace {
class TraceStore;
} // namespace Taskscope::Trace

namespace Taskscope::Model {

/// A trace's per-name figures as a report RunComparisonModel can compare: for every span name (and
/// coroutine state), its count, total, p50, p99 and max in milliseconds over the whole trace,
/// plus the trace's span and lane counts. So two saved traces compare like two run reports.
class TraceFigures final
{
public:
    TraceFigures() = delete;

    /// {"label": label, "trace": {"spans", "lanes", "durationMs"}, "names": {NAME: {"count",
    /// "totalMs", "p50Ms", "p99Ms", "maxMs"}}}. Names are capped at maxNames (the ones with the most
    /// total time); "trace.namesLeftOut" counts the rest.
    static QJsonObject report(const Trace::TraceStore &store, const QString &label, int maxNames = 500);
    /// Whether `head` (the first bytes of a JSON file) looks like a Chrome trace rather than a report:
    /// a top-level array, or an object with "traceEvents".
    static bool looksLikeTrace(const QByteArray &head);
};

} // namespace Taskscope::Model
