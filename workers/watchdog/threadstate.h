#pragma once

#include "model/alertrecord.h"

#include <QtGlobal>

#include <cstdint>

#include <sys/types.h>

namespace Taskscope::Watchdog {

/// One read of a thread's kernel state from /proc/self/task/<tid>/{stat,wchan,syscall,schedstat}.
/// Plain data and fixed buffers: reading allocates nothing, so the watcher thread can do it while
/// the UI thread is frozen.
struct ThreadStateSample
{
    bool valid = false;
    char state = '?';
    char wchan[48] = {};
    long syscall = -1; ///< -1 running in user space or unreadable
    std::uint64_t args[6] = {};
    pid_t futexOwner = 0; ///< for a futex wait: the probable owner, read at the same moment
    std::uint64_t runNs = 0; ///< schedstat: time on a CPU
    std::uint64_t waitNs = 0; ///< schedstat: time runnable on a run queue
    qint64 atNs = 0; ///< TraceClock ns of the read
};

/// Reads and explains thread states: busy on CPU, CPU-starved, waiting on a futex (and whose),
/// sleeping, polling, blocked in I/O.
class ThreadStateReader final
{
public:
    ThreadStateReader() = delete;

    static ThreadStateSample read(pid_t tid);
    /// A description of `current`; with a `previous` read of the same thread, busy vs starved
    /// comes from the schedstat deltas in between.
    static Model::AlertThreadState describe(pid_t tid, const ThreadStateSample &current,
                                            const ThreadStateSample *previous = nullptr);
    /// For a futex wait on a glibc pthread mutex (std::mutex), the owner's tid is stored two ints
    /// after the futex word. Read safely (process_vm_readv: a bad address fails, never faults) and
    /// accepted only if that tid is a live thread of this process. 0 if unknown.
    static pid_t probableFutexOwner(std::uint64_t futexAddress, pid_t waiter);
    /// TracerPid from /proc/self/status: non-zero when a debugger (or strace) is attached.
    static pid_t tracerPid();
    /// The kernel's name of a syscall the watchdog cares about ("futex", "poll", …) or its number.
    static QString syscallName(long number);
};

} // namespace Taskscope::Watchdog
