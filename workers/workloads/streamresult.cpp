#include "workers/workloads/streamresult.h"

namespace Taskscope::Workloads {

QJsonObject StreamResult::toJson() const
{
    QJsonObject o = figures.toJson();
    extras.insertInto(o);
    o.insert(QStringLiteral("stream"), index);
    o.insert(QStringLiteral("model"), Model::WorkloadSpec::toString(model));
    o.insert(QStringLiteral("state"), toString(state));
    if (!error.isEmpty())
        o.insert(QStringLiteral("error"), error);
    return o;
}

QString StreamResult::toString(State state)
{
    switch (state) {
    case State::Running:
        return QStringLiteral("running");
    case State::Finished:
        return QStringLiteral("finished");
    case State::Failed:
        return QStringLiteral("failed");
    }
    return {};
}

} // namespace Taskscope::Workloads
