#pragma once

#include <QJsonObject>

class MetricsSeries;
class TaskListModel;
class TraceStore;

/// The window's own report (File ▸ Export report when the app gives no provider): the shown
/// trace's size, the metrics' summaries and the task list.
class WindowReport final
{
public:
    WindowReport() = delete;

    /// `live`: the store is the live capture (not an opened file).
    static QJsonObject build(const TraceStore *store, bool live, const MetricsSeries *metrics,
                             const TaskListModel *tasks);
};
