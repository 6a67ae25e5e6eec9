#pragma once

#include <QEvent>
#include <QtGlobal>

#include <atomic>
#include <cstdint>

class QObject;

namespace Taskscope::Watchdog {

/// Brackets every event dispatch on the UI thread so a watcher thread can tell, without locks, what
/// the UI thread is running and since when.
///
/// install() registers a QInternal::EventNotifyCallback. Qt calls it at the top of
/// QCoreApplication::notifyInternal2 (for QCoreApplication and QApplication alike, even when the
/// app overrides notify()), before it counts the scope level. The callback re-enters
/// notifyInternal2 once for the same event, flagged to pass straight through, so Qt's own
/// bookkeeping (scope level for deleteLater, the spontaneous flag, notify() overrides) is exactly as
/// without the probe, and the callback sees both the start and the end of the dispatch.
/// Apps that prefer not to rely on that can call Scope from their own notify() override instead.
///
/// Writers are the UI thread only; readers use acquire loads and retry when the count-and-depth word moved
/// while they copied, so a frozen UI thread never blocks the reader.
///
/// The probe reads no clock: a clock read is ~11 ns on this class of VM, most of what the bracket
/// cost per dispatch. Each entry gets an id instead, and the watcher times entries and exits by
/// seeing entry ids and the depth change between its polls (to within one poll, 2 ms by default).
///
/// enter() and leave() are inline and look nothing up when the receiver's class and object are the
/// ones this depth saw last (a flood is mostly one receiver): entry reads and writes the word that
/// holds the entry count and the depth and writes one word of the level, exit decrements the word.
/// That is ~0.4 % of a trivial queued call (BM_ProbeInterleaved: median of 11, range 0.1-0.9 %),
/// against ~1.0 % with the count and the depth in two words and 3 % for the out-of-line version that
/// described every receiver.
class DispatchProbe final
{
public:
    DispatchProbe() = delete;

    static constexpr int MaxLevels = 16;
    static constexpr int MaxObjectName = 40;

    /// On the UI thread. Returns false (and leaves Qt untouched) if the callback path is unavailable.
    static bool install();
    static void uninstall();
    static bool isInstalled();

    /// Manual bracket for an app's QCoreApplication::notify() override (UI thread only; no-op elsewhere):
    ///   bool App::notify(QObject *r, QEvent *e) { DispatchProbe::Scope s(r, e); return QApplication::notify(r, e); }
    class Scope final
    {
    public:
        Scope(QObject *receiver, QEvent *event) noexcept
            : m_active(t_scopeArmed)
        {
            if (m_active) [[unlikely]]
                enter(receiver, event);
        }
        ~Scope()
        {
            if (m_active) [[unlikely]]
                leave();
        }
        Q_DISABLE_COPY_MOVE(Scope)

    private:
        bool m_active;
    };

    /// Marks the calling thread as the one to observe, or stops observing it (install() marks it;
    /// uninstall() clears it).
    static void setObservedThread(bool observed = true);

    struct Level
    {
        std::uint64_t entryId = 0; ///< 1, 2, 3, ... in order of entry, at any depth
        const char *receiverClass = nullptr; ///< static meta-object string
        int eventType = -1;
        char16_t objectName[MaxObjectName] = {};
        int objectNameLength = 0;
    };

    /// What the watcher sees.
    struct Snapshot
    {
        int depth = 0; ///< active dispatches (notify nesting)
        std::uint64_t entered = 0; ///< dispatches begun since install (the latest entry's id)
        Level levels[MaxLevels]; ///< [0] = outermost; valid up to min(depth, MaxLevels)
        /// Dispatches begun since levels[d] began (progress inside a nested loop).
        std::uint64_t enteredSince[MaxLevels] = {};
    };
    /// Any thread. Consistent as of one moment (retries while the UI thread writes).
    static void snapshot(Snapshot *out);
    static std::uint64_t enteredCount();

    static void enter(QObject *receiver, QEvent *event) noexcept;
    static void leave() noexcept;

private:
    // One observed thread (the UI thread). Fields are atomics written only by that thread; a reader
    // never blocks and never tears. The entry count and the depth share one word, so a bracket
    // reads and writes one word instead of two; the count doubles as the sequence lock: a level
    // is rewritten only after an exit lowered the depth below it and before the next entry
    // publishes a new count, and the reader retries when the word moved while it copied.
    // Cache-line aligned so nothing another thread writes shares a line the UI thread writes on
    // every dispatch; the fields enter() touches come first, in one line.
    static constexpr int DepthBits = 16; // 65,535 nested dispatches would need a stack of >60 MB
    static constexpr std::uint64_t DepthMask = (std::uint64_t(1) << DepthBits) - 1;
    static constexpr int EventTypeBits = 16; // QEvent keeps its type in a ushort

    struct alignas(64) AtomicLevel
    {
        std::atomic<std::uint64_t> entry {0}; ///< entry id << EventTypeBits | event type
        std::atomic<const char *> receiverClass {nullptr};
        // UI thread only: the receiver and its vtable that receiverClass and objectName describe.
        const QObject *describedReceiver = nullptr;
        const void *describedVtable = nullptr;
        std::atomic<int> objectNameLength {0};
        std::atomic<char16_t> objectName[MaxObjectName] {};
    };

    struct alignas(64) State
    {
        std::atomic<std::uint64_t> word {0}; ///< dispatches entered << DepthBits | depth
        AtomicLevel levels[MaxLevels];
    };

    /// Reads the class name and object name of a receiver this depth has not described yet.
    static void describe(AtomicLevel &level, const QObject *receiver, const void *vtable) noexcept;
    static void updateScopeArmed() noexcept;

    static State s_state;
    // Observed and not bracketed by the notify callback: Scope brackets. One byte for the hot path.
    static thread_local constinit bool t_scopeArmed;
};

inline void DispatchProbe::enter(QObject *receiver, QEvent *event) noexcept
{
    State &state = s_state;
    const std::uint64_t word = state.word.load(std::memory_order_relaxed);
    const std::uint64_t id = (word >> DepthBits) + 1;
    const std::uint64_t depth = word & DepthMask;
    // Orders the exit that lowered the depth to here before this level is rewritten, so a reader
    // that copied any of the rewrite sees the word changed when it checks again. (Free on x86.)
    std::atomic_thread_fence(std::memory_order_release);
    if (depth < std::uint64_t(MaxLevels)) [[likely]] {
        AtomicLevel &level = state.levels[depth];
        level.entry.store(id << EventTypeBits | quint16(event->type()), std::memory_order_relaxed);
        // The vtable tells a new object at a freed receiver's address apart when its class differs.
        const void *vtable = *reinterpret_cast<const void *const *>(receiver);
        if (level.describedReceiver != receiver || level.describedVtable != vtable) [[unlikely]]
            describe(level, receiver, vtable);
    }
    state.word.store(id << DepthBits | (depth + 1), std::memory_order_release); // publishes the level
}

inline void DispatchProbe::leave() noexcept
{
    // Exits are not counted: progress shows as new entries, or as a lower depth. Every enter() has
    // its leave() on the same thread (Scope and the notify callback pair them), so the depth never
    // borrows from the count.
    State &state = s_state;
    state.word.store(state.word.load(std::memory_order_relaxed) - 1, std::memory_order_release);
}

} // namespace Taskscope::Watchdog
