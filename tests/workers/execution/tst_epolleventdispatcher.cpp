// The epoll event dispatcher against what Qt code relies on: zero, precise and coarse timers, posted
// events, nested loops, notifiers toggled inside their own activation, wakeUp() and interrupt()
// from other threads, thousands of fds, a socket closed while its readiness is pending, and real
// QTcpSocket / QWebSocket traffic. The whole test runs on the dispatcher (installed in main()).
#include "workers/execution/epolleventdispatcher.h"
#include "workers/execution/eventloopchoice.h"
#include "workers/execution/socketnotifierset.h"
#include "workers/execution/workerthread.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>
#include <QtTest>

#include <atomic>
#include <memory>
#include <numeric>
#include <thread>
#include <vector>

#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

using namespace Taskscope::Execution;

using Taskscope::Execution::EpollEventDispatcher;
using Taskscope::Execution::EventLoopChoice;
using Taskscope::Execution::SocketNotifierSet;

namespace {

struct SocketPair
{
    int fds[2] = {-1, -1};
    SocketPair() { socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds); }
    ~SocketPair() { closeBoth(); }
    Q_DISABLE_COPY_MOVE(SocketPair)
    bool ok() const { return fds[0] >= 0 && fds[1] >= 0; }
    void closeBoth()
    {
        for (int &fd : fds) {
            if (fd >= 0)
                ::close(fd);
            fd = -1;
        }
    }
};

void writeByte(int fd)
{
    const char c = 'x';
    QCOMPARE(::write(fd, &c, 1), ssize_t(1));
}

void drain(int fd)
{
    char buffer[256];
    while (::read(fd, buffer, sizeof buffer) > 0) { }
}

EpollEventDispatcher *dispatcher()
{
    return qobject_cast<EpollEventDispatcher *>(QAbstractEventDispatcher::instance());
}

} // namespace

class TestEpollEventDispatcher : public QObject
{
    Q_OBJECT

private slots:
    void installedOnThisThread();
    void zeroTimersRunEveryPassWithoutStarvingPostedEvents();
    void timersFireInDeadlineOrder_data();
    void timersFireInDeadlineOrder();
    void repeatingTimerKeepsItsInterval_data();
    void repeatingTimerKeepsItsInterval();
    void timerInfoAndRemainingTime();
    void nestedLoopRunsInsideATimerWithoutReenteringIt();
    void notifierToggledInsideItsOwnActivation();
    void wakeUpFromAnotherThreadEndsTheWait();
    void interruptFromAnotherThreadEndsTheWait();
    void postedEventFromAnotherThreadIsDelivered();
    void thousandsOfFdsOnlyReadyOnesActivate();
    void timerFdDueBehindMoreReadySocketsThanOneBatchFiresInTheSamePass();
    void socketClosedWhileItsReadinessIsPending();
    void fdClosedBeforeItsNotifierThenReused();
    void tcpSocketTalksToTcpServer();
    void webSocketTalksToWebSocketServer();
    void workerThreadsGetTheChosenDispatcher_data();
    void workerThreadsGetTheChosenDispatcher();
};

void TestEpollEventDispatcher::installedOnThisThread()
{
    QVERIFY(dispatcher());
    QVERIFY(dispatcher()->isValid());
    QCOMPARE(EventLoopChoice::describe(QAbstractEventDispatcher::instance()), QStringLiteral("epoll"));
}

void TestEpollEventDispatcher::zeroTimersRunEveryPassWithoutStarvingPostedEvents()
{
    int zeroFires = 0;
    int posted = 0;
    QTimer zero;
    zero.setInterval(0);
    connect(&zero, &QTimer::timeout, this, [&] {
        ++zeroFires;
        // A zero timer that posts must not starve what it posts.
        QMetaObject::invokeMethod(
            this, [&] { ++posted; }, Qt::QueuedConnection);
    });
    zero.start();
    QEventLoop loop;
    QTimer::singleShot(50, &loop, &QEventLoop::quit);
    loop.exec();
    zero.stop();
    QVERIFY2(zeroFires > 10, qPrintable(QString::number(zeroFires)));
    QVERIFY(posted >= zeroFires - 1);

    // Single-shot zero timers run in the order they were started.
    std::vector<int> order;
    for (int i = 0; i < 5; ++i)
        QTimer::singleShot(0, this, [&order, i] { order.push_back(i); });
    QTRY_COMPARE(order.size(), std::size_t(5));
    QCOMPARE(order, (std::vector<int> {0, 1, 2, 3, 4}));
}

