#include "workers/watchdog/dispatchprobe.h"

#include "workers/watchdog/notifyhook.h"

#include <QCoreApplication>
#include <QEvent>
#include <QObject>

#include <limits>

namespace Taskscope::Watchdog {

namespace {

std::atomic<bool> g_installed {false};
thread_local constinit bool t_observed = false;
thread_local constinit QEvent *t_passThrough = nullptr;

Taskscope::Watchdog::NotifyHook::NotifyInternal g_notifyInternal = nullptr;

bool notifyCallback(void **data)
{
    if (!t_observed) [[likely]]
        return false;
    auto *event = static_cast<QEvent *>(data[1]);
    if (t_passThrough == event) {
        // Our own re-entry: let Qt deliver it the normal way.
        t_passThrough = nullptr;
        return false;
    }
    auto *receiver = static_cast<QObject *>(data[0]);
    auto *result = static_cast<bool *>(data[2]);
    DispatchProbe::enter(receiver, event);
    struct LeaveGuard
    {
        ~LeaveGuard() { DispatchProbe::leave(); }
    } guard;
    QEvent *const saved = t_passThrough;
    t_passThrough = event;
    *result = g_notifyInternal(receiver, event);
    t_passThrough = saved;
    return true;
}

} // namespace

DispatchProbe::State DispatchProbe::s_state;
thread_local constinit bool DispatchProbe::t_scopeArmed = false;

void DispatchProbe::updateScopeArmed() noexcept
{
    t_scopeArmed = t_observed && !g_installed.load(std::memory_order_relaxed);
}

void DispatchProbe::setObservedThread(bool observed)
{
    t_observed = observed;
    updateScopeArmed();
}

bool DispatchProbe::install()
{
    if (g_installed.load())
        return true;
    setObservedThread();
    g_notifyInternal = Taskscope::Watchdog::NotifyHook::install(&notifyCallback);
    if (!g_notifyInternal)
        return false;
    g_installed.store(true);
    updateScopeArmed();
    return true;
}

void DispatchProbe::uninstall()
{
    t_observed = false;
    updateScopeArmed();
    if (!g_installed.exchange(false))
        return;
    Taskscope::Watchdog::NotifyHook::uninstall(&notifyCallback);
}

bool DispatchProbe::isInstalled()
{
    return g_installed.load(std::memory_order_relaxed);
}

void DispatchProbe::describe(AtomicLevel &level, const QObject *receiver, const void *vtable) noexcept
{
    level.describedReceiver = receiver;
    level.describedVtable = vtable;
    level.receiverClass.store(receiver->metaObject()->className(), std::memory_order_relaxed);
    const QString name = receiver->objectName();
    const int length = int(qMin<qsizetype>(name.size(), MaxObjectName));
    for (int i = 0; i < length; ++i)
        level.objectName[i].store(name.at(i).unicode(), std::memory_order_relaxed);
    level.objectNameLength.store(length, std::memory_order_relaxed);
}

std::uint64_t DispatchProbe::enteredCount()
{
    return s_state.word.load(std::memory_order_relaxed) >> DepthBits;
}

void DispatchProbe::snapshot(Snapshot *out)
{
    for (int attempt = 0; attempt < 1000; ++attempt) {
        const std::uint64_t word = s_state.word.load(std::memory_order_acquire);
        const std::uint64_t entered = word >> DepthBits;
        out->entered = entered;
        out->depth = int(qMin<std::uint64_t>(word & DepthMask, std::uint64_t(std::numeric_limits<int>::max())));
        const int levels = qMin(out->depth, MaxLevels);
        for (int d = 0; d < levels; ++d) {
            const AtomicLevel &level = s_state.levels[d];
            Level &copy = out->levels[d];
            const std::uint64_t entry = level.entry.load(std::memory_order_relaxed);
            copy.entryId = entry >> EventTypeBits;
            copy.eventType = int(entry & ((std::uint64_t(1) << EventTypeBits) - 1));
            copy.receiverClass = level.receiverClass.load(std::memory_order_relaxed);
            copy.objectNameLength = qBound(0, level.objectNameLength.load(std::memory_order_relaxed), MaxObjectName);
            for (int i = 0; i < copy.objectNameLength; ++i)
                copy.objectName[i] = level.objectName[i].load(std::memory_order_relaxed);
            out->enteredSince[d] = entered - copy.entryId;
        }
        std::atomic_thread_fence(std::memory_order_acquire);
        if (s_state.word.load(std::memory_order_relaxed) == word)
            return;
    }
}

} // namespace Taskscope::Watchdog
