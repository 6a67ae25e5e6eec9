#include "ui/windowreport.h"

#include "model/livecounts.h"
#include "model/metricsseries.h"
#include "model/tasklistmodel.h"
#include "model/trace/tracestore.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>

using Taskscope::Model::LiveCounts;
using Taskscope::Model::MetricsSeries;
using Taskscope::Model::TaskListModel;
using Taskscope::Model::TaskRow;
using Taskscope::Model::WorkloadSpec;
using Taskscope::Trace::TraceStore;

namespace Taskscope::Ui {

QJsonObject WindowReport::build(const TraceStore *store, bool live, const MetricsSeries *metricsSeries,
                                const TaskListModel *taskModel)
{
    QJsonObject report;
    report.insert(QStringLiteral("generator"),
                  QStringLiteral("Taskscope %1 (window)").arg(QCoreApplication::applicationVersion()));
    report.insert(QStringLiteral("created"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
    if (store) {
        const LiveCounts c = LiveCounts::compute(*store, live);
        QJsonObject trace;
        trace.insert(QStringLiteral("spans"), double(c.spans));
        trace.insert(QStringLiteral("items"), double(c.items));
        trace.insert(QStringLiteral("lanes"), store->lanes().size());
        trace.insert(QStringLiteral("threads"), c.threadsTotal);
        trace.insert(QStringLiteral("coroutines"), c.coroutinesTotal);
        trace.insert(QStringLiteral("streams"), c.streams);
        trace.insert(QStringLiteral("alerts"), int(store->alertBands().size()));
        trace.insert(QStringLiteral("dropped_events"), double(c.droppedEvents));
        trace.insert(QStringLiteral("evicted_items"), double(c.evictedItems));
        trace.insert(QStringLiteral("runs_kept"), c.runsKept);
        trace.insert(QStringLiteral("runs_evicted"), double(c.runsEvicted));
        trace.insert(QStringLiteral("trimmed_items"), double(c.trimmedItems));
        trace.insert(QStringLiteral("duration_ms"),
                     store->lastNs() > store->firstNs() ? double(store->lastNs() - store->firstNs()) / 1e6 : 0.0);
        report.insert(QStringLiteral("trace"), trace);
    }
    if (metricsSeries) {
        QJsonObject metrics;
        for (const QString &name : metricsSeries->names()) {
            const MetricsSeries::Summary s = metricsSeries->summary(name);
            metrics.insert(name,
                           QJsonObject {{QStringLiteral("min"), s.min},
                                        {QStringLiteral("max"), s.max},
                                        {QStringLiteral("mean"), s.mean},
                                        {QStringLiteral("last"), s.last},
                                        {QStringLiteral("samples"), double(s.count)}});
        }
        report.insert(QStringLiteral("metrics"), metrics);
    }
    if (taskModel) {
        QJsonArray tasks;
        for (int row = 0; row < taskModel->rowCount(); ++row) {
            const TaskRow *t = taskModel->task(taskModel->taskIdAt(row));
            if (!t)
                continue;
            tasks.append(QJsonObject {{QStringLiteral("id"), double(t->id)},
                                      {QStringLiteral("name"), t->label},
                                      {QStringLiteral("workload"), WorkloadSpec::toString(t->kind)},
                                      {QStringLiteral("model"), WorkloadSpec::toString(t->model)},
                                      {QStringLiteral("status"), TaskRow::toString(t->status)},
                                      {QStringLiteral("errors"), t->errors}});
        }
        report.insert(QStringLiteral("tasks"), tasks);
    }
    return report;
}

} // namespace Taskscope::Ui