void TestEpollEventDispatcher::timersFireInDeadlineOrder_data()
{
    QTest::addColumn<Qt::TimerType>("type");
    QTest::addColumn<int>("scaleMs");
    QTest::newRow("precise") << Qt::PreciseTimer << 15;
    QTest::newRow("coarse") << Qt::CoarseTimer << 60;
    QTest::newRow("very coarse") << Qt::VeryCoarseTimer << 1000;
}

void TestEpollEventDispatcher::timersFireInDeadlineOrder()
{
    QFETCH(Qt::TimerType, type);
    QFETCH(int, scaleMs);
    std::vector<int> order;
    std::vector<qint64> at(4, 0);
    QElapsedTimer clock;
    clock.start();
    for (int k : {3, 1, 2}) {
        QTimer::singleShot(k * scaleMs, type, this, [&, k] {
            order.push_back(k);
            at[std::size_t(k)] = clock.elapsed();
        });
    }
    QTRY_COMPARE_WITH_TIMEOUT(order.size(), std::size_t(3), 20'000);
    QCOMPARE(order, (std::vector<int> {1, 2, 3}));
    // Never early (a coarse timer may be late, not early; a very coarse one counts whole seconds).
    const int slackMs = type == Qt::VeryCoarseTimer ? 500 : 1;
    for (int k = 1; k <= 3; ++k)
        QVERIFY2(at[std::size_t(k)] >= k * scaleMs - slackMs, qPrintable(QString::number(at[std::size_t(k)])));
}

void TestEpollEventDispatcher::repeatingTimerKeepsItsInterval_data()
{
    QTest::addColumn<Qt::TimerType>("type");
    QTest::addColumn<int>("intervalMs");
    QTest::newRow("precise 10 ms") << Qt::PreciseTimer << 10;
    QTest::newRow("coarse 40 ms") << Qt::CoarseTimer << 40;
}

void TestEpollEventDispatcher::repeatingTimerKeepsItsInterval()
{
    QFETCH(Qt::TimerType, type);
    QFETCH(int, intervalMs);
    QTimer timer;
    timer.setTimerType(type);
    timer.setInterval(intervalMs);
    int fires = 0;
    QElapsedTimer clock;
    connect(&timer, &QTimer::timeout, this, [&] { ++fires; });
    clock.start();
    timer.start();
    QTRY_VERIFY_WITH_TIMEOUT(fires >= 10, 20'000);
    timer.stop();
    // Ten expiries take at least ten intervals (drift-free, never early); the upper bound only
    // catches a timer that fires once per some unrelated wake-up.
    QVERIFY2(clock.elapsed() >= 10 * intervalMs - 2, qPrintable(QString::number(clock.elapsed())));
    QVERIFY2(clock.elapsed() < 10 * intervalMs * 20, qPrintable(QString::number(clock.elapsed())));
}

void TestEpollEventDispatcher::timerInfoAndRemainingTime()
{
    QObject owner;
    const int id = owner.startTimer(std::chrono::milliseconds(5000), Qt::PreciseTimer);
    const int other = owner.startTimer(std::chrono::milliseconds(100), Qt::CoarseTimer);
    const auto timers = dispatcher()->registeredTimers(&owner);
    QCOMPARE(timers.size(), 2);
    const int remaining = dispatcher()->remainingTime(id);
    QVERIFY2(remaining > 4000 && remaining <= 5000, qPrintable(QString::number(remaining)));
    owner.killTimer(other);
    QCOMPARE(dispatcher()->registeredTimers(&owner).size(), 1);
    QCOMPARE(dispatcher()->remainingTime(other), -1);
    QVERIFY(dispatcher()->unregisterTimers(&owner));
    QVERIFY(dispatcher()->registeredTimers(&owner).isEmpty());
}

void TestEpollEventDispatcher::nestedLoopRunsInsideATimerWithoutReenteringIt()
{
    // A modal dialog's shape: a repeating timer whose handler runs a nested loop; inside it,
    // other timers, posted events and sockets keep working, and the timer is not re-entered.
    QTimer outer;
    outer.setInterval(5);
    int outerFires = 0;
    int depth = 0;
    int maxDepth = 0;
    int innerTicks = 0;
    bool socketSeen = false;
    SocketPair pair;
    QVERIFY(pair.ok());
    QSocketNotifier notifier(pair.fds[0], QSocketNotifier::Read);
    connect(&notifier, &QSocketNotifier::activated, this, [&] {
        drain(pair.fds[0]);
        socketSeen = true;
    });
    connect(&outer, &QTimer::timeout, this, [&] {
        ++outerFires;
        maxDepth = std::max(maxDepth, ++depth);
        if (outerFires == 1) {
            QEventLoop nested;
            QTimer tick;
            tick.setInterval(2);
            connect(&tick, &QTimer::timeout, &nested, [&] {
                if (++innerTicks == 10)
                    nested.quit();
            });
            tick.start();
            writeByte(pair.fds[1]);
            nested.exec();
        }
        --depth;
    });
    outer.start();
    QTRY_VERIFY(outerFires >= 3);
    outer.stop();
    QCOMPARE(maxDepth, 1);
    QCOMPARE(innerTicks, 10);
    QVERIFY(socketSeen);
}

void TestEpollEventDispatcher::notifierToggledInsideItsOwnActivation()
{
    SocketPair pair;
    QVERIFY(pair.ok());
    QSocketNotifier reader(pair.fds[0], QSocketNotifier::Read);
    int reads = 0;
    connect(&reader, &QSocketNotifier::activated, this, [&] {
        ++reads;
        // Off and on again inside its own activation, as QAbstractSocket does while it reads.
        reader.setEnabled(false);
        drain(pair.fds[0]);
        reader.setEnabled(true);
    });
    writeByte(pair.fds[1]);
    QTRY_COMPARE(reads, 1);
    writeByte(pair.fds[1]);
    QTRY_COMPARE(reads, 2);

    // A write notifier on the same fd that turns itself off: activated once, then never again
    // while it is off, although the fd stays writable; on again, it fires again.
    QSocketNotifier writer(pair.fds[0], QSocketNotifier::Write);
    int writes = 0;
    connect(&writer, &QSocketNotifier::activated, this, [&] {
        ++writes;
        writer.setEnabled(false);
    });
    QTRY_COMPARE(writes, 1);
    QTest::qWait(30);
    QCOMPARE(writes, 1);
    writer.setEnabled(true);
    QTRY_COMPARE(writes, 2);
    // The reader still works with the writer gone.
    writeByte(pair.fds[1]);
    QTRY_COMPARE(reads, 3);
}

void TestEpollEventDispatcher::wakeUpFromAnotherThreadEndsTheWait()
{
    EpollEventDispatcher *d = dispatcher();
    std::atomic<bool> woken {false};
    // Nothing else to wait for but a far guard timer: only the wake-up can end these waits early.
    bool guardFired = false;
    QTimer guard;
    guard.setSingleShot(true);
    connect(&guard, &QTimer::timeout, this, [&] { guardFired = true; });
    guard.start(20'000);
    std::thread waker([d, &woken] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        woken = true;
        d->wakeUp();
    });
    while (!woken.load() && !guardFired)
        d->processEvents(QEventLoop::WaitForMoreEvents);
    waker.join();
    QVERIFY(!guardFired);
}

void TestEpollEventDispatcher::interruptFromAnotherThreadEndsTheWait()
{
    EpollEventDispatcher *d = dispatcher();
    std::atomic<bool> interrupted {false};
    bool guardFired = false;
    QTimer guard;
    guard.setSingleShot(true);
    connect(&guard, &QTimer::timeout, this, [&] { guardFired = true; });
    guard.start(20'000);
    std::thread other([d, &interrupted] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        interrupted = true;
        d->interrupt();
    });
    while (!interrupted.load() && !guardFired)
        d->processEvents(QEventLoop::WaitForMoreEvents);
    other.join();
    QVERIFY(!guardFired);

    // QEventLoop::exit() from another thread reaches a running loop through interrupt().
    QEventLoop loop;
    std::thread quitter([&loop] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        loop.exit(7);
    });
    QCOMPARE(loop.exec(), 7);
    quitter.join();
}

void TestEpollEventDispatcher::postedEventFromAnotherThreadIsDelivered()
{
    int delivered = 0;
    std::thread poster([this, &delivered] {
        for (int i = 0; i < 100; ++i)
            QMetaObject::invokeMethod(
                this, [&delivered] { ++delivered; }, Qt::QueuedConnection);
    });
    poster.join();
    QTRY_COMPARE(delivered, 100);
}

void TestEpollEventDispatcher::thousandsOfFdsOnlyReadyOnesActivate()
{
    constexpr int Pairs = 2000;
    rlimit limit {};
    getrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_cur < rlim_t(2 * Pairs + 100)) {
        limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, 2 * Pairs + 200);
        setrlimit(RLIMIT_NOFILE, &limit);
        getrlimit(RLIMIT_NOFILE, &limit);
    }
    if (limit.rlim_cur < rlim_t(2 * Pairs + 100))
        QSKIP("RLIMIT_NOFILE's hard limit is below 4,100 descriptors here");
    std::vector<std::unique_ptr<SocketPair>> pairs;
    std::vector<std::unique_ptr<QSocketNotifier>> notifiers;
    std::vector<int> hits(Pairs, 0);
    const int before = dispatcher()->watchedFds();
    for (int i = 0; i < Pairs; ++i) {
        pairs.push_back(std::make_unique<SocketPair>());
        QVERIFY(pairs.back()->ok());
        notifiers.push_back(std::make_unique<QSocketNotifier>(pairs.back()->fds[0], QSocketNotifier::Read));
        connect(notifiers.back().get(), &QSocketNotifier::activated, this, [&hits, &pairs, i] {
            ++hits[std::size_t(i)];
            drain(pairs[std::size_t(i)]->fds[0]);
        });
    }
    QCOMPARE(dispatcher()->watchedFds(), before + Pairs);
    int expected = 0;
    for (int i = 0; i < Pairs; i += 17) {
        writeByte(pairs[std::size_t(i)]->fds[1]);
        ++expected;
    }
    QTRY_COMPARE(std::accumulate(hits.begin(), hits.end(), 0), expected);
    for (int i = 0; i < Pairs; ++i)
        QCOMPARE(hits[std::size_t(i)], i % 17 == 0 ? 1 : 0);
    notifiers.clear();
    QCOMPARE(dispatcher()->watchedFds(), before);
}

