#include "workers/probe/dispatchrecorder.h"

#include "model/protocol/probewire.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracerecorder.h"
#include "workers/watchdog/dispatchprobe.h"
#include "workers/watchdog/notifyhook.h"

#include <QCoreApplication>
#include <QEvent>
#include <QObject>

#include <atomic>

using Taskscope::Trace::LaneId;
using Taskscope::Trace::NameId;
using Taskscope::Trace::TraceNames;
using Taskscope::Trace::TraceRecorder;
using Taskscope::Watchdog::DispatchProbe;

namespace Taskscope::Probe {
namespace {

Taskscope::Watchdog::NotifyHook::NotifyInternal g_notifyInternal = nullptr;
std::atomic<bool> g_installed {false};

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
    CacheEntry cache[CacheSize];
};

ThreadState g_deadThread {nullptr, true, false, {}}; // after the thread's exit handlers ran
thread_local constinit ThreadState *t_state __attribute__((tls_model("initial-exec"))) = nullptr;

struct ThreadStateOwner
{
    ~ThreadStateOwner()
    {
        if (t_state != &g_deadThread)
            delete t_state;
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
    LaneId lane;
    bool ui;
    ~DispatchEnd()
    {
        if (ui)
            DispatchProbe::leave();
        TraceRecorder::end(lane);
    }
};

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
    TraceRecorder::begin(lane, describe(state, receiver), ProbeWire::DispatchArgFlag | quint16(event->type()));
    if (state->ui)
        DispatchProbe::enter(receiver, event);
    DispatchEnd end {lane, state->ui};
    QEvent *const saved = state->passThrough;
    state->passThrough = event;
    *static_cast<bool *>(data[2]) = g_notifyInternal(receiver, event);
    state->passThrough = saved;
    return true;
}

} // namespace

bool DispatchRecorder::install()
{
    if (g_installed.load())
        return true;
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
