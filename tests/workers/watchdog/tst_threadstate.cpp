// Kernel-level thread states read from /proc: sleeping, busy, futex waits and their owner, tracer.
#include "workers/watchdog/threadstate.h"

#include <QTest>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <thread>

#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace Taskscope::Model;
using namespace Taskscope::Watchdog;

using namespace std::chrono_literals;

class TestThreadState final : public QObject
{
    Q_OBJECT

private slots:
    void sleepingThreadIsSleeping();
    void spinningThreadIsBusyOnCpu();
    void mutexWaitShowsFutexAddressAndOwner();
    void goneThreadIsUnreadable();
    void tracerPidSeesAnAttachedTracer();
};

namespace {

// A thread that reports its tid and then runs `body` until told to stop.
struct Probe
{
    std::atomic<pid_t> tid {0};
    std::atomic<bool> stop {false};
    std::thread thread;

    template<typename Body>
    void start(Body body)
    {
        thread = std::thread([this, body] {
            tid.store(gettid());
            body(*this);
        });
        while (!tid.load())
            std::this_thread::yield();
    }
    ~Probe()
    {
        stop.store(true);
        if (thread.joinable())
            thread.join();
    }
};

} // namespace

void TestThreadState::sleepingThreadIsSleeping()
{
    Probe probe;
    probe.start([](Probe &p) {
        while (!p.stop.load())
            std::this_thread::sleep_for(20ms);
    });
    QTest::qWait(50);
    const ThreadStateSample sample = ThreadStateReader::read(probe.tid);
    QVERIFY(sample.valid);
    QCOMPARE(sample.state, 'S');
    const AlertThreadState state = ThreadStateReader::describe(probe.tid, sample);
    QVERIFY2(state.summary.startsWith(u"sleeping"), qPrintable(state.summary));
    QCOMPARE(state.tid, qint64(probe.tid));
}

void TestThreadState::spinningThreadIsBusyOnCpu()
{
    Probe probe;
    probe.start([](Probe &p) {
        volatile std::uint64_t x = 0;
        while (!p.stop.load())
            x = x + 1;
    });
    QTest::qWait(20);
    const ThreadStateSample first = ThreadStateReader::read(probe.tid);
    QTest::qWait(200);
    const ThreadStateSample second = ThreadStateReader::read(probe.tid);
    QVERIFY(second.runNs > first.runNs);
    const AlertThreadState state = ThreadStateReader::describe(probe.tid, second, &first);
    QCOMPARE(state.state, QStringLiteral("R"));
    // On a busy machine the spinner may be starved; either way it is runnable, not waiting.
    QVERIFY2(state.summary.startsWith(u"busy on CPU") || state.summary.startsWith(u"CPU-starved"),
             qPrintable(state.summary));
    QVERIFY(state.intervalNs > 0);
    QCOMPARE(state.runNs, qint64(second.runNs - first.runNs));
}

void TestThreadState::mutexWaitShowsFutexAddressAndOwner()
{
    std::mutex mutex;
    std::atomic<pid_t> ownerTid {0};
    std::atomic<bool> release {false};
    std::thread owner([&] {
        std::lock_guard lock(mutex);
        ownerTid.store(gettid());
        while (!release.load())
            std::this_thread::sleep_for(5ms);
    });
    while (!ownerTid.load())
        std::this_thread::yield();
    Probe waiter;
    waiter.start([&](Probe &) { std::lock_guard lock(mutex); });
    QTRY_VERIFY(ThreadStateReader::read(waiter.tid).syscall >= 0);
    const ThreadStateSample sample = ThreadStateReader::read(waiter.tid);
    const AlertThreadState state = ThreadStateReader::describe(waiter.tid, sample);
    const pid_t probableOwner = ThreadStateReader::probableFutexOwner(state.futexAddress, waiter.tid);
    release.store(true);
    owner.join();
    QCOMPARE(state.futexAddress, quint64(reinterpret_cast<std::uintptr_t>(&mutex)));
    QVERIFY2(state.summary.contains(u"futex"), qPrintable(state.summary));
    QCOMPARE(ThreadStateReader::syscallName(state.syscall), QStringLiteral("futex"));
    QCOMPARE(probableOwner, ownerTid.load());
    // Read while the owner still held it: recorded before release.
    QCOMPARE(sample.args[0], quint64(reinterpret_cast<std::uintptr_t>(&mutex)));
}

void TestThreadState::goneThreadIsUnreadable()
{
    pid_t tid = 0;
    std::thread gone([&] { tid = gettid(); });
    gone.join();
    // join() returns once the kernel clears the thread's id, a moment before its /proc entry goes.
    QTRY_VERIFY_WITH_TIMEOUT(!ThreadStateReader::read(tid).valid, 5000);
    const ThreadStateSample sample = ThreadStateReader::read(tid);
    QVERIFY(!sample.valid);
    QVERIFY(ThreadStateReader::describe(tid, sample).summary.startsWith(u"unknown"));
    QCOMPARE(ThreadStateReader::probableFutexOwner(0, 1), 0);
    // A wild address fails cleanly instead of faulting.
    QCOMPARE(ThreadStateReader::probableFutexOwner(0x10, 1), 0);
}

void TestThreadState::tracerPidSeesAnAttachedTracer()
{
    QCOMPARE(ThreadStateReader::tracerPid(), 0);
    int ready[2];
    QVERIFY(pipe(ready) == 0);
    const pid_t tracer = fork();
    QVERIFY(tracer >= 0);
    if (tracer == 0) {
        // A minimal debugger: attach without stopping, pass every signal straight back.
        const pid_t parent = getppid();
        const char ok = ptrace(PTRACE_SEIZE, parent, nullptr, nullptr) == 0 ? 'y' : 'n';
        if (write(ready[1], &ok, 1) != 1 || ok != 'y')
            _exit(1);
        for (;;) {
            int status = 0;
            if (waitpid(parent, &status, __WALL) < 0) {
                pause();
                continue;
            }
            if (WIFSTOPPED(status))
                ptrace(PTRACE_CONT, parent, nullptr, reinterpret_cast<void *>(std::intptr_t(WSTOPSIG(status))));
        }
    }
    char ok = 0;
    QCOMPARE(read(ready[0], &ok, 1), ssize_t(1));
    const pid_t seen = ThreadStateReader::tracerPid();
    kill(tracer, SIGKILL);
    waitpid(tracer, nullptr, 0);
    ::close(ready[0]);
    ::close(ready[1]);
    QCOMPARE(ok, 'y');
    QCOMPARE(seen, tracer);
    QCOMPARE(ThreadStateReader::tracerPid(), 0);
}

QTEST_GUILESS_MAIN(TestThreadState)
#include "tst_threadstate.moc"
