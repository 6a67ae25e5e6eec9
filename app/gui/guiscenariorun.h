#pragma once

#include "app/scenario/scenario.h"
#include "app/scenario/scenarioschedule.h"
#include "model/tasklistmodel.h"

#include <QList>
#include <QObject>

namespace Taskscope::Gui {

class WorkloadController;

/// A scenario run in the window: each workload entry is started through the same path as the stream
/// panel's Start (WorkloadController::start) when the shared ScenarioSchedule says so, and stopped
/// when it says so. The workloads use the
/// window's built-in service; a scenario's "service" block (an external or load-sink server) is for
/// the headless runner and is described by notes().
class GuiScenarioRun final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GuiScenarioRun)

public:
    GuiScenarioRun(Taskscope::Scenarios::Scenario scenario, WorkloadController *controller, QObject *parent = nullptr);
    ~GuiScenarioRun() override;

    void start();
    /// Stops the entries started so far and cancels the ones not started yet.
    void stop();

    const Taskscope::Scenarios::Scenario &scenario() const { return m_scenario; }
    bool isFinished() const { return m_finished; }
    /// Task ids of the entries started so far (0: not started yet).
    QList<quint64> taskIds() const { return m_taskIds; }
    /// What the window's run differs in from a headless one.
    QStringList notes() const;
    /// "3 of 5 workloads finished, 1 failed".
    QString progressText() const;

Q_SIGNALS:
    void progressChanged(const QString &text);
    void finished(bool ok);

private:
    void startEntry(int index);
    void onTaskEnded(quint64 taskId, Model::TaskRow::Status status);
    void checkDone();

    Taskscope::Scenarios::Scenario m_scenario;
    WorkloadController *m_controller;
    QList<quint64> m_taskIds;
    QList<Model::TaskRow::Status> m_ended; ///< per entry; Starting while not ended
    Taskscope::Scenarios::ScenarioSchedule m_schedule;
    bool m_started = false;
    bool m_stopping = false;
    bool m_timedOut = false;
    bool m_finished = false;
};

} // namespace Taskscope::Gui
