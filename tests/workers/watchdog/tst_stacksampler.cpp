// Signal-based sampling of another thread's native stack, and its symbolization with libdw.
#include "workers/watchdog/stacksampler.h"
#include "workers/watchdog/symbolizer.h"

#include <QTest>

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

#include <pthread.h>

using namespace Taskscope::Model;
using namespace Taskscope::Watchdog;

using namespace std::chrono_literals;

extern "C++" {
__attribute__((noinline)) void samplerTestInnermostSpin(std::atomic<bool> &stop)
{
    while (!stop.load(std::memory_order_relaxed)) { }
    asm volatile("" ::: "memory");
}

__attribute__((noinline)) void samplerTestInlinedSleep()
{
    std::this_thread::sleep_for(1us);
    asm volatile("" ::: "memory");
}

__attribute__((noinline)) void samplerTestOuterCaller(std::atomic<bool> &stop)
{
    samplerTestInnermostSpin(stop);
    asm volatile("" ::: "memory");
}
}

class TestStackSampler final : public QObject
{
    Q_OBJECT

private slots:
    void sampleStartsAtTheInterruptedFunction();
    void unansweredSampleTimesOut();
    void symbolizerNamesFunctionFileAndLine();
};

void TestStackSampler::sampleStartsAtTheInterruptedFunction()
{
    std::atomic<bool> installed {false};
    std::atomic<bool> stop {false};
    std::thread target([&] {
        QVERIFY(StackSampler::install());
        installed.store(true);
        samplerTestOuterCaller(stop);
    });
    while (!installed.load())
        std::this_thread::yield();
    QVERIFY(StackSampler::signalNumber() >= SIGRTMIN);
    Symbolizer symbolizer;
    symbolizer.prewarm();
    int found = 0;
    int answered = 0;
    for (int i = 0; i < 20; ++i) {
        RawStack raw;
        if (!StackSampler::sample(&raw))
            continue;
        ++answered;
        QVERIFY(raw.depth >= 3);
        QVERIFY(raw.roundTripNs > 0);
        AlertStackFrame top = symbolizer.symbolize(std::uint64_t(reinterpret_cast<std::uintptr_t>(raw.frames[0])),
                                                   false);
        AlertStackFrame caller = symbolizer.symbolize(std::uint64_t(reinterpret_cast<std::uintptr_t>(raw.frames[1])),
                                                      true);
        // No signal-handler frames on top: the spin loop itself is frame 0.
        QVERIFY2(!top.function.contains(u"sampleHandler") && !top.function.contains(u"restore_rt"),
                 qPrintable(top.function));
#ifndef __OPTIMIZE__
        // Unoptimised builds call std::atomic<bool>::load and its helpers out of line: step over
        // those standard-library frames to the spin.
        for (int next = 2; top.function.startsWith(u"std::") && next < raw.depth && next < 5; ++next) {
            top = caller;
            caller = symbolizer.symbolize(std::uint64_t(reinterpret_cast<std::uintptr_t>(raw.frames[next])), true);
        }
#endif
        if (top.function.contains(u"samplerTestInnermostSpin") && caller.function.contains(u"samplerTestOuterCaller"))
            ++found;
        std::this_thread::sleep_for(2ms);
    }
    stop.store(true);
    target.join();
    StackSampler::uninstall();
    QVERIFY(answered >= 15);
    QVERIFY(found >= answered - 2); // a sample may land on the loop's atomic load in a caller frame
}

void TestStackSampler::unansweredSampleTimesOut()
{
    std::atomic<bool> installed {false};
    std::atomic<bool> unblock {false};
    std::thread target([&] {
        QVERIFY(StackSampler::install());
        // Block the sampling signal: the request stays pending, like a thread in uninterruptible sleep.
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, StackSampler::signalNumber());
        pthread_sigmask(SIG_BLOCK, &set, nullptr);
        installed.store(true);
        while (!unblock.load())
            std::this_thread::sleep_for(1ms);
        pthread_sigmask(SIG_UNBLOCK, &set, nullptr); // the late signal is delivered and ignored
        std::this_thread::sleep_for(20ms);
    });
    while (!installed.load())
        std::this_thread::yield();
    const quint64 lateBefore = StackSampler::lateAnswers();
    RawStack raw;
    QVERIFY(!StackSampler::sample(&raw, 20'000'000));
    unblock.store(true);
    target.join();
    StackSampler::uninstall();
    QCOMPARE(StackSampler::lateAnswers(), lateBefore + 1);
    QVERIFY(!StackSampler::sample(&raw)); // not installed: refused
}

void TestStackSampler::symbolizerNamesFunctionFileAndLine()
{
    Symbolizer symbolizer;
    QVERIFY(symbolizer.prewarm() > 0);
    const auto address = std::uint64_t(reinterpret_cast<std::uintptr_t>(&samplerTestOuterCaller));
    const AlertStackFrame frame = symbolizer.symbolize(address, false);
    QCOMPARE(frame.function, QStringLiteral("samplerTestOuterCaller(std::atomic<bool>&)"));
    QVERIFY2(frame.file.endsWith(u"tst_stacksampler.cpp"), qPrintable(frame.file));
    QVERIFY(frame.line > 0);
    QVERIFY(frame.module.endsWith(u"tst_stacksampler"));
    QCOMPARE(symbolizer.cacheSize(), 1);
    QCOMPARE(symbolizer.symbolize(address, false).function, frame.function); // cached
    // Code inlined into a function is reported at its call site in that function (optimised builds
    // only: without optimisation nothing is inlined).
#ifdef __OPTIMIZE__
    const auto inlinedAddress = std::uint64_t(reinterpret_cast<std::uintptr_t>(&samplerTestInlinedSleep));
    bool sawCallSite = false;
    for (std::uint64_t offset = 0; offset < 64 && !sawCallSite; ++offset) {
        const AlertStackFrame f = symbolizer.symbolize(inlinedAddress + offset, false);
        sawCallSite = f.function.startsWith(u"samplerTestInlinedSleep") && f.file.endsWith(u"tst_stacksampler.cpp")
            && !f.inlined.isEmpty();
    }
    QVERIFY(sawCallSite);
#endif
    // A libc function comes back demangled-or-plain with its module.
    const AlertStackFrame libc = symbolizer.symbolize(std::uint64_t(reinterpret_cast<std::uintptr_t>(&::getpid)),
                                                      false);
    QVERIFY2(libc.module.contains(u"libc"), qPrintable(libc.module));
    // Garbage is "??", not a crash.
    QCOMPARE(symbolizer.symbolize(0x10, false).function, QStringLiteral("??"));
}

QTEST_GUILESS_MAIN(TestStackSampler)
#include "tst_stacksampler.moc"
