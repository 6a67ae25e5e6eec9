#include "workers/probe/dispatchrecorder.h"

#include "model/protocol/probewire.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracerecorder.h"
#include "workers/probe/dispatchclock.h"
#include "workers/watchdog/dispatchprobe.h"
#include "workers/watchdog/notifyhook.h"

#include <QCoreApplication>
#include <QEvent>
#include <QObject>
#include <QThread>
#include <QtCore/private/qobject_p.h>
#include <QtCore/private/qthread_p.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <vector>

using Taskscope::Trace::LaneId;
using Taskscope::Trace::NameId;
using Taskscope::Trace::TraceNames;
using Taskscope::Trace::TraceRecorder;
using Taskscope::Watchdog::DispatchProbe;

namespace Taskscope::Probe {
namespace {

Taskscope::Watchdog::NotifyHook::NotifyInternal g_notifyInternal = nullptr;
std::atomic<bool> g_installed {false};
// The exact Qt version built against: only then is Qt's private thread data's layout known, and
// the callback can run the rest of notifyInternal2 itself instead of re-entering it.
bool g_directNotify = false;

struct CacheEntry
{
    const void *receiver = nullptr;
    const void *vtable = nullptr;
    NameId name = 0;
};

// Everything a thread needs per dispatch, behind one initial-exec TLS pointer: the library may
// be loaded with dlopen (attach), where only a few bytes of static TLS are to be had.
struct ThreadState
{
    static constexpr int CacheSize = 64;
    QEvent *passThrough = nullptr;
    bool excluded = false;
    bool ui = false;
    bool registered = false; ///< in the posted-event registry
    bool direct = false; ///< deliver() runs notify() itself (the thread requires the application object)
    std::uint64_t lastTicks = 0; ///< the latest stamp (stamps never go back on a thread)
    CacheEntry cache[CacheSize];
};

ThreadState g_deadThread {nullptr, true, false, false, false, 0, {}}; // after the thread's exit handlers ran

// Threads that dispatched, with Qt's thread data, for the posted-event queue depth. An entry leaves
// when its thread's exit handlers run, before Qt lets go of that thread's data.
struct PostedQueue
{
    const ThreadState *state;
    Trace::LaneId lane;
    QThreadData *data;
};
std::mutex g_queuesMutex;
std::vector<PostedQueue> g_queues;

// Once per thread, at its first dispatch.
void registerThread(ThreadState *state, Trace::LaneId lane)
{
    state->registered = true;
    if (!g_directNotify)
        return; // the layout of Qt's thread data is only known for the version built against
    QThreadData *data = QThreadData::get2(QThread::currentThread());
    // Set before a thread starts (Qt's daemon threads clear it) and never changed after.
    state->direct = data->requiresCoreApplication;
    std::lock_guard lock(g_queuesMutex);
    g_queues.push_back({state, lane, data});
}

void unregisterQueue(const ThreadState *state)
{
    std::lock_guard lock(g_queuesMutex);
    std::erase_if(g_queues, [state](const PostedQueue &queue) { return queue.state == state; });
}
thread_local constinit ThreadState *t_state __attribute__((tls_model("initial-exec"))) = nullptr;

struct ThreadStateOwner
{
    ~ThreadStateOwner()
    {
        if (t_state != &g_deadThread) {
            if (t_state && t_state->registered)
                unregisterQueue(t_state);
            delete t_state;
        }
        t_state = &g_deadThread;
    }
};
thread_local ThreadStateOwner t_stateOwner;

ThreadState *createState()
{
    auto *state = new (std::nothrow) ThreadState;
    if (!state)
        return &g_deadThread;
    (void)&t_stateOwner; // registers the exit handler that frees the state
    t_state = state;
    return state;
}

ThreadState *currentState()
{
    ThreadState *state = t_state;
    return state ? state : createState();
}

NameId describe(ThreadState *state, const QObject *receiver) noexcept
{
    const void *vtable = *reinterpret_cast<const void *const *>(receiver);
    CacheEntry &entry = state->cache[(quintptr(receiver) >> 4) & (ThreadState::CacheSize - 1)];
    if (entry.receiver == receiver && entry.vtable == vtable) [[likely]]
        return entry.name;
    QString text = QString::fromLatin1(receiver->metaObject()->className());
    const QString objectName = receiver->objectName();
    if (!objectName.isEmpty())
        text += QLatin1String(" \"") + objectName + QLatin1Char('"');
    entry.receiver = receiver;
    entry.vtable = vtable;
    entry.name = TraceNames::intern(text);
    return entry.name;
}

struct DispatchEnd
{
    ThreadState *state;
    Trace::LaneId lane;
    ~DispatchEnd()
    {
        if (state->ui)
            DispatchProbe::leave();
        state->lastTicks = DispatchClock::now(state->lastTicks);
        Trace::TraceRecorder::endAt(state->lastTicks, lane);
    }
};

// What notifyInternal2 does after its callbacks when the thread requires the application object
// (nearly always): count the scope level (deleteLater relies on it) and call notify(). Doing it here
// spares a second pass through Qt's callback list, which copies the list (two atomic reference
// count updates) and calls every callback again.
struct ScopeLevel
{
    QThreadData *data;
    explicit ScopeLevel(QThreadData *threadData) noexcept
        : data(threadData)
    {
        ++data->scopeLevel;
    }
    ~ScopeLevel() { --data->scopeLevel; }
    Q_DISABLE_COPY_MOVE(ScopeLevel)
};

bool deliver(ThreadState *state, QObject *receiver, QEvent *event)
{
    if (state->direct) [[likely]] {
        QCoreApplication *app = QCoreApplication::instance();
        if (app) [[likely]] {
            ScopeLevel level(QObjectPrivate::get(receiver)->threadData.loadAcquire());
            return app->notify(receiver, event);
        }
    }
    // Re-enter notifyInternal2 for the same event, flagged to pass straight through.
    QEvent *const saved = state->passThrough;
    state->passThrough = event;
    const bool result = g_notifyInternal(receiver, event);
    state->passThrough = saved;
    return result;
}

bool notifyCallback(void **data)
{
    ThreadState *state = t_state;
    if (!state) [[unlikely]]
        state = createState();
    auto *event = static_cast<QEvent *>(data[1]);
    if (state->passThrough == event) {
        // Our own re-entry: let Qt deliver it the normal way.
        state->passThrough = nullptr;
        return false;
    }
    if (state->excluded) [[unlikely]]
        return false;
    auto *receiver = static_cast<QObject *>(data[0]);
    const LaneId lane = TraceRecorder::threadLane();
    if (!state->registered) [[unlikely]]
        registerThread(state, lane);
    state->lastTicks = DispatchClock::now(state->lastTicks);
    Trace::TraceRecorder::beginAt(state->lastTicks, lane, describe(state, receiver),
                                  ProbeWire::DispatchArgFlag | quint16(event->type()));
    if (state->ui)
        DispatchProbe::enter(receiver, event);
    DispatchEnd end {state, lane};
    *static_cast<bool *>(data[2]) = deliver(state, receiver, event);
    return true;
}

} // namespace

bool DispatchRecorder::install()
{
    if (g_installed.load())
        return true;
    g_directNotify = std::strcmp(qVersion(), QT_VERSION_STR) == 0;
    g_notifyInternal = Taskscope::Watchdog::NotifyHook::install(&notifyCallback);
    if (!g_notifyInternal)
        return false;
    g_installed.store(true);
    return true;
}

void DispatchRecorder::uninstall()
{
    if (g_installed.exchange(false))
        Taskscope::Watchdog::NotifyHook::uninstall(&notifyCallback);
}

bool DispatchRecorder::isInstalled()
{
    return g_installed.load(std::memory_order_relaxed);
}

void DispatchRecorder::postedEventDepths(const std::function<void(Trace::LaneId, qsizetype)> &sink)
{
    // Counting stops here; past it the list's remaining length stands in (a queue that deep is the
    // news, not its exact size), so a flood never holds the target's posting threads for long.
    constexpr qsizetype ExactUpTo = 10'000;
    std::lock_guard lock(g_queuesMutex);
    for (const PostedQueue &queue : g_queues) {
        QPostEventList &list = queue.data->postEventList;
        qsizetype depth = 0;
        {
            QMutexLocker listLock(&list.mutex);
            const qsizetype first = std::clamp<qsizetype>(list.startOffset, 0, list.size());
            const qsizetype counted = std::min(list.size(), first + ExactUpTo);
            for (qsizetype i = first; i < counted; ++i)
                depth += list.at(i).event ? 1 : 0; // delivered or removed ones are nulled in place
            depth += list.size() - counted;
        }
        sink(queue.lane, depth);
    }
}

void DispatchRecorder::setUiThread(bool ui)
{
    ThreadState *state = currentState();
    if (state != &g_deadThread)
        state->ui = ui;
}

void DispatchRecorder::excludeCurrentThread()
{
    ThreadState *state = currentState();
    if (state != &g_deadThread)
        state->excluded = true;
}

} // namespace Taskscope::Probe