void TestEpollEventDispatcher::timerFdDueBehindMoreReadySocketsThanOneBatchFiresInTheSamePass()
{
    // The pacer's timerfd is one more fd in the set. It becomes ready after more sockets than one
    // epoll_wait returns, so the kernel lists it last: one processEvents() must still deliver it.
    constexpr int Pairs = SocketNotifierSet::MaxEventsPerWait + 200;
    rlimit limit {};
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_max < rlim_t(2 * Pairs + 100))
        QSKIP("RLIMIT_NOFILE's hard limit is too low for 2,448 descriptors here");
    std::vector<std::unique_ptr<SocketPair>> pairs;
    std::vector<std::unique_ptr<QSocketNotifier>> notifiers;
    int socketHits = 0;
    for (int i = 0; i < Pairs; ++i) {
        pairs.push_back(std::make_unique<SocketPair>());
        QVERIFY(pairs.back()->ok());
        notifiers.push_back(std::make_unique<QSocketNotifier>(pairs.back()->fds[0], QSocketNotifier::Read));
        connect(notifiers.back().get(), &QSocketNotifier::activated, this, [&socketHits, &pairs, i] {
            ++socketHits;
            drain(pairs[std::size_t(i)]->fds[0]);
        });
    }
    const int timerFd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    QVERIFY(timerFd >= 0);
    QSocketNotifier timerNotifier(timerFd, QSocketNotifier::Read);
    int timerHits = 0;
    connect(&timerNotifier, &QSocketNotifier::activated, this, [&timerHits, timerFd] {
        std::uint64_t expirations = 0;
        if (::read(timerFd, &expirations, sizeof expirations) == ssize_t(sizeof expirations))
            ++timerHits;
    });
    QCoreApplication::processEvents(); // registrations applied, nothing ready

    for (const auto &pair : pairs)
        writeByte(pair->fds[1]);
    itimerspec due {};
    due.it_value.tv_nsec = 1; // relative: expires at once, after the sockets became ready
    QCOMPARE(timerfd_settime(timerFd, 0, &due, nullptr), 0);
    pollfd pfd {timerFd, POLLIN, 0};
    QCOMPARE(::poll(&pfd, 1, 5000), 1);

    QCoreApplication::processEvents(); // one pass
    QCOMPARE(timerHits, 1);
    QCOMPARE(socketHits, Pairs);
    notifiers.clear();
    ::close(timerFd);
}

