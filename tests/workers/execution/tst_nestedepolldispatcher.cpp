// The UI thread's nested epoll set, installed in front of the platform's dispatcher of a real
// QApplication (offscreen in ctest): the window is still exposed and paints while thousands of
// sockets are notified through the set, a modal dialog's nested loop keeps the sockets flowing,
// notifiers toggled or closed inside activations behave, QTcpSocket works on it, and the process
// tears down with notifiers alive. --event-loop qt leaves the platform's dispatcher alone.
#include "workers/execution/eventloopchoice.h"
#include "workers/execution/mainthreadnesting.h"
#include "workers/execution/nestedepolldispatcher.h"

#include <QApplication>
#include <QDialog>
#include <QEventLoop>
#include <QPainter>
#include <QPointer>
#include <QProcess>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryFile>
#include <QTimer>
#include <QWidget>
#include <QtTest>

#include <memory>
#include <thread>
#include <vector>

#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

using Taskscope::Execution::EventLoopChoice;
using Taskscope::Execution::MainThreadNesting;
using Taskscope::Execution::NestedEpollDispatcher;

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

bool writeByte(int fd)
{
    const char c = 'x';
    return ::write(fd, &c, 1) == 1;
}

// Bytes read until the socket is empty (0 when it was not readable: a stale activation).
int drain(int fd)
{
    char buffer[256];
    int total = 0;
    for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;)
        total += int(n);
    return total;
}

NestedEpollDispatcher *nested()
{
    return qobject_cast<NestedEpollDispatcher *>(QAbstractEventDispatcher::instance());
}

bool raiseFdLimit(rlim_t wanted)
{
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_max < wanted)
        return false;
    limit.rlim_cur = limit.rlim_max;
    return setrlimit(RLIMIT_NOFILE, &limit) == 0;
}

class PaintCounter final : public QWidget
{
public:
    int paints = 0;

protected:
    void paintEvent(QPaintEvent *) override
    {
        ++paints;
        QPainter(this).fillRect(rect(), paints % 2 ? Qt::darkCyan : Qt::darkGray);
    }
};

// A socket pair whose read end re-arms itself: every activation reads and writes the next byte, so
// it fires once per pass of the loop for as long as it is enabled.
class PingPong final
{
public:
    PingPong()
        : notifier(pair.fds[0], QSocketNotifier::Read)
    {
        QObject::connect(&notifier, &QSocketNotifier::activated, &notifier, [this] {
            if (drain(pair.fds[0]) > 0)
                ++hits;
            if (running)
                writeByte(pair.fds[1]);
        });
    }
    void start()
    {
        running = true;
        writeByte(pair.fds[1]);
    }
    SocketPair pair;
    QSocketNotifier notifier;
    bool running = false;
    int hits = 0;
};

// Run as a child process (see teardownWithNotifiersAlive): the application ends while notifiers in
// the nested set, in the platform's dispatcher and a connected QTcpSocket are all still alive.
int teardownChild(int argc, char **argv)
{
    std::vector<std::unique_ptr<SocketPair>> pairs;
    std::vector<std::unique_ptr<QSocketNotifier>> outliving; // deleted after the application
    {
        QApplication app(argc, argv);
        EventLoopChoice::setCurrent(EventLoopChoice::Kind::Epoll);
        if (!MainThreadNesting::install())
            return 3;
        QTcpServer server;
        if (!server.listen(QHostAddress::LocalHost))
            return 4;
        QTcpSocket client;
        client.connectToHost(server.serverAddress(), server.serverPort());
        for (int i = 0; i < 100; ++i) {
            pairs.push_back(std::make_unique<SocketPair>());
            outliving.push_back(std::make_unique<QSocketNotifier>(pairs.back()->fds[0], QSocketNotifier::Read));
            if (i % 2)
                writeByte(pairs.back()->fds[1]); // readiness pending at the end
        }
        auto *owned = new QSocketNotifier(pairs.front()->fds[1], QSocketNotifier::Write, &app);
        Q_UNUSED(owned);
        QTimer::singleShot(100, &app, &QCoreApplication::quit);
        if (app.exec() != 0)
            return 5;
    }
    outliving.clear();
    return 0;
}

} // namespace

