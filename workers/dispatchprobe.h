#pragma once

#include <QtGlobal>

#include <atomic>
#include <cstdint>

class QEvent;
class QObject;

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
/// Writers are the UI thread only; readers use relaxed/acquire loads and a sequence counter, so a
/// frozen UI thread never blocks the reader.
///
/// The probe reads no clock: a clock read is ~11 ns on this class of VM, most of what the bracket
/// cost per dispatch. Each entry gets an id instead, and the watcher times entries and exits by
/// seeing ids and counts change between its polls (to within one poll, 2 ms by default).
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
        Scope(QObject *receiver, QEvent *event) noexcept;
        ~Scope();
        Q_DISABLE_COPY_MOVE(Scope)

    private:
        bool m_active;
    };

    /// Marks the calling thread as the one to observe, or stops observing it (install() marks it;
    /// uninstall() clears it).
    static void setObservedThread(bool observed = true);

    struct Level
    {
        std::uint64_t entryId = 0;            ///< 1, 2, 3, ... in order of entry, at any depth
        const char *receiverClass = nullptr; ///< static meta-object string
        int eventType = -1;
        char16_t objectName[MaxObjectName] = {};
        int objectNameLength = 0;
    };

    /// What the watcher sees.
    struct Snapshot
    {
        int depth = 0;                  ///< active dispatches (notify nesting)
        std::uint64_t entered = 0;      ///< dispatches begun since install (the latest entry's id)
        std::uint64_t completed = 0;    ///< dispatches finished since install
        std::uint64_t sequence = 0;     ///< changes on every entry and exit
        Level levels[MaxLevels];        ///< [0] = outermost; valid up to min(depth, MaxLevels)
        /// Dispatches completed while levels[d] was active (progress inside a nested loop).
        std::uint64_t completedSince[MaxLevels] = {};
    };
    /// Any thread. Consistent as of one moment (retries while the UI thread writes).
    static void snapshot(Snapshot *out);
    static std::uint64_t completedCount();

    static void enter(QObject *receiver, QEvent *event) noexcept;
    static void leave() noexcept;
};