void TestEpollEventDispatcher::socketClosedWhileItsReadinessIsPending()
{
    // Both sockets are ready in the same pass; the first handler deletes the other's notifier,
    // closes its fd and opens a new socket (which may get the same number) with a new notifier.
    // Neither the dead notifier nor the new one may see the stale readiness.
    auto a = std::make_unique<SocketPair>();
    auto b = std::make_unique<SocketPair>();
    QVERIFY(a->ok() && b->ok());
    auto na = std::make_unique<QSocketNotifier>(a->fds[0], QSocketNotifier::Read);
    auto nb = std::make_unique<QSocketNotifier>(b->fds[0], QSocketNotifier::Read);
    std::unique_ptr<SocketPair> replacement;
    std::unique_ptr<QSocketNotifier> nr;
    int firstHits = 0;
    int staleHits = 0;
    int replacementHits = 0;
    auto onFirst = [&](std::unique_ptr<SocketPair> &mine, std::unique_ptr<SocketPair> &other,
                       std::unique_ptr<QSocketNotifier> &otherNotifier) {
        ++firstHits;
        drain(mine->fds[0]);
        otherNotifier.reset();
        other.reset();
        replacement = std::make_unique<SocketPair>();
        nr = std::make_unique<QSocketNotifier>(replacement->fds[0], QSocketNotifier::Read);
        connect(nr.get(), &QSocketNotifier::activated, this, [&] {
            ++replacementHits;
            drain(replacement->fds[0]);
        });
    };
    connect(na.get(), &QSocketNotifier::activated, this, [&] {
        if (firstHits == 0)
            onFirst(a, b, nb);
        else
            ++staleHits;
    });
    connect(nb.get(), &QSocketNotifier::activated, this, [&] {
        if (firstHits == 0)
            onFirst(b, a, na);
        else
            ++staleHits;
    });
    writeByte(a->fds[1]);
    writeByte(b->fds[1]);
    QTRY_COMPARE(firstHits, 1);
    QTest::qWait(30);
    QCOMPARE(staleHits, 0);
    QCOMPARE(replacementHits, 0);
    writeByte(replacement->fds[1]);
    QTRY_COMPARE(replacementHits, 1);
}