class TestNestedEpollDispatcher : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void qtChoiceLeavesPlatformDispatcherAlone();
    void installedInFrontOfPlatformDispatcher();
    void notifierRegisteredBeforeInstallStaysInPlatformDispatcher();
    void regularFileGoesToPlatformDispatcher();
    void timersAndPostedEventsStillRun();
    void wakeUpFromAnotherThread();
    void windowPaintsWhileThousandsOfSocketsAreNotified();
    void modalDialogKeepsSocketsFlowing();
    void nestedLoopInsideActivationDoesNotRedeliver();
    void notifierToggledInsideItsActivation();
    void socketClosedWhileItsReadinessIsPending();
    void tcpSocketEcho();
    void teardownWithNotifiersAlive();

private:
    QAbstractEventDispatcher *m_platform = nullptr;
    SocketPair m_earlyPair;
    std::unique_ptr<QSocketNotifier> m_early; // registered before the nested set was installed
    int m_earlyHits = 0;
};

void TestNestedEpollDispatcher::initTestCase()
{
    QVERIFY(m_earlyPair.ok());
    m_platform = QAbstractEventDispatcher::instance();
    QVERIFY(m_platform);
    m_early = std::make_unique<QSocketNotifier>(m_earlyPair.fds[0], QSocketNotifier::Read);
    connect(m_early.get(), &QSocketNotifier::activated, this, [this] {
        if (drain(m_earlyPair.fds[0]) > 0)
            ++m_earlyHits;
    });
}

void TestNestedEpollDispatcher::qtChoiceLeavesPlatformDispatcherAlone()
{
    EventLoopChoice::setCurrent(EventLoopChoice::Kind::Qt);
    QCOMPARE(MainThreadNesting::installIfChosen(), nullptr);
    QCOMPARE(QAbstractEventDispatcher::instance(), m_platform);
    QCOMPARE(QCoreApplication::eventDispatcher(), m_platform);
}

void TestNestedEpollDispatcher::installedInFrontOfPlatformDispatcher()
{
    EventLoopChoice::setCurrent(EventLoopChoice::Kind::Epoll);
    NestedEpollDispatcher *installed = MainThreadNesting::installIfChosen();
    QVERIFY(installed);
    QVERIFY(installed->isValid());
    QCOMPARE(QAbstractEventDispatcher::instance(), installed);
    QCOMPARE(QCoreApplication::eventDispatcher(), installed);
    QCOMPARE(installed->inner(), m_platform);
    QCOMPARE(m_platform->parent(), installed); // deleted with it, after it
    QCOMPARE(installed->parent(), qApp);
    const QString inner = EventLoopChoice::describe(m_platform);
    QVERIFY2(inner == u"unix" || inner == u"glib", qPrintable(inner));
    QCOMPARE(EventLoopChoice::describe(installed), QStringLiteral("epoll nested in ") + inner);
    QCOMPARE(MainThreadNesting::install(), installed); // twice: the same one, not a second layer
}

void TestNestedEpollDispatcher::notifierRegisteredBeforeInstallStaysInPlatformDispatcher()
{
    QVERIFY(nested());
    const int before = nested()->nestedFds();
    QVERIFY(writeByte(m_earlyPair.fds[1]));
    QTRY_COMPARE(m_earlyHits, 1);
    // Disabling it routes to the dispatcher that has it; enabled again, it is a new registration,
    // which goes to the set like any other.
    m_early->setEnabled(false);
    QCOMPARE(nested()->nestedFds(), before);
    QVERIFY(writeByte(m_earlyPair.fds[1]));
    for (int i = 0; i < 20; ++i)
        QCoreApplication::processEvents();
    QCOMPARE(m_earlyHits, 1);
    m_early->setEnabled(true);
    QCOMPARE(nested()->nestedFds(), before + 1);
    QTRY_COMPARE(m_earlyHits, 2);
    m_early.reset();
    QCOMPARE(nested()->nestedFds(), before);
}

