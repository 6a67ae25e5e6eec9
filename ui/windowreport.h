#pragma once

#include <QJsonObject>

namespace Taskscope::Model {
class MetricsSeries;
class TaskListModel;
} // namespace Taskscope::Model
namespace Taskscope::Trace {
class TraceStore;
} // namespace Taskscope::Trace

namespace Taskscope::Ui {

/// The window's own report (File ▸ Export report when the app gives no provider): the shown
/// trace's size, the metrics' summaries and the task list.
class WindowReport final
{
public:
    WindowReport() = delete;

    /// `live`: the store is the live capture (not an opened file).
    static QJsonObject build(const Trace::TraceStore *store, bool live, const Model::MetricsSeries *metrics,
                             const Model::TaskListModel *tasks);
};

} // namespace Taskscope::Ui