void TestEpollEventDispatcher::fdClosedBeforeItsNotifierThenReused()
{
    // The kernel drops a closed fd from the epoll set by itself; removing the notifier afterwards
    // must be harmless, and a new socket on the same number must be watched.
    auto first = std::make_unique<SocketPair>();
    QVERIFY(first->ok());
    auto notifier = std::make_unique<QSocketNotifier>(first->fds[0], QSocketNotifier::Read);
    first->closeBoth();
    notifier.reset();
    SocketPair second;
    QVERIFY(second.ok());
    QSocketNotifier again(second.fds[0], QSocketNotifier::Read);
    int hits = 0;
    connect(&again, &QSocketNotifier::activated, this, [&] {
        ++hits;
        drain(second.fds[0]);
    });
    writeByte(second.fds[1]);
    QTRY_COMPARE(hits, 1);
}

void TestEpollEventDispatcher::tcpSocketTalksToTcpServer()
{
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    connect(&server, &QTcpServer::newConnection, this, [&server] {
        QTcpSocket *peer = server.nextPendingConnection();
        connect(peer, &QTcpSocket::readyRead, peer, [peer] { peer->write(peer->readAll().toUpper()); });
    });
    QTcpSocket client;
    QByteArray received;
    connect(&client, &QTcpSocket::readyRead, this, [&] { received += client.readAll(); });
    client.connectToHost(QHostAddress::LocalHost, server.serverPort());
    QSignalSpy connected(&client, &QTcpSocket::connected);
    QVERIFY(connected.wait());
    // Larger than a socket buffer: the write notifier is toggled on and off many times.
    const QByteArray payload = QByteArray(4 * 1024 * 1024, 'a');
    client.write(payload);
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), payload.size(), 30'000);
    QCOMPARE(received, payload.toUpper());
}

