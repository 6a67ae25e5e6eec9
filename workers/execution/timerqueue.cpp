#include "workers/execution/timerqueue.h"

#include <QCoreApplication>
#include <QObject>
#include <QTimerEvent>

#include <algorithm>
#include <ctime>

namespace Taskscope::Execution {

namespace {

constexpr qint64 MsNs = 1'000'000;
constexpr qint64 SecondNs = 1'000'000'000;

qint64 roundUpTo(qint64 value, qint64 step)
{
    return (value + step - 1) / step * step;
}

// The coarsest round boundary that moves a deadline by at most 5 % of its interval.
qint64 coarseGranularityNs(qint64 intervalMs)
{
    static constexpr qint64 steps[] = {500, 250, 100, 50, 25, 10, 5, 1};
    const qint64 slackMs = intervalMs / 20;
    for (qint64 step : steps) {
        if (step <= slackMs)
            return step * MsNs;
    }
    return 0;
}

} // namespace

qint64 TimerQueue::nowNs()
{
    timespec ts {};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * SecondNs + ts.tv_nsec;
}

void TimerQueue::add(int id, qint64 intervalMs, Qt::TimerType type, QObject *object, qint64 nowNs)
{
    remove(id); // a reused id replaces the old registration
    Timer timer {object, std::max<qint64>(0, intervalMs), type, 0, ++m_serial, false};
    // Coarse timers of 20 ms or less would move by under a millisecond: precise. Of 20 s or more,
    // 5 % is a second or more: whole seconds.
    if (timer.type == Qt::CoarseTimer && timer.intervalMs <= 20)
        timer.type = Qt::PreciseTimer;
    if (timer.type == Qt::CoarseTimer && timer.intervalMs >= 20'000)
        timer.type = Qt::VeryCoarseTimer;
    if (timer.type == Qt::VeryCoarseTimer)
        timer.intervalMs = std::max<qint64>(1000, (timer.intervalMs + 500) / 1000 * 1000);
    auto [it, inserted] = m_timers.emplace(id, timer);
    Q_UNUSED(inserted)
    schedule(id, it->second, nowNs, true);
    m_byDeadline.emplace(it->second.deadlineNs, id);
    m_byObject[object].push_back(id);
}

void TimerQueue::schedule(int id, Timer &timer, qint64 fromNs, bool first)
{
    Q_UNUSED(id)
    const qint64 intervalNs = timer.intervalMs * MsNs;
    // Drift-free: the next expiry counts from the previous one's ideal time, not from when the loop
    // got to it; a loop that fell behind by more than an interval skips what it missed.
    qint64 ideal = first ? fromNs + intervalNs : timer.deadlineNs + intervalNs;
    if (!first && ideal < fromNs)
        ideal = fromNs + intervalNs;
    switch (timer.type) {
    case Qt::PreciseTimer:
        timer.deadlineNs = ideal;
        break;
    case Qt::CoarseTimer: {
        const qint64 step = coarseGranularityNs(timer.intervalMs);
        timer.deadlineNs = step > 0 ? roundUpTo(ideal, step) : ideal;
        break;
    }
    case Qt::VeryCoarseTimer:
        // The nearest whole second: up to half a second either way, as Qt's own dispatcher does.
        timer.deadlineNs = roundUpTo(ideal - SecondNs / 2 + 1, SecondNs);
        break;
    }
}

bool TimerQueue::remove(int id)
{
    const auto it = m_timers.find(id);
    if (it == m_timers.end())
        return false;
    m_byDeadline.erase(Key(it->second.deadlineNs, id));
    const auto owner = m_byObject.find(it->second.object);
    if (owner != m_byObject.end()) {
        std::vector<int> &ids = owner.value();
        ids.erase(std::remove(ids.begin(), ids.end(), id), ids.end());
        if (ids.empty())
            m_byObject.erase(owner);
    }
    m_timers.erase(it);
    return true;
}

bool TimerQueue::removeAll(QObject *object)
{
    const auto owner = m_byObject.find(object);
    if (owner == m_byObject.end())
        return false;
    const std::vector<int> ids = owner.value();
    m_byObject.erase(owner);
    for (int id : ids) {
        const auto it = m_timers.find(id);
        if (it == m_timers.end())
            continue;
        m_byDeadline.erase(Key(it->second.deadlineNs, id));
        m_timers.erase(it);
    }
    return true;
}

QList<QAbstractEventDispatcher::TimerInfo> TimerQueue::timersOf(QObject *object) const
{
    QList<QAbstractEventDispatcher::TimerInfo> list;
    const auto owner = m_byObject.constFind(object);
    if (owner == m_byObject.constEnd())
        return list;
    for (int id : owner.value()) {
        const auto it = m_timers.find(id);
        if (it != m_timers.end())
            list.append({id, int(it->second.intervalMs), it->second.type});
    }
    return list;
}

int TimerQueue::remainingMs(int id, qint64 nowNs) const
{
    const auto it = m_timers.find(id);
    if (it == m_timers.end())
        return -1;
    const qint64 left = it->second.deadlineNs - nowNs;
    return left <= 0 ? 0 : int((left + MsNs - 1) / MsNs);
}

qint64 TimerQueue::nextDeadlineNs() const
{
    return m_byDeadline.empty() ? -1 : m_byDeadline.begin()->first;
}

int TimerQueue::fireDue(qint64 nowNs)
{
    if (m_byDeadline.empty() || m_byDeadline.begin()->first > nowNs)
        return 0;
    // Snapshot first: handlers add, kill and re-arm timers and may run a nested loop.
    std::vector<std::pair<int, std::uint64_t>> due;
    for (auto it = m_byDeadline.begin(); it != m_byDeadline.end() && it->first <= nowNs; ++it)
        due.emplace_back(it->second, m_timers.at(it->second).serial);
    int fired = 0;
    for (const auto &[id, serial] : due) {
        auto it = m_timers.find(id);
        if (it == m_timers.end() || it->second.serial != serial || it->second.firing)
            continue;
        Timer &timer = it->second;
        m_byDeadline.erase(Key(timer.deadlineNs, id));
        schedule(id, timer, nowNs, false);
        m_byDeadline.emplace(timer.deadlineNs, id);
        timer.firing = true;
        QObject *object = timer.object;
        QTimerEvent event(id);
        QCoreApplication::sendEvent(object, &event);
        ++fired;
        // The handler may have killed the timer (and its id may even have been reused).
        it = m_timers.find(id);
        if (it != m_timers.end() && it->second.serial == serial)
            it->second.firing = false;
    }
    return fired;
}

} // namespace Taskscope::Execution
