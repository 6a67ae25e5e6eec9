#include "model/trace/laneregistry.h"

#include "model/trace/traceclock.h"
#include "model/trace/tracenames.h"

#include <QMutex>
#include <QThread>

#include <atomic>
#include <vector>

#include <pthread.h>
#include <unistd.h>

namespace Taskscope::Trace {

// GCC 12 reports the atomic generation counter of the immortal registry below as "writing 8 bytes
// into a region of size 0" (a known false positive of -Wstringop-overflow with atomics).
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#endif

namespace {

struct Registry
{
    QMutex mutex;
    std::vector<LaneInfo> lanes {LaneInfo {}}; // index 0 unused: NoLane
    std::vector<quint64> changedAt {0}; // generation of each lane's last change
    std::atomic<quint64> generation {1};
    std::atomic<quint64> refused {0};
    int maxLanes = LaneRegistry::DefaultMaxLanes;
    LaneId overflowLane = NoLane;

    Registry()
    {
        LaneInfo ui;
        ui.id = UiThreadLane;
        ui.kind = LaneKind::Thread;
        ui.name = TraceNames::intern(u"UI thread");
        ui.osThreadId = quint64(getpid());
        lanes.push_back(ui);
        changedAt.push_back(1);
    }

    void touch(LaneId id) { changedAt[id] = generation.fetch_add(1, std::memory_order_relaxed) + 1; }
};

Registry &registry()
{
    static Registry *r = new Registry; // never destroyed: threads may record during exit
    return *r;
}

thread_local LaneId t_threadLane = NoLane;

QString defaultThreadName()
{
    if (QThread *thread = QThread::currentThread(); thread && !thread->objectName().isEmpty())
        return thread->objectName();
    char buffer[32] = {};
    if (pthread_getname_np(pthread_self(), buffer, sizeof buffer) == 0 && buffer[0])
        return QString::fromLocal8Bit(buffer);
    return QStringLiteral("thread %1").arg(gettid());
}

} // namespace

LaneId LaneRegistry::create(LaneKind kind, QStringView name, QStringView group, LaneId parent)
{
    const NameId nameId = TraceNames::intern(name);
    const NameId groupId = TraceNames::intern(group);
    Registry &r = registry();
    QMutexLocker lock(&r.mutex);
    if (int(r.lanes.size()) - 1 >= r.maxLanes) {
        r.refused.fetch_add(1, std::memory_order_relaxed);
        if (r.overflowLane == NoLane) {
            // The overflow lane is the one lane allowed past the cap, so refused work stays visible.
            LaneInfo info;
            info.id = LaneId(r.lanes.size());
            info.kind = LaneKind::Stream;
            info.name = TraceNames::intern(u"(lane table full)");
            info.createdNs = TraceClock::nowNs();
            r.lanes.push_back(info);
            r.changedAt.push_back(0);
            r.overflowLane = info.id;
            r.touch(info.id);
        }
        return r.overflowLane;
    }
    LaneInfo info;
    info.id = LaneId(r.lanes.size());
    info.kind = kind;
    info.name = nameId;
    info.group = groupId;
    info.parent = parent;
    info.createdNs = TraceClock::nowNs();
    r.lanes.push_back(info);
    r.changedAt.push_back(0);
    r.touch(info.id);
    return info.id;
}

void LaneRegistry::rename(LaneId lane, QStringView name)
{
    const NameId nameId = TraceNames::intern(name);
    Registry &r = registry();
    QMutexLocker lock(&r.mutex);
    if (lane == NoLane || lane >= r.lanes.size() || lane == r.overflowLane)
        return;
    r.lanes[lane].name = nameId;
    r.touch(lane);
}

void LaneRegistry::end(LaneId lane)
{
    const qint64 now = TraceClock::nowNs();
    Registry &r = registry();
    QMutexLocker lock(&r.mutex);
    if (lane == NoLane || lane >= r.lanes.size() || lane == r.overflowLane || r.lanes[lane].endedNs >= 0)
        return;
    r.lanes[lane].endedNs = now;
    r.touch(lane);
}

LaneInfo LaneRegistry::info(LaneId lane)
{
    Registry &r = registry();
    QMutexLocker lock(&r.mutex);
    if (lane >= r.lanes.size())
        return {};
    return r.lanes[lane];
}

QList<LaneInfo> LaneRegistry::snapshot(quint64 *generation)
{
    Registry &r = registry();
    QMutexLocker lock(&r.mutex);
    if (generation)
        *generation = r.generation.load(std::memory_order_relaxed);
    return QList<LaneInfo>(r.lanes.begin() + 1, r.lanes.end());
}

QList<LaneInfo> LaneRegistry::changedSince(quint64 generation, quint64 *newGeneration)
{
    Registry &r = registry();
    QMutexLocker lock(&r.mutex);
    const quint64 now = r.generation.load(std::memory_order_relaxed);
    if (newGeneration)
        *newGeneration = now;
    QList<LaneInfo> changed;
    if (generation >= now)
        return changed;
    for (size_t i = 1; i < r.lanes.size(); ++i) {
        if (r.changedAt[i] > generation)
            changed.append(r.lanes[i]);
    }
    return changed;
}

quint64 LaneRegistry::generation()
{
    return registry().generation.load(std::memory_order_relaxed);
}

int LaneRegistry::count()
{
    Registry &r = registry();
    QMutexLocker lock(&r.mutex);
    return int(r.lanes.size()) - 1;
}

quint64 LaneRegistry::refusedCount()
{
    return registry().refused.load(std::memory_order_relaxed);
}

void LaneRegistry::setMaxLanes(int maxLanes)
{
    Registry &r = registry();
    QMutexLocker lock(&r.mutex);
    r.maxLanes = qMax(1, maxLanes);
}

LaneId LaneRegistry::currentThreadLane()
{
    if (t_threadLane != NoLane) [[likely]]
        return t_threadLane;
    if (gettid() == getpid()) {
        t_threadLane = UiThreadLane;
        return t_threadLane;
    }
    const LaneId lane = create(LaneKind::Thread, defaultThreadName());
    {
        Registry &r = registry();
        QMutexLocker lock(&r.mutex);
        if (lane < r.lanes.size() && lane != r.overflowLane)
            r.lanes[lane].osThreadId = quint64(gettid());
    }
    t_threadLane = lane;
    return lane;
}

void LaneRegistry::nameCurrentThread(QStringView name)
{
    rename(currentThreadLane(), name);
}

} // namespace Taskscope::Trace
