#include "app/scenario/scenarioschedule.h"

#include <cmath>
#include <limits>

namespace Taskscope::Scenarios {

ScenarioSchedule::ScenarioSchedule(const Scenario &scenario, QObject *parent)
    : QObject(parent)
    , m_durationS(scenario.durationS)
    , m_timeoutS(scenario.timeoutS)
{
    for (const Scenario::Entry &entry : scenario.workloads) {
        m_startS.append(entry.startS);
        m_stopAfterS.append(entry.stopAfterS);
    }
}

ScenarioSchedule::~ScenarioSchedule() = default;

std::chrono::milliseconds ScenarioSchedule::delay(double seconds)
{
    constexpr double maxMs = double(std::numeric_limits<int>::max());
    const double ms = seconds * 1000.0;
    if (!(ms > 0)) // also NaN
        return std::chrono::milliseconds(0);
    return std::chrono::milliseconds(qint64(std::min(std::ceil(ms), maxMs)));
}

QTimer *ScenarioSchedule::armed(std::chrono::milliseconds after)
{
    auto *timer = new QTimer(this);
    timer->setSingleShot(true);
    timer->start(after);
    m_timers.append(timer);
    return timer;
}

void ScenarioSchedule::start()
{
    if (m_started)
        return;
    m_started = true;
    if (m_durationS > 0)
        connect(armed(delay(m_durationS)), &QTimer::timeout, this, &ScenarioSchedule::durationReached);
    if (m_timeoutS > 0)
        connect(armed(delay(m_timeoutS)), &QTimer::timeout, this, &ScenarioSchedule::timedOut);
    for (int i = 0; i < m_startS.size() && !m_cancelled; ++i) {
        if (m_startS.at(i) <= 0)
            announce(i);
        else
            connect(armed(delay(m_startS.at(i))), &QTimer::timeout, this, [this, i] { announce(i); });
    }
}

void ScenarioSchedule::announce(int index)
{
    if (m_cancelled)
        return;
    if (m_stopAfterS.at(index) > 0)
        connect(armed(delay(m_stopAfterS.at(index))), &QTimer::timeout, this,
                [this, index] { Q_EMIT entryStopDue(index); });
    Q_EMIT entryDue(index);
}

void ScenarioSchedule::cancel()
{
    m_cancelled = true;
    for (QTimer *timer : std::as_const(m_timers))
        timer->stop();
}

} // namespace Taskscope::Scenarios
