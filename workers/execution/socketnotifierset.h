#pragma once

#include <QtGlobal>

#include <atomic>
#include <cstdint>
#include <deque>
#include <vector>

class QSocketNotifier;
struct epoll_event;

namespace Taskscope::Execution {

/// The socket-notifier half of an epoll event loop: QSocketNotifiers kept in one epoll set, a wait
/// that costs O(ready sockets), and delivery of QEvent::SockAct to the ready notifiers. Used by
/// EpollEventDispatcher (the set is the thread's whole loop) and by NestedEpollDispatcher (the
/// set's fd is one notifier inside the platform's dispatcher).
///
/// - One level-triggered registration per fd (its read, write and exception notifiers share it). A
///   notifier enabled or disabled while others on its fd remain only marks the fd; the epoll_ctl is
///   made once, before the next wait, so a write notifier toggled inside one pass costs nothing.
///   Removing the last notifier of an fd is immediate (the fd may be closed and its number reused
///   right after).
/// - Stale readiness: each registration has a serial carried in the epoll data; a ready entry whose
///   fd was unregistered, closed or reused, or that a nested pass re-reported, is dropped.
/// - Re-entrant: a handler may run a nested loop that waits on the same set.
/// Not thread-safe: the owning thread only.
class SocketNotifierSet final
{
public:
    /// What to do with an fd epoll refuses (a regular file): report it always ready, as poll() does,
    /// or leave it to the caller (registerNotifier() returns false).
    enum class RefusedFds { AlwaysReady, Decline };
    /// Ready fds taken from the kernel per epoll_wait call.
    static constexpr int MaxEventsPerWait = 1024;
    /// One call's worth of ready fds (the rest stay ready for the next wait: level-triggered), or
    /// every fd ready at the time of the wait, as ppoll() reports them.
    enum class Batch { Capped, AllReady };

    explicit SocketNotifierSet(RefusedFds refused);
    ~SocketNotifierSet();
    Q_DISABLE_COPY_MOVE(SocketNotifierSet)

    bool isValid() const { return m_epollFd >= 0; }
    int epollFd() const { return m_epollFd; }
    /// Watches an eventfd that ends a wait: when it is seen, it is read and *pending cleared.
    bool watchWakeFd(int fd, std::atomic<bool> *pending);

    /// False if the notifier was not taken (invalid, or refused by epoll under Decline).
    bool registerNotifier(QSocketNotifier *notifier);
    /// False if the notifier is not in this set.
    bool unregisterNotifier(QSocketNotifier *notifier);
    bool contains(const QSocketNotifier *notifier) const;
    /// Fds that are always ready: the caller must not block while there are any.
    bool hasAlwaysReady() const { return !m_alwaysReadyFds.empty(); }

    /// Hands the kernel the enable/disable changes made since the last wait (waitAndActivate does
    /// this first); a caller whose wait is elsewhere calls it before that wait.
    void applyChanges();
    /// Applies pending changes, waits up to timeoutNs (-1: no limit, 0: poll) for ready fds (a batch
    /// of them), and sends QEvent::SockAct to their notifiers. Returns the notifiers activated.
    int waitAndActivate(qint64 timeoutNs, Batch batch);

    int watchedFds() const { return int(m_fds.size()); }
    quint64 waits() const { return m_waits; }
    quint64 controlCalls() const { return m_controlCalls; }

private:
    struct FdEntry
    {
        QSocketNotifier *notifiers[3] = {nullptr, nullptr, nullptr}; // Read, Write, Exception
        std::uint32_t registeredEvents = 0; // what the kernel has
        std::uint32_t serial = 0; // changes when the fd is registered anew
        std::uint64_t reportedPass = 0; // the last wait that reported the fd ready
        int fd = -1;
        bool dirty = false;
        bool alwaysReady = false; // epoll refused it (a regular file)
    };
    struct Ready
    {
        int fd;
        std::uint32_t serial;
        std::uint32_t events;
        std::uint64_t pass;
    };

    static std::uint32_t wantedEvents(const FdEntry &entry);
    bool control(int fd, FdEntry &entry, std::uint32_t events);
    void removeFd(int fd);
    FdEntry *find(int fd);
    const FdEntry *find(int fd) const;
    FdEntry &add(int fd);
    void wait(qint64 timeoutNs, Batch batch, std::vector<Ready> *ready);
    int collect(const epoll_event *events, int n, std::uint64_t pass, std::vector<Ready> *ready);
    int activate(const std::vector<Ready> &ready);

    const RefusedFds m_refused;
    int m_epollFd = -1;
    int m_wakeFd = -1;
    std::atomic<bool> *m_wakePending = nullptr;
    // The watched fds, dense. A thread with a few fds (a worker: its socket and its pacer) finds
    // one by a short scan; past SmallFds an index by fd number (fd numbers are process-wide, so an
    // index per worker thread would cost every thread a slot per fd of the process).
    static constexpr std::size_t SmallFds = 16;
    std::vector<FdEntry> m_fds;
    std::vector<std::int32_t> m_fdIndex; // fd -> position in m_fds, -1 if none; empty while small
    // One ready list per nesting depth, kept between passes (no allocation per pass); a deque so
    // an outer pass's list stays put while a nested one is added.
    std::deque<std::vector<Ready>> m_readyLists;
    std::size_t m_depth = 0;
    std::vector<int> m_dirtyFds;
    std::vector<int> m_alwaysReadyFds;
    std::uint32_t m_nextSerial = 0;
    std::uint64_t m_pass = 0;
    quint64 m_waits = 0;
    quint64 m_controlCalls = 0;
    bool m_hasPwait2 = true;
};

} // namespace Taskscope::Execution
