#pragma once

#include <QtGlobal>

#include <cstdint>

#include <sys/types.h>

namespace Taskscope::Watchdog {

/// One raw native stack of the observed thread: return addresses, innermost first.
struct RawStack
{
    static constexpr int MaxFrames = 64;
    std::uint64_t ticks = 0; ///< TraceClock ticks when the handler ran
    qint64 roundTripNs = 0; ///< signal sent to the addresses being back
    qint64 captureDelayNs = 0; ///< signal sent to the stack captured (the skew of the evidence)
    int depth = 0;
    void *frames[MaxFrames] = {};
};

/// Samples one thread's native stack from another thread: pthread_kill with a real-time signal; the
/// handler (on the target thread) writes raw return addresses with glibc backtrace() into a
/// preallocated slot and posts a semaphore. Nothing in the handler allocates or locks: backtrace()
/// is warmed up once at install (its first call dlopens libgcc_s), and on Debian 12 libgcc finds
/// unwind tables with _dl_find_object, which takes no loader lock.
///
/// Signal-handler frames are dropped: the stack starts at the interrupted instruction (taken from
/// the signal's ucontext). Process-wide: one sampled thread at a time.
class StackSampler final
{
public:
    StackSampler() = delete;

    /// On the thread to be sampled. Picks a free real-time signal (SIGRTMIN+6 upward). False if none.
    static bool install();
    /// How long sample() yields in a loop for the answer before it sleeps on the semaphore.
    static constexpr qint64 SpinNs = 200'000;
    static void uninstall();
    static bool isInstalled();
    static int signalNumber();
    static pid_t targetTid();

    /// Any other thread. Waits at most timeoutNs for the handler; false if it did not answer (the
    /// thread may be in uninterruptible sleep or stopped). Not reentrant: one sampler thread.
    static bool sample(RawStack *out, qint64 timeoutNs = 50'000'000);

    /// Samples answered late (after their sample() gave up); they are discarded.
    static quint64 lateAnswers();
};

} // namespace Taskscope::Watchdog
