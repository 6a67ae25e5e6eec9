#include "workers/watchdog/threadstate.h"

#include "model/trace/traceclock.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

using Taskscope::Model::AlertThreadState;
using Taskscope::Trace::TraceClock;

namespace Taskscope::Watchdog {

namespace {

// Reads a small /proc file into `buffer` (NUL-terminated). Returns the length or -1.
int readSmallFile(const char *path, char *buffer, int size)
{
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int total = 0;
    while (total < size - 1) {
        const ssize_t n = ::read(fd, buffer + total, std::size_t(size - 1 - total));
        if (n <= 0)
            break;
        total += int(n);
    }
    ::close(fd);
    buffer[total] = '\0';
    return total;
}

bool isPollSyscall(long nr)
{
#if defined(__x86_64__)
    return nr == SYS_poll || nr == SYS_ppoll || nr == SYS_epoll_wait || nr == SYS_epoll_pwait || nr == SYS_select
        || nr == SYS_pselect6;
#else
    return nr == SYS_ppoll || nr == SYS_epoll_pwait || nr == SYS_pselect6;
#endif
}

bool isSleepSyscall(long nr)
{
#if defined(__x86_64__)
    return nr == SYS_nanosleep || nr == SYS_clock_nanosleep;
#else
    return nr == SYS_clock_nanosleep;
#endif
}

bool isReadSyscall(long nr)
{
    return nr == SYS_read || nr == SYS_pread64 || nr == SYS_readv || nr == SYS_recvfrom || nr == SYS_recvmsg;
}

bool isWriteSyscall(long nr)
{
    return nr == SYS_write || nr == SYS_pwrite64 || nr == SYS_writev || nr == SYS_sendto || nr == SYS_sendmsg
        || nr == SYS_fsync || nr == SYS_fdatasync;
}

QString hex(std::uint64_t value)
{
    return QStringLiteral("0x") + QString::number(value, 16);
}

} // namespace

ThreadStateSample ThreadStateReader::read(pid_t tid)
{
    ThreadStateSample sample;
    sample.atNs = TraceClock::nowNs();
    char path[64];
    char buffer[512];

    std::snprintf(path, sizeof path, "/proc/self/task/%d/stat", int(tid));
    if (readSmallFile(path, buffer, sizeof buffer) <= 0)
        return sample;
    // The command name may contain spaces and parentheses: the state follows the last ')'.
    const char *close = std::strrchr(buffer, ')');
    if (!close || close[1] != ' ' || !close[2])
        return sample;
    sample.state = close[2];
    sample.valid = true;

    std::snprintf(path, sizeof path, "/proc/self/task/%d/wchan", int(tid));
    if (const int length = readSmallFile(path, buffer, sizeof buffer); length > 0 && std::strcmp(buffer, "0") != 0) {
        const std::size_t copied = std::min(std::size_t(length), sizeof sample.wchan - 1);
        std::memcpy(sample.wchan, buffer, copied);
        sample.wchan[copied] = '\0';
    }

    std::snprintf(path, sizeof path, "/proc/self/task/%d/syscall", int(tid));
    if (readSmallFile(path, buffer, sizeof buffer) > 0 && std::strncmp(buffer, "running", 7) != 0) {
        char *cursor = buffer;
        char *end = nullptr;
        const long nr = std::strtol(cursor, &end, 10);
        if (end != cursor && nr >= 0) {
            sample.syscall = nr;
            cursor = end;
            for (std::uint64_t &arg : sample.args) {
                arg = std::strtoull(cursor, &end, 16);
                if (end == cursor)
                    break;
                cursor = end;
            }
        }
    }

    // Whose lock is it? Read now: by the time anyone looks, it may have changed hands.
    if (sample.syscall == SYS_futex)
        sample.futexOwner = probableFutexOwner(sample.args[0], tid);

    std::snprintf(path, sizeof path, "/proc/self/task/%d/schedstat", int(tid));
    if (readSmallFile(path, buffer, sizeof buffer) > 0) {
        char *end = nullptr;
        sample.runNs = std::strtoull(buffer, &end, 10);
        sample.waitNs = std::strtoull(end, nullptr, 10);
    }
    return sample;
}

AlertThreadState ThreadStateReader::describe(pid_t tid, const ThreadStateSample &current,
                                             const ThreadStateSample *previous)
{
    AlertThreadState state;
    state.tid = tid;
    if (!current.valid) {
        state.summary = QStringLiteral("unknown (thread state unreadable)");
        return state;
    }
    state.state = QString(QLatin1Char(current.state));
    state.wchan = QString::fromLatin1(current.wchan);
    state.syscall = int(current.syscall);
    const bool haveDelta = previous && previous->valid && current.atNs > previous->atNs;
    if (haveDelta) {
        state.intervalNs = current.atNs - previous->atNs;
        state.runNs = qint64(current.runNs - previous->runNs);
        state.waitNs = qint64(current.waitNs - previous->waitNs);
    }

    switch (current.state) {
    case 'R':
        if (haveDelta && state.waitNs > state.runNs && state.waitNs > state.intervalNs / 4)
            state.summary = QStringLiteral("CPU-starved: runnable but waiting for a core (%1% on CPU)")
                                .arg(state.runNs * 100 / qMax<qint64>(1, state.intervalNs));
        else if (haveDelta)
            state.summary = QStringLiteral("busy on CPU (%1% of the interval)")
                                .arg(state.runNs * 100 / qMax<qint64>(1, state.intervalNs));
        else
            state.summary = QStringLiteral("running");
        return state;
    case 'T':
        state.summary = QStringLiteral("stopped (SIGSTOP)");
        return state;
    case 't':
        state.summary = QStringLiteral("stopped by a tracer");
        return state;
    case 'Z':
    case 'X':
        state.summary = QStringLiteral("exited");
        return state;
    default:
        break;
    }

    const QString sleepKind = current.state == 'D' ? QStringLiteral("uninterruptible wait") : QStringLiteral("waiting");
    const long nr = current.syscall;
    if (nr == SYS_futex) {
        state.futexAddress = current.args[0];
        state.futexOwnerTid = current.futexOwner;
        state.summary = QStringLiteral("waiting on futex ") + hex(state.futexAddress)
            + QStringLiteral(" (a lock or condition)");
    } else if (isPollSyscall(nr)) {
        state.summary = QStringLiteral("waiting in ") + syscallName(nr)
            + QStringLiteral(" (event loop idle or a blocking wait)");
    } else if (isSleepSyscall(nr)) {
        state.summary = QStringLiteral("sleeping (") + syscallName(nr) + u')';
    } else if (isReadSyscall(nr)) {
        state.summary = QStringLiteral("blocked reading (%1 on fd %2)").arg(syscallName(nr)).arg(current.args[0]);
    } else if (isWriteSyscall(nr)) {
        state.summary = QStringLiteral("blocked writing (%1 on fd %2)").arg(syscallName(nr)).arg(current.args[0]);
    } else if (nr >= 0) {
        state.summary = sleepKind + QStringLiteral(" in syscall ") + syscallName(nr);
    } else {
        state.summary = sleepKind;
    }
    if (!state.wchan.isEmpty())
        state.summary += QStringLiteral(" [") + state.wchan + u']';
    return state;
}

pid_t ThreadStateReader::probableFutexOwner(std::uint64_t futexAddress, pid_t waiter)
{
    if (!futexAddress)
        return 0;
    // glibc x86_64/aarch64: struct __pthread_mutex_s { int __lock; unsigned __count; int __owner; ... }
    int owner = 0;
    iovec local {&owner, sizeof owner};
    iovec remote {reinterpret_cast<void *>(futexAddress + 2 * sizeof(int)), sizeof owner};
    if (process_vm_readv(getpid(), &local, 1, &remote, 1, 0) != ssize_t(sizeof owner))
        return 0;
    if (owner <= 0 || owner == waiter)
        return 0;
    char path[64];
    std::snprintf(path, sizeof path, "/proc/self/task/%d", owner);
    return ::access(path, F_OK) == 0 ? pid_t(owner) : 0;
}

pid_t ThreadStateReader::tracerPid()
{
    char buffer[2048];
    if (readSmallFile("/proc/self/status", buffer, sizeof buffer) <= 0)
        return 0;
    const char *line = std::strstr(buffer, "TracerPid:");
    if (!line)
        return 0;
    return pid_t(std::strtol(line + 10, nullptr, 10));
}

QString ThreadStateReader::syscallName(long number)
{
    switch (number) {
    case SYS_futex:
        return QStringLiteral("futex");
#if defined(__x86_64__)
    case SYS_poll:
        return QStringLiteral("poll");
    case SYS_select:
        return QStringLiteral("select");
    case SYS_epoll_wait:
        return QStringLiteral("epoll_wait");
    case SYS_nanosleep:
        return QStringLiteral("nanosleep");
#endif
    case SYS_ppoll:
        return QStringLiteral("ppoll");
    case SYS_pselect6:
        return QStringLiteral("pselect6");
    case SYS_epoll_pwait:
        return QStringLiteral("epoll_pwait");
    case SYS_clock_nanosleep:
        return QStringLiteral("clock_nanosleep");
    case SYS_read:
        return QStringLiteral("read");
    case SYS_write:
        return QStringLiteral("write");
    case SYS_pread64:
        return QStringLiteral("pread64");
    case SYS_readv:
        return QStringLiteral("readv");
    case SYS_recvfrom:
        return QStringLiteral("recvfrom");
    case SYS_recvmsg:
        return QStringLiteral("recvmsg");
    case SYS_sendto:
        return QStringLiteral("sendto");
    case SYS_sendmsg:
        return QStringLiteral("sendmsg");
    case SYS_fsync:
        return QStringLiteral("fsync");
    case SYS_fdatasync:
        return QStringLiteral("fdatasync");
    case SYS_wait4:
        return QStringLiteral("wait4");
    default:
        return QStringLiteral("#") + QString::number(number);
    }
}

} // namespace Taskscope::Watchdog
