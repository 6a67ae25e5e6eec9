#include "workers/watchdog/stacksampler.h"

#include "model/trace/traceclock.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <thread>

#include <execinfo.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <ucontext.h>
#include <unistd.h>

using Taskscope::Trace::TraceClock;

namespace Taskscope::Watchdog {

namespace {

struct SamplerState
{
    std::atomic<bool> installed {false};
    std::atomic<std::uint64_t> armed {0}; // the request being waited for, 0 none
    std::atomic<std::uint64_t> answered {0}; // the request the slot holds
    std::uint64_t nextRequest = 0;
    std::atomic<quint64> lateAnswers {0};
    pthread_t target {};
    pid_t tid = 0;
    int signal = 0;
    sem_t posted;
    // Written by the handler for an armed request only, read after its sem_post.
    void *scratch[RawStack::MaxFrames + 8] = {};
    void *frames[RawStack::MaxFrames] = {};
    int depth = 0;
    std::uint64_t ticks = 0;
};

SamplerState g_sampler;
thread_local constinit bool t_isTarget __attribute__((tls_model("initial-exec"))) = false;

std::uint64_t interruptedPc(void *context)
{
#if defined(__x86_64__)
    return std::uint64_t(static_cast<ucontext_t *>(context)->uc_mcontext.gregs[REG_RIP]);
#elif defined(__aarch64__)
    return std::uint64_t(static_cast<ucontext_t *>(context)->uc_mcontext.pc);
#else
    Q_UNUSED(context);
    return 0;
#endif
}

void sampleHandler(int, siginfo_t *, void *context)
{
    if (!t_isTarget)
        return;
    const int savedErrno = errno;
    const std::uint64_t request = g_sampler.armed.exchange(0, std::memory_order_acq_rel);
    if (!request) {
        // A duplicate or late signal: its request was already answered or abandoned.
        g_sampler.lateAnswers.fetch_add(1, std::memory_order_relaxed);
        errno = savedErrno;
        return;
    }
    const int captured = backtrace(g_sampler.scratch, RawStack::MaxFrames + 8);
    // Drop the handler and the signal trampoline: start at the interrupted instruction.
    const std::uint64_t pc = interruptedPc(context);
    int first = -1;
    for (int i = 0; i < captured && i < 8; ++i) {
        if (std::uint64_t(g_sampler.scratch[i]) == pc) {
            first = i;
            break;
        }
    }
    int depth = 0;
    if (first < 0) {
        // No unwound frame matches (unusual): keep the interrupted pc, then what follows the trampoline.
        if (pc)
            g_sampler.frames[depth++] = reinterpret_cast<void *>(pc);
        first = qMin(2, captured);
    }
    for (int i = first; i < captured && depth < RawStack::MaxFrames; ++i)
        g_sampler.frames[depth++] = g_sampler.scratch[i];
    g_sampler.depth = depth;
    g_sampler.ticks = TraceClock::ticks();
    g_sampler.answered.store(request, std::memory_order_release);
    sem_post(&g_sampler.posted);
    errno = savedErrno;
}

} // namespace

bool StackSampler::install()
{
    if (g_sampler.installed.load())
        return true;
    // The first backtrace() loads libgcc_s and allocates: do it here, never in the handler.
    void *warm[4];
    backtrace(warm, 4);
    static bool handlerInstalled = false;
    if (!handlerInstalled) {
        sem_init(&g_sampler.posted, 0, 0);
        int chosen = 0;
        for (int sig = SIGRTMIN + 6; sig < SIGRTMAX; ++sig) {
            struct sigaction current;
            std::memset(&current, 0, sizeof current);
            if (sigaction(sig, nullptr, &current) != 0)
                continue;
            if (!(current.sa_flags & SA_SIGINFO) && current.sa_handler == SIG_DFL) {
                chosen = sig;
                break;
            }
        }
        if (!chosen)
            return false;
        struct sigaction action;
        std::memset(&action, 0, sizeof action);
        action.sa_sigaction = &sampleHandler;
        action.sa_flags = SA_SIGINFO | SA_RESTART;
        sigemptyset(&action.sa_mask);
        if (sigaction(chosen, &action, nullptr) != 0)
            return false;
        g_sampler.signal = chosen;
        handlerInstalled = true;
    }
    t_isTarget = true;
    g_sampler.target = pthread_self();
    g_sampler.tid = gettid();
    g_sampler.installed.store(true);
    return true;
}

void StackSampler::uninstall()
{
    // The handler stays installed (as a no-op): a queued real-time signal arriving after the
    // default action came back would terminate the process.
    g_sampler.installed.store(false);
    g_sampler.armed.store(0);
}

bool StackSampler::isInstalled()
{
    return g_sampler.installed.load(std::memory_order_relaxed);
}

int StackSampler::signalNumber()
{
    return g_sampler.signal;
}

pid_t StackSampler::targetTid()
{
    return g_sampler.tid;
}

quint64 StackSampler::lateAnswers()
{
    return g_sampler.lateAnswers.load(std::memory_order_relaxed);
}

bool StackSampler::sample(RawStack *out, qint64 timeoutNs)
{
    if (!g_sampler.installed.load(std::memory_order_acquire))
        return false;
    while (sem_trywait(&g_sampler.posted) == 0) {
        // Posts of earlier requests.
    }
    const std::uint64_t request = ++g_sampler.nextRequest;
    const std::uint64_t startNs = TraceClock::steadyNs();
    const std::uint64_t startTicks = TraceClock::ticks();
    g_sampler.armed.store(request, std::memory_order_release);
    if (pthread_kill(g_sampler.target, g_sampler.signal) != 0) {
        g_sampler.armed.store(0);
        return false;
    }
    auto done = [request] { return g_sampler.answered.load(std::memory_order_acquire) == request; };
    // A short yielding spin first: a watcher asleep on the semaphore is woken by the handler's
    // post through the scheduler, ~70 us on a VM when the target ran on the other CPU (measured:
    // round trip 136 us against a 63 us capture). Yielding, not busy-waiting, so that when the
    // target shares this CPU (a busy machine) it gets it at once; bounded, and only while a
    // suspicion is being sampled.
    bool answered = false;
    const std::uint64_t spinEndTicks = startTicks + std::uint64_t(double(SpinNs) * TraceClock::ticksPerNs());
    while (!(answered = done()) && TraceClock::ticks() < spinEndTicks)
        sched_yield();
    if (!answered) {
        const std::uint64_t deadlineNs = startNs + std::uint64_t(timeoutNs);
        const timespec deadline {time_t(deadlineNs / 1'000'000'000ull), long(deadlineNs % 1'000'000'000ull)};
        while (!(answered = done())) {
            if (sem_clockwait(&g_sampler.posted, CLOCK_MONOTONIC, &deadline) != 0 && errno != EINTR)
                break;
        }
    }
    if (!answered) {
        std::uint64_t expected = request;
        if (g_sampler.armed.compare_exchange_strong(expected, 0))
            return false; // no handler took it; a later delivery will find it disarmed
        // The handler took it just now: it is about to publish.
        const std::uint64_t graceNs = TraceClock::steadyNs() + 5'000'000;
        while (!(answered = done()) && TraceClock::steadyNs() < graceNs)
            std::this_thread::yield();
        if (!answered)
            return false;
    }
    out->roundTripNs = qint64(TraceClock::steadyNs() - startNs);
    out->ticks = g_sampler.ticks;
    out->captureDelayNs = TraceClock::durationNs(g_sampler.ticks - startTicks);
    out->depth = g_sampler.depth;
    std::memcpy(out->frames, g_sampler.frames, sizeof(void *) * std::size_t(out->depth));
    return true;
}

} // namespace Taskscope::Watchdog
