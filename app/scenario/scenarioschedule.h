#pragma once

#include "app/scenario/scenario.h"

#include <QList>
#include <QObject>
#include <QTimer>

#include <chrono>

namespace Taskscope::Scenarios {

/// When each entry of a scenario starts and stops: the one schedule behind the window's scenario
/// runs and the headless runner. start() announces every entry whose offset is zero at once and
/// the others at their startS; an entry's stopAfterS counts from its announced start; the
/// scenario's durationS (a normal end) and timeoutS (a failure) count from start(). cancel() drops
/// everything still pending. What starting and stopping mean is the runner's business.
class ScenarioSchedule final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ScenarioSchedule)

public:
    explicit ScenarioSchedule(const Scenario &scenario, QObject *parent = nullptr);
    ~ScenarioSchedule() override;

    void start();
    void cancel();
    bool isCancelled() const { return m_cancelled; }

    /// Seconds from a scenario file as a timer delay: negative and NaN become zero, anything past
    /// what a QTimer can hold (about 24.8 days) is held at that.
    static std::chrono::milliseconds delay(double seconds);

Q_SIGNALS:
    void entryDue(int index);
    void entryStopDue(int index);
    void durationReached();
    void timedOut();

private:
    void announce(int index);
    QTimer *armed(std::chrono::milliseconds after);

    QList<double> m_startS;
    QList<double> m_stopAfterS;
    double m_durationS = 0;
    double m_timeoutS = 0;
    QList<QTimer *> m_timers;
    bool m_started = false;
    bool m_cancelled = false;
};

} // namespace Taskscope::Scenarios
