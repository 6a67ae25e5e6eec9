#include "workers/dispatchprobe.h"

#include <QCoreApplication>
#include <QEvent>
#include <QObject>

#include <dlfcn.h>

namespace {

// One observed thread (the UI thread). Fields are relaxed atomics written only by that thread and
// published by a sequence counter (odd while writing), so a reader never blocks and never tears.
struct AtomicLevel
{
    std::atomic<std::uint64_t> entryId {0};
    std::atomic<const char *> receiverClass {nullptr};
    std::atomic<int> eventType {-1};
    std::atomic<int> objectNameLength {0};
    std::atomic<char16_t> objectName[DispatchProbe::MaxObjectName] {};
    std::atomic<std::uint64_t> completedAtEntry {0};
    const QObject *namedReceiver = nullptr; // UI thread only: whose name objectName[] holds
};

struct ProbeState
{
    std::atomic<std::uint64_t> sequence {0};
    std::atomic<int> depth {0};
    std::atomic<std::uint64_t> entered {0};
    std::atomic<std::uint64_t> completed {0};
    AtomicLevel levels[DispatchProbe::MaxLevels];
};

ProbeState g_state;
std::atomic<bool> g_installed {false};
thread_local constinit bool t_observed = false;
thread_local constinit QEvent *t_passThrough = nullptr;

using NotifyInternal = bool (*)(QObject *, QEvent *);
NotifyInternal g_notifyInternal = nullptr;

inline void beginWrite(std::uint64_t &seq)
{
    seq = g_state.sequence.load(std::memory_order_relaxed);
    g_state.sequence.store(seq + 1, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_release);
}

inline void endWrite(std::uint64_t seq)
{
    g_state.sequence.store(seq + 2, std::memory_order_release);
}

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

void DispatchProbe::setObservedThread(bool observed)
{
    t_observed = observed;
}

bool DispatchProbe::install()
{
    if (g_installed.load())
        return true;
    // notifyInternal2 is a private static member, exported with plain C calling convention.
    if (!g_notifyInternal) {
        g_notifyInternal = reinterpret_cast<NotifyInternal>(
            dlsym(RTLD_DEFAULT, "_ZN16QCoreApplication15notifyInternal2EP7QObjectP6QEvent"));
    }
    if (!g_notifyInternal)
        return false;
    setObservedThread();
    if (!QInternal::registerCallback(QInternal::EventNotifyCallback, &notifyCallback))
        return false;
    g_installed.store(true);
    return true;
}

void DispatchProbe::uninstall()
{
    t_observed = false;
    if (!g_installed.exchange(false))
        return;
    QInternal::unregisterCallback(QInternal::EventNotifyCallback, &notifyCallback);
}

bool DispatchProbe::isInstalled()
{
    return g_installed.load(std::memory_order_relaxed);
}

DispatchProbe::Scope::Scope(QObject *receiver, QEvent *event) noexcept
    : m_active(t_observed && !g_installed.load(std::memory_order_relaxed))
{
    if (m_active)
        enter(receiver, event);
}

DispatchProbe::Scope::~Scope()
{
    if (m_active)
        leave();
}

void DispatchProbe::enter(QObject *receiver, QEvent *event) noexcept
{
    const char *className = receiver->metaObject()->className();
    std::uint64_t seq;
    beginWrite(seq);
    const int depth = g_state.depth.load(std::memory_order_relaxed);
    const std::uint64_t id = g_state.entered.load(std::memory_order_relaxed) + 1;
    if (depth < MaxLevels) {
        AtomicLevel &level = g_state.levels[depth];
        level.entryId.store(id, std::memory_order_relaxed);
        level.receiverClass.store(className, std::memory_order_relaxed);
        level.eventType.store(int(event->type()), std::memory_order_relaxed);
        // Floods go to few receivers: copy the name only when the receiver changes at this depth.
        if (level.namedReceiver != receiver) {
            level.namedReceiver = receiver;
            const QString name = receiver->objectName();
            const int length = int(qMin<qsizetype>(name.size(), MaxObjectName));
            for (int i = 0; i < length; ++i)
                level.objectName[i].store(name.at(i).unicode(), std::memory_order_relaxed);
            level.objectNameLength.store(length, std::memory_order_relaxed);
        }
        level.completedAtEntry.store(g_state.completed.load(std::memory_order_relaxed), std::memory_order_relaxed);
    }
    g_state.depth.store(depth + 1, std::memory_order_relaxed);
    g_state.entered.store(id, std::memory_order_relaxed);
    endWrite(seq);
}

void DispatchProbe::leave() noexcept
{
    std::uint64_t seq;
    beginWrite(seq);
    const int depth = g_state.depth.load(std::memory_order_relaxed);
    g_state.depth.store(depth > 0 ? depth - 1 : 0, std::memory_order_relaxed);
    g_state.completed.store(g_state.completed.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    endWrite(seq);
}

std::uint64_t DispatchProbe::completedCount()
{
    return g_state.completed.load(std::memory_order_relaxed);
}

void DispatchProbe::snapshot(Snapshot *out)
{
    for (int attempt = 0; attempt < 1000; ++attempt) {
        const std::uint64_t before = g_state.sequence.load(std::memory_order_acquire);
        if (before & 1)
            continue;
        out->sequence = before;
        out->depth = g_state.depth.load(std::memory_order_relaxed);
        out->entered = g_state.entered.load(std::memory_order_relaxed);
        out->completed = g_state.completed.load(std::memory_order_relaxed);
        const int levels = qMin(out->depth, MaxLevels);
        for (int d = 0; d < levels; ++d) {
            const AtomicLevel &level = g_state.levels[d];
            Level &copy = out->levels[d];
            copy.entryId = level.entryId.load(std::memory_order_relaxed);
            copy.receiverClass = level.receiverClass.load(std::memory_order_relaxed);
            copy.eventType = level.eventType.load(std::memory_order_relaxed);
            copy.objectNameLength = qBound(0, level.objectNameLength.load(std::memory_order_relaxed), MaxObjectName);
            for (int i = 0; i < copy.objectNameLength; ++i)
                copy.objectName[i] = level.objectName[i].load(std::memory_order_relaxed);
            out->completedSince[d] = out->completed - level.completedAtEntry.load(std::memory_order_relaxed);
        }
        std::atomic_thread_fence(std::memory_order_acquire);
        if (g_state.sequence.load(std::memory_order_relaxed) == before)
            return;
    }
}