void TestNestedEpollDispatcher::regularFileGoesToPlatformDispatcher()
{
    QTemporaryFile file;
    QVERIFY(file.open());
    const int before = nested()->nestedFds();
    QSocketNotifier notifier(file.handle(), QSocketNotifier::Read);
    int hits = 0;
    connect(&notifier, &QSocketNotifier::activated, this, [&] { ++hits; });
    QCOMPARE(nested()->nestedFds(), before); // epoll refuses regular files; poll() says "ready"
    QTRY_VERIFY(hits > 0);
}

void TestNestedEpollDispatcher::timersAndPostedEventsStillRun()
{
    int zero = 0, timed = 0, posted = 0;
    QTimer repeating;
    repeating.setInterval(2);
    connect(&repeating, &QTimer::timeout, this, [&] { ++timed; });
    repeating.start();
    QTimer::singleShot(0, this, [&] { ++zero; });
    QMetaObject::invokeMethod(
        this, [&] { ++posted; }, Qt::QueuedConnection);
    QCOMPARE(nested()->registeredTimers(&repeating).size(), 1); // through to the platform's
    QVERIFY(nested()->remainingTime(repeating.timerId()) >= 0);
    QTRY_VERIFY(zero == 1 && posted == 1 && timed >= 5);
}

void TestNestedEpollDispatcher::wakeUpFromAnotherThread()
{
    QEventLoop loop;
    std::thread other([&loop] { QMetaObject::invokeMethod(&loop, "quit", Qt::QueuedConnection); });
    // No timer or socket is due: only the other thread's post (and its wakeUp()) ends the wait.
    QTimer guard;
    guard.setSingleShot(true);
    connect(&guard, &QTimer::timeout, &loop, [&loop] { loop.exit(1); });
    guard.start(20000);
    const int code = loop.exec();
    other.join();
    QCOMPARE(code, 0);
}

void TestNestedEpollDispatcher::windowPaintsWhileThousandsOfSocketsAreNotified()
{
    constexpr int Sockets = 2000;
    if (!raiseFdLimit(2 * Sockets + 100))
        QSKIP("RLIMIT_NOFILE's hard limit is below 4,100: cannot open 2,000 socket pairs");
    std::vector<std::unique_ptr<SocketPair>> pairs;
    std::vector<std::unique_ptr<QSocketNotifier>> notifiers;
    std::vector<int> hits(Sockets, 0);
    int distinct = 0;
    int stale = 0;
    const int before = nested()->nestedFds();
    for (int i = 0; i < Sockets; ++i) {
        pairs.push_back(std::make_unique<SocketPair>());
        QVERIFY(pairs.back()->ok());
        notifiers.push_back(std::make_unique<QSocketNotifier>(pairs.back()->fds[0], QSocketNotifier::Read));
        const int fd = pairs.back()->fds[0];
        connect(notifiers.back().get(), &QSocketNotifier::activated, this, [&hits, &distinct, &stale, i, fd] {
            if (drain(fd) == 0) {
                ++stale;
                return;
            }
            if (hits[std::size_t(i)]++ == 0)
                ++distinct;
        });
    }
    QCOMPARE(nested()->nestedFds(), before + Sockets);

    PaintCounter window;
    window.resize(320, 200);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    // Every socket at once: more than one batch, so the level-triggered epoll fd must stay readable
    // in the platform's dispatcher until the rest are delivered.
    const quint64 activationsBefore = nested()->activations();
    for (const auto &pair : pairs)
        QVERIFY(writeByte(pair->fds[1]));
    QTRY_COMPARE_WITH_TIMEOUT(distinct, Sockets, 30000);
    QVERIFY(nested()->activations() - activationsBefore >= 2);
    QCOMPARE(stale, 0);

    // Then steady traffic on a rotating tenth of them while the window repaints.
    int written = 0;
    QTimer writer;
    writer.setInterval(4);
    connect(&writer, &QTimer::timeout, this, [&] {
        for (int k = 0; k < Sockets / 10; ++k, ++written)
            writeByte(pairs[std::size_t(written % Sockets)]->fds[1]);
    });
    QTimer repaint;
    repaint.setInterval(16);
    connect(&repaint, &QTimer::timeout, &window, qOverload<>(&QWidget::update));
    const int paintsBefore = window.paints;
    writer.start();
    repaint.start();
    QTRY_VERIFY_WITH_TIMEOUT(window.paints - paintsBefore >= 20 && written >= 2 * Sockets, 30000);
    writer.stop();
    repaint.stop();
    int totalHits = 0;
    for (int h : hits)
        totalHits += h;
    QVERIFY(totalHits > Sockets);
    QCOMPARE(stale, 0);
    notifiers.clear();
    QCOMPARE(nested()->nestedFds(), before);
}