void TestEpollEventDispatcher::webSocketTalksToWebSocketServer()
{
    QWebSocketServer server(QStringLiteral("echo"), QWebSocketServer::NonSecureMode);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    connect(&server, &QWebSocketServer::newConnection, this, [&server] {
        QWebSocket *peer = server.nextPendingConnection();
        connect(peer, &QWebSocket::binaryMessageReceived, peer,
                [peer](const QByteArray &message) { peer->sendBinaryMessage(message); });
    });
    QWebSocket client;
    QSignalSpy connected(&client, &QWebSocket::connected);
    QList<QByteArray> echoes;
    connect(&client, &QWebSocket::binaryMessageReceived, this, [&](const QByteArray &m) { echoes.append(m); });
    client.open(server.serverUrl());
    QVERIFY(connected.wait());
    for (int i = 0; i < 50; ++i)
        client.sendBinaryMessage(QByteArray(640, char('a' + i % 26)));
    QTRY_COMPARE(echoes.size(), 50);
    QCOMPARE(echoes.at(49), QByteArray(640, char('a' + 49 % 26)));
    client.close();
}

void TestEpollEventDispatcher::workerThreadsGetTheChosenDispatcher_data()
{
    QTest::addColumn<QString>("choice");
    QTest::addColumn<QString>("expected");
    QTest::newRow("epoll") << QStringLiteral("epoll") << QStringLiteral("epoll");
    QTest::newRow("qt") << QStringLiteral("qt") << QStringLiteral("unix");
}

void TestEpollEventDispatcher::workerThreadsGetTheChosenDispatcher()
{
    QFETCH(QString, choice);
    QFETCH(QString, expected);
    const auto kind = EventLoopChoice::parse(choice);
    QVERIFY(kind);
    QVERIFY(!EventLoopChoice::parse(QStringLiteral("poll")));
    const EventLoopChoice::Kind saved = EventLoopChoice::current();
    EventLoopChoice::setCurrent(*kind);
    QString seen;
    {
        WorkerThread thread(QStringLiteral("choice"));
        std::atomic<bool> ran {false};
        thread.post([&] {
            seen = EventLoopChoice::describe(QAbstractEventDispatcher::instance());
            // A timer on the worker's loop works on either dispatcher.
            QTimer::singleShot(1, [&ran] { ran = true; });
        });
        QTRY_VERIFY(ran.load());
    }
    EventLoopChoice::setCurrent(saved);
    // QT_NO_GLIB is not set for tests, so Qt's own may be glib.
    if (expected == u"unix")
        QVERIFY2(seen == u"unix" || seen == u"glib", qPrintable(seen));
    else
        QCOMPARE(seen, expected);
}

int main(int argc, char *argv[])
{
    QCoreApplication::setEventDispatcher(new EpollEventDispatcher);
    QCoreApplication app(argc, argv);
    TestEpollEventDispatcher test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_epolleventdispatcher.moc"
