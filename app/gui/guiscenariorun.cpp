#include "app/gui/guiscenariorun.h"

#include "app/gui/workloadcontroller.h"

using Taskscope::Model::TaskRow;
using Taskscope::Scenarios::Scenario;
using Taskscope::Scenarios::ScenarioSchedule;

namespace Taskscope::Gui {

GuiScenarioRun::GuiScenarioRun(Scenario scenario, WorkloadController *controller, QObject *parent)
    : QObject(parent)
    , m_scenario(std::move(scenario))
    , m_controller(controller)
    , m_schedule(m_scenario)
{
    m_taskIds.fill(0, m_scenario.workloads.size());
    m_ended.fill(TaskRow::Status::Starting, m_scenario.workloads.size());
    connect(&m_schedule, &ScenarioSchedule::entryDue, this, &GuiScenarioRun::startEntry);
    connect(&m_schedule, &ScenarioSchedule::entryStopDue, this, [this](int index) {
        if (const quint64 id = m_taskIds.value(index))
            m_controller->stop(id);
    });
    connect(&m_schedule, &ScenarioSchedule::durationReached, this, &GuiScenarioRun::stop);
    connect(&m_schedule, &ScenarioSchedule::timedOut, this, [this] {
        m_timedOut = true;
        stop();
    });
    connect(m_controller, &WorkloadController::taskEnded, this, &GuiScenarioRun::onTaskEnded);
}

GuiScenarioRun::~GuiScenarioRun() = default;

QStringList GuiScenarioRun::notes() const
{
    QStringList notes;
    if (m_scenario.service.external || m_scenario.service.loadSink)
        notes << QStringLiteral(
                     "runs on the window's built-in service (with recognition), not the %1 service it names; run it "
                     "headless for that")
                     .arg(m_scenario.service.external ? QStringLiteral("external") : QStringLiteral("load-sink"));
    if (!m_scenario.service.faults.isEmpty())
        notes << QStringLiteral(
            "its server-wide faults are not applied to the window's service (per-workload faults are)");
    return notes;
}

void GuiScenarioRun::start()
{
    if (m_started)
        return;
    m_started = true;
    m_schedule.start();
    Q_EMIT progressChanged(progressText());
    checkDone();
}

void GuiScenarioRun::startEntry(int index)
{
    if (m_stopping || m_taskIds.value(index) != 0)
        return;
    const Scenario::Entry &entry = m_scenario.workloads.at(index);
    const quint64 id = m_controller->start(entry.spec);
    m_taskIds[index] = id;
    // A task that failed to start has already ended.
    const TaskRow::Status status = m_controller->status(id);
    if (!(status == TaskRow::Status::Starting || status == TaskRow::Status::Running
          || status == TaskRow::Status::Stopping))
        m_ended[index] = status;
    Q_EMIT progressChanged(progressText());
    checkDone();
}

void GuiScenarioRun::stop()
{
    if (m_finished)
        return;
    m_stopping = true;
    m_schedule.cancel();
    for (int i = 0; i < m_taskIds.size(); ++i) {
        if (m_taskIds[i] == 0)
            m_ended[i] = TaskRow::Status::Stopped; // never started
        else
            m_controller->stop(m_taskIds[i]);
    }
    checkDone();
}

void GuiScenarioRun::onTaskEnded(quint64 taskId, TaskRow::Status status)
{
    const qsizetype index = m_taskIds.indexOf(taskId);
    if (index < 0)
        return;
    m_ended[index] = status;
    Q_EMIT progressChanged(progressText());
    checkDone();
}

QString GuiScenarioRun::progressText() const
{
    int ended = 0, failed = 0, started = 0;
    for (int i = 0; i < m_ended.size(); ++i) {
        if (m_taskIds[i] != 0)
            ++started;
        if (m_ended[i] != TaskRow::Status::Starting)
            ++ended;
        if (m_ended[i] == TaskRow::Status::Failed)
            ++failed;
    }
    QString text = QStringLiteral("Scenario %1: %2 of %3 workloads started, %4 ended")
                       .arg(m_scenario.name)
                       .arg(started)
                       .arg(m_scenario.workloads.size())
                       .arg(ended);
    if (failed)
        text += QStringLiteral(", %1 failed").arg(failed);
    if (m_timedOut)
        text += QStringLiteral(" (timed out)");
    return text;
}

void GuiScenarioRun::checkDone()
{
    if (m_finished || !m_started)
        return;
    for (TaskRow::Status status : std::as_const(m_ended)) {
        if (status == TaskRow::Status::Starting)
            return;
    }
    m_finished = true;
    m_schedule.cancel();
    const bool ok = !m_timedOut && std::none_of(m_ended.cbegin(), m_ended.cend(), [](TaskRow::Status s) {
        return s == TaskRow::Status::Failed;
    });
    Q_EMIT finished(ok);
}

} // namespace Taskscope::Gui
