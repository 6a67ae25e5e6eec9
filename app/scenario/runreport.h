#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

namespace Taskscope::Scenarios {

class Scenario;

/// The headless runner's outputs, made from the JSON results of ScenarioRunner passes:
/// - the JSON report (`--report OUT.json`): {"taskscope": {version, format}, "scenario": the parsed
///   scenario, "source", "environment" (machine, Qt, dispatcher, service; which API keys are set,
///   never the keys), "runs": [one ScenarioRunner::result() per pass], "ok"};
/// - the summary table printed after a run (one row per workload);
/// - the side-by-side table of a --compare (one column per model).
class RunReport final
{
public:
    RunReport() = delete;

    static constexpr int FormatVersion = 1;

    static QJsonObject build(const Scenario &scenario, const QString &source, const QJsonObject &environment,
                             const QList<QJsonObject> &runs);
    /// Machine and process facts for the report; `service` is ServiceHost::describe() (may be empty).
    static QJsonObject environment(const QJsonObject &service, bool openAiKeySet, bool deepgramKeySet);

    static QString summaryTable(const QJsonObject &run);
    static QString comparisonTable(const QList<QJsonObject> &runs);
};

} // namespace Taskscope::Scenarios
