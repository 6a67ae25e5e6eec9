#include "workers/execution/socketnotifierset.h"

#include "workers/execution/pacer.h"

#include <QCoreApplication>
#include <QEvent>
#include <QSocketNotifier>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace Taskscope::Execution {

namespace {

// The wake eventfd's epoll data: no real fd has this serial (serials start at 1).
constexpr std::uint64_t WakeTag = ~std::uint64_t(0);

std::uint64_t tagOf(int fd, std::uint32_t serial)
{
    return std::uint64_t(std::uint32_t(fd)) | (std::uint64_t(serial) << 32);
}

} // namespace

SocketNotifierSet::SocketNotifierSet(RefusedFds refused)
    : m_refused(refused)
{
    m_epollFd = epoll_create1(EPOLL_CLOEXEC);
    if (m_epollFd < 0)
        qWarning("SocketNotifierSet: cannot create an epoll set: %s", std::strerror(errno));
}

SocketNotifierSet::~SocketNotifierSet()
{
    if (m_epollFd >= 0)
        ::close(m_epollFd);
}

bool SocketNotifierSet::watchWakeFd(int fd, std::atomic<bool> *pending)
{
    m_wakeFd = fd;
    m_wakePending = pending;
    epoll_event ev {};
    ev.events = EPOLLIN;
    ev.data.u64 = WakeTag;
    if (m_epollFd < 0 || epoll_ctl(m_epollFd, EPOLL_CTL_ADD, fd, &ev) < 0) {
        qWarning("SocketNotifierSet: cannot watch the wake-up eventfd: %s", std::strerror(errno));
        return false;
    }
    return true;
}

int SocketNotifierSet::waitAndActivate(qint64 timeoutNs, Batch batch)
{
    // One list per depth: a notifier's handler may run a nested loop that waits again.
    if (m_depth == m_readyLists.size())
        m_readyLists.emplace_back();
    std::vector<Ready> &ready = m_readyLists[m_depth];
    ready.clear();
    applyChanges();
    wait(timeoutNs, batch, &ready);
    ++m_depth;
    const int activated = activate(ready);
    --m_depth;
    ready.clear();
    return activated;
}