void TestNestedEpollDispatcher::modalDialogKeepsSocketsFlowing()
{
    PingPong flow;
    QVERIFY(flow.pair.ok());
    QDialog dialog;
    dialog.setModal(true);
    int hitsAtOpen = -1;
    QTimer::singleShot(0, &dialog, [&] {
        hitsAtOpen = flow.hits;
        flow.start();
    });
    QTimer watcher;
    watcher.setInterval(1);
    connect(&watcher, &QTimer::timeout, &dialog, [&] {
        if (hitsAtOpen >= 0 && flow.hits >= hitsAtOpen + 200)
            dialog.accept();
    });
    watcher.start();
    QTimer guard;
    guard.setSingleShot(true);
    connect(&guard, &QTimer::timeout, &dialog, &QDialog::reject);
    guard.start(30000);
    const int result = dialog.exec(); // a nested loop run by Qt's own code
    flow.running = false;
    QCOMPARE(result, int(QDialog::Accepted));
    QVERIFY(flow.hits >= 200);
}

void TestNestedEpollDispatcher::nestedLoopInsideActivationDoesNotRedeliver()
{
    SocketPair a, b;
    QVERIFY(a.ok() && b.ok());
    QSocketNotifier onA(a.fds[0], QSocketNotifier::Read), onB(b.fds[0], QSocketNotifier::Read);
    int aHits = 0, bHits = 0, bStale = 0;
    QEventLoop *innerLoop = nullptr;
    connect(&onB, &QSocketNotifier::activated, this, [&] {
        if (drain(b.fds[0]) == 0)
            ++bStale;
        else
            ++bHits;
        if (innerLoop)
            innerLoop->quit();
    });
    connect(&onA, &QSocketNotifier::activated, this, [&] {
        drain(a.fds[0]);
        ++aHits;
        if (bHits > 0)
            return; // b came first in the batch: nothing to wait for
        // b's readiness was in the same batch as a's: a nested loop delivers it; the outer batch
        // must then not deliver it again.
        QEventLoop loop;
        innerLoop = &loop;
        QTimer::singleShot(20000, &loop, &QEventLoop::quit);
        loop.exec();
        innerLoop = nullptr;
    });
    QVERIFY(writeByte(a.fds[1]));
    QVERIFY(writeByte(b.fds[1]));
    QTRY_VERIFY(aHits == 1 && bHits == 1);
    for (int i = 0; i < 20; ++i)
        QCoreApplication::processEvents();
    QCOMPARE(aHits, 1);
    QCOMPARE(bHits, 1);
    QCOMPARE(bStale, 0);
}

void TestNestedEpollDispatcher::notifierToggledInsideItsActivation()
{
    SocketPair pair;
    QVERIFY(pair.ok());
    QSocketNotifier notifier(pair.fds[0], QSocketNotifier::Read);
    int hits = 0;
    // Disables itself without reading: the data stays, so only re-enabling can bring it back.
    connect(&notifier, &QSocketNotifier::activated, this, [&] {
        ++hits;
        notifier.setEnabled(false);
    });
    PingPong passes; // counts passes of the loop
    passes.start();
    QVERIFY(writeByte(pair.fds[1]));
    QTRY_COMPARE(hits, 1);
    const int passesAtDisable = passes.hits;
    QTRY_VERIFY(passes.hits >= passesAtDisable + 50);
    QCOMPARE(hits, 1);
    notifier.setEnabled(true);
    QTRY_COMPARE(hits, 2);

    // A write notifier that turns itself off and on inside one activation keeps working.
    SocketPair other;
    QSocketNotifier writable(other.fds[0], QSocketNotifier::Write);
    int writes = 0;
    connect(&writable, &QSocketNotifier::activated, this, [&] {
        ++writes;
        writable.setEnabled(false);
        writable.setEnabled(writes < 5);
    });
    QTRY_COMPARE(writes, 5);
    const int passesAtStop = passes.hits;
    QTRY_VERIFY(passes.hits >= passesAtStop + 50);
    QCOMPARE(writes, 5);
    passes.running = false;
}

void TestNestedEpollDispatcher::socketClosedWhileItsReadinessIsPending()
{
    auto x = std::make_unique<SocketPair>(), y = std::make_unique<SocketPair>();
    auto onX = std::make_unique<QSocketNotifier>(x->fds[0], QSocketNotifier::Read);
    auto onY = std::make_unique<QSocketNotifier>(y->fds[0], QSocketNotifier::Read);
    std::unique_ptr<SocketPair> reused;
    std::unique_ptr<QSocketNotifier> onReused;
    int first = 0, second = 0, reusedHits = 0;
    // Whichever fires first closes the other (ready in the same batch) and opens a new pair, which
    // likely gets the closed numbers; the closed one must not fire, nor the new one (never written).
    const auto closeOther = [&](std::unique_ptr<SocketPair> &mine, std::unique_ptr<SocketPair> &theirs,
                                std::unique_ptr<QSocketNotifier> &theirNotifier) {
        if (first == 0) {
            ++first;
            drain(mine->fds[0]);
            theirNotifier.reset();
            theirs.reset();
            reused = std::make_unique<SocketPair>();
            onReused = std::make_unique<QSocketNotifier>(reused->fds[0], QSocketNotifier::Read);
            connect(onReused.get(), &QSocketNotifier::activated, this, [&] { ++reusedHits; });
        } else {
            ++second;
        }
    };
    connect(onX.get(), &QSocketNotifier::activated, this, [&] { closeOther(x, y, onY); });
    connect(onY.get(), &QSocketNotifier::activated, this, [&] { closeOther(y, x, onX); });
    QVERIFY(writeByte(x->fds[1]));
    QVERIFY(writeByte(y->fds[1]));
    QTRY_COMPARE(first, 1);
    PingPong passes;
    passes.start();
    QTRY_VERIFY(passes.hits >= 50);
    passes.running = false;
    QCOMPARE(second, 0);
    QCOMPARE(reusedHits, 0);
}

void TestNestedEpollDispatcher::tcpSocketEcho()
{
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    QTcpSocket *accepted = nullptr;
    connect(&server, &QTcpServer::newConnection, this, [&] {
        accepted = server.nextPendingConnection();
        connect(accepted, &QTcpSocket::readyRead, accepted, [accepted] { accepted->write(accepted->readAll()); });
    });
    QTcpSocket client;
    const int before = nested()->nestedFds();
    client.connectToHost(server.serverAddress(), server.serverPort());
    QVERIFY(client.waitForConnected(10000) || client.state() == QAbstractSocket::ConnectedState);
    QTRY_VERIFY(accepted);
    QVERIFY(nested()->nestedFds() > before); // the sockets' notifiers are in the set
    QByteArray sent(1 << 20, '\0');
    for (int i = 0; i < sent.size(); ++i)
        sent[i] = char(i * 7 + (i >> 9));
    QByteArray received;
    connect(&client, &QTcpSocket::readyRead, this, [&] { received += client.readAll(); });
    client.write(sent);
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), sent.size(), 30000);
    QVERIFY(received == sent);
}

void TestNestedEpollDispatcher::teardownWithNotifiersAlive()
{
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("TST_NESTED_TEARDOWN_CHILD"), QStringLiteral("1"));
    child.setProcessEnvironment(env);
    child.start(QCoreApplication::applicationFilePath(), {});
    QVERIFY(child.waitForFinished(60000));
    const QByteArray errors = child.readAllStandardError();
    QCOMPARE(child.exitStatus(), QProcess::NormalExit);
    QVERIFY2(child.exitCode() == 0, errors.constData());
    QVERIFY2(!errors.contains("QSocketNotifier"), errors.constData());
}

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsSet("TST_NESTED_TEARDOWN_CHILD"))
        return teardownChild(argc, argv);
    QApplication app(argc, argv);
    TestNestedEpollDispatcher test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_nestedepolldispatcher.moc"