void SocketNotifierSet::wait(qint64 timeoutNs, Batch batch, std::vector<Ready> *ready)
{
    const bool all = batch == Batch::AllReady;
    const int maxEvents = MaxEventsPerWait;
    ++m_waits;
    timespec ts {};
    if (timeoutNs >= 0) {
        ts.tv_sec = timeoutNs / 1'000'000'000;
        ts.tv_nsec = timeoutNs % 1'000'000'000;
    }
    if (m_epollFd < 0) {
        if (timeoutNs != 0)
            ppoll(nullptr, 0, timeoutNs >= 0 ? &ts : nullptr, nullptr);
        return;
    }
    epoll_event events[MaxEventsPerWait];
    int n = -1;
    if (m_hasPwait2) {
        n = epoll_pwait2(m_epollFd, events, maxEvents, timeoutNs >= 0 ? &ts : nullptr, nullptr);
        if (n < 0 && errno == ENOSYS)
            m_hasPwait2 = false;
    }
    if (!m_hasPwait2) {
        // Whole milliseconds, rounded up: a timer never fires early.
        const int ms = timeoutNs < 0 ? -1 : int(std::min<qint64>((timeoutNs + 999'999) / 1'000'000, 1 << 30));
        n = epoll_wait(m_epollFd, events, maxEvents, ms);
    }
    if (n < 0) {
        if (errno != EINTR)
            qWarning("SocketNotifierSet: epoll_wait: %s", std::strerror(errno));
        return;
    }
    const std::uint64_t pass = ++m_pass;
    collect(events, n, pass, ready);
    // A full batch may have left fds out, in the kernel's order: readiness that came last (a
    // pacer's timerfd behind a thousand busy sockets) would wait a whole pass. Take the rest too,
    // as ppoll() would, until a call repeats fds already taken (level-triggered fds come round again).
    bool more = all && n == maxEvents;
    while (more) {
        n = epoll_wait(m_epollFd, events, maxEvents, 0);
        more = n == maxEvents && collect(events, n, pass, ready) == n;
    }
    for (int fd : m_alwaysReadyFds) {
        FdEntry *entry = find(fd);
        if (!entry)
            continue;
        entry->reportedPass = pass;
        ready->push_back({fd, entry->serial, EPOLLIN | EPOLLOUT, pass});
    }
}

int SocketNotifierSet::collect(const epoll_event *events, int n, std::uint64_t pass, std::vector<Ready> *ready)
{
    int added = 0;
    for (int i = 0; i < n; ++i) {
        const std::uint64_t tag = events[i].data.u64;
        if (tag == WakeTag) {
            // Drained before any handler runs: a wake-up a handler causes is then not lost.
            eventfd_t value = 0;
            eventfd_read(m_wakeFd, &value);
            if (m_wakePending)
                m_wakePending->store(false, std::memory_order_release);
            continue;
        }
        const int fd = int(std::uint32_t(tag));
        const auto serial = std::uint32_t(tag >> 32);
        FdEntry *entry = find(fd);
        if (!entry || entry->serial != serial || entry->reportedPass == pass)
            continue; // outlived its notifiers (a dup'ed fd), or already taken in this pass
        entry->reportedPass = pass;
        ready->push_back({fd, serial, events[i].events, pass});
        ++added;
    }
    return added;
}

int SocketNotifierSet::activate(const std::vector<Ready> &ready)
{
    static constexpr std::uint32_t triggers[3] = {
        EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP, // Read: data, or end of stream/error to read
        EPOLLOUT | EPOLLERR, // Write
        EPOLLPRI, // Exception
    };
    int activated = 0;
    for (const Ready &r : ready) {
        for (int type = 0; type < 3; ++type) {
            if (!(r.events & triggers[type]))
                continue;
            // Looked up again for every notifier: the previous handler may have disabled, deleted
            // or replaced any notifier, closed the fd, or run a nested loop that handled it.
            const FdEntry *entry = find(r.fd);
            if (!entry || entry->serial != r.serial || entry->reportedPass != r.pass)
                break;
            QSocketNotifier *notifier = entry->notifiers[type];
            if (!notifier)
                continue;
            QEvent event(QEvent::SockAct);
            QCoreApplication::sendEvent(notifier, &event);
            ++activated;
            // A pass over hundreds of readable sockets takes milliseconds: let chunks that fall due
            // meanwhile go between the reads (the pacer's own notifier may be far down the list).
            Pacer::fireIfDueOnThisThread();
        }
    }
    return activated;
}

std::uint32_t SocketNotifierSet::wantedEvents(const FdEntry &entry)
{
    std::uint32_t events = 0;
    if (entry.notifiers[QSocketNotifier::Read])
        events |= EPOLLIN;
    if (entry.notifiers[QSocketNotifier::Write])
        events |= EPOLLOUT;
    if (entry.notifiers[QSocketNotifier::Exception])
        events |= EPOLLPRI;
    return events;
}

bool SocketNotifierSet::control(int fd, FdEntry &entry, std::uint32_t events)
{
    if (entry.alwaysReady || m_epollFd < 0)
        return true;
    epoll_event ev {};
    ev.events = events;
    ev.data.u64 = tagOf(fd, entry.serial);
    int op = entry.registeredEvents ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    ++m_controlCalls;
    int result = epoll_ctl(m_epollFd, op, fd, &ev);
    if (result < 0 && op == EPOLL_CTL_MOD && errno == ENOENT) {
        // The fd was closed (leaving the set) and its number reused while a notifier stayed.
        op = EPOLL_CTL_ADD;
        ++m_controlCalls;
        result = epoll_ctl(m_epollFd, op, fd, &ev);
    } else if (result < 0 && op == EPOLL_CTL_ADD && errno == EEXIST) {
        ++m_controlCalls;
        result = epoll_ctl(m_epollFd, EPOLL_CTL_MOD, fd, &ev);
    }
    if (result < 0 && errno == EPERM && m_refused == RefusedFds::Decline)
        return false;
    if (result < 0 && errno == EPERM) {
        // Regular files: poll() reports them always ready, and so do we.
        entry.alwaysReady = true;
        entry.registeredEvents = 0;
        m_alwaysReadyFds.push_back(fd);
        return true;
    }
    if (result < 0) {
        qWarning("SocketNotifierSet: epoll_ctl on socket %d: %s", fd, std::strerror(errno));
        return false;
    }
    entry.registeredEvents = events;
    return true;
}

void SocketNotifierSet::applyChanges()
{
    if (m_dirtyFds.empty())
        return;
    for (int fd : m_dirtyFds) {
        FdEntry *entry = find(fd);
        if (!entry || !entry->dirty)
            continue;
        entry->dirty = false;
        const std::uint32_t wanted = wantedEvents(*entry);
        if (wanted != entry->registeredEvents)
            control(fd, *entry, wanted);
    }
    m_dirtyFds.clear();
}

bool SocketNotifierSet::registerNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    const int type = int(notifier->type());
    if (fd < 0 || type < 0 || type > 2) {
        qWarning("SocketNotifierSet: invalid socket notifier (socket %d)", fd);
        return false;
    }
    FdEntry *existing = find(fd);
    const bool inserted = !existing;
    FdEntry &entry = existing ? *existing : add(fd);
    if (entry.notifiers[type] && entry.notifiers[type] != notifier)
        qWarning("SocketNotifierSet: multiple socket notifiers for socket %d and type %d", fd, type);
    entry.notifiers[type] = notifier;
    if (inserted) {
        entry.serial = ++m_nextSerial;
        if (entry.serial == 0 || entry.serial == std::uint32_t(WakeTag >> 32))
            entry.serial = m_nextSerial = 1;
        if (!control(fd, entry, wantedEvents(entry)) && m_refused == RefusedFds::Decline) {
            removeFd(fd); // nothing registered with the kernel: only the entry goes
            return false;
        }
        return true;
    }
    if (!entry.dirty) {
        entry.dirty = true;
        m_dirtyFds.push_back(fd);
    }
    return true;
}

bool SocketNotifierSet::contains(const QSocketNotifier *notifier) const
{
    const int type = int(notifier->type());
    const FdEntry *entry = find(int(notifier->socket()));
    return entry && type >= 0 && type <= 2 && entry->notifiers[type] == notifier;
}

bool SocketNotifierSet::unregisterNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    const int type = int(notifier->type());
    FdEntry *found = find(fd);
    if (!found || type < 0 || type > 2 || found->notifiers[type] != notifier)
        return false;
    FdEntry &entry = *found;
    entry.notifiers[type] = nullptr;
    if (!entry.notifiers[0] && !entry.notifiers[1] && !entry.notifiers[2]) {
        // At once, not before the next wait: the owner may close the fd and a new socket may get
        // the same number before then.
        removeFd(fd);
        return true;
    }
    if (!entry.dirty) {
        entry.dirty = true;
        m_dirtyFds.push_back(fd);
    }
    return true;
}

void SocketNotifierSet::removeFd(int fd)
{
    FdEntry *entry = find(fd);
    if (!entry)
        return;
    if (entry->alwaysReady) {
        m_alwaysReadyFds.erase(std::remove(m_alwaysReadyFds.begin(), m_alwaysReadyFds.end(), fd),
                               m_alwaysReadyFds.end());
    } else if (entry->registeredEvents && m_epollFd >= 0) {
        ++m_controlCalls;
        // Fails harmlessly (EBADF, ENOENT) when the fd was closed first: the kernel dropped it then.
        epoll_ctl(m_epollFd, EPOLL_CTL_DEL, fd, nullptr);
    }
    // Swap with the last entry (serials are never reused, so a stale ready entry cannot match).
    const std::size_t position = std::size_t(entry - m_fds.data());
    if (position + 1 != m_fds.size()) {
        m_fds[position] = m_fds.back();
        if (!m_fdIndex.empty())
            m_fdIndex[std::size_t(m_fds[position].fd)] = std::int32_t(position);
    }
    m_fds.pop_back();
    if (!m_fdIndex.empty())
        m_fdIndex[std::size_t(fd)] = -1;
}

SocketNotifierSet::FdEntry *SocketNotifierSet::find(int fd)
{
    if (m_fdIndex.empty()) {
        for (FdEntry &entry : m_fds) {
            if (entry.fd == fd)
                return &entry;
        }
        return nullptr;
    }
    if (fd < 0 || std::size_t(fd) >= m_fdIndex.size() || m_fdIndex[std::size_t(fd)] < 0)
        return nullptr;
    return &m_fds[std::size_t(m_fdIndex[std::size_t(fd)])];
}

const SocketNotifierSet::FdEntry *SocketNotifierSet::find(int fd) const
{
    return const_cast<SocketNotifierSet *>(this)->find(fd);
}

SocketNotifierSet::FdEntry &SocketNotifierSet::add(int fd)
{
    m_fds.push_back(FdEntry {});
    m_fds.back().fd = fd;
    if (m_fdIndex.empty() && m_fds.size() > SmallFds) {
        for (std::size_t i = 0; i < m_fds.size(); ++i) {
            const auto at = std::size_t(m_fds[i].fd);
            if (at >= m_fdIndex.size())
                m_fdIndex.resize(std::max(at + 1, m_fdIndex.size() * 2), -1);
            m_fdIndex[at] = std::int32_t(i);
        }
    } else if (!m_fdIndex.empty()) {
        if (std::size_t(fd) >= m_fdIndex.size())
            m_fdIndex.resize(std::max(std::size_t(fd) + 1, m_fdIndex.size() * 2), -1);
        m_fdIndex[std::size_t(fd)] = std::int32_t(m_fds.size() - 1);
    }
    return m_fds.back();
}

} // namespace Taskscope::Execution
