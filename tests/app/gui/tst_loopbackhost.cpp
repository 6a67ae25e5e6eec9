// The built-in service in the window's process: it starts off the calling thread (ready() arrives
// later on it, with a URL that answers), its threads run below the caller's priority, and stop()
// is idempotent, also while a start is still in progress.
#include "app/scenario/loopbackhost.h"

#include <QDir>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>

#include <sys/resource.h>

using Taskscope::Scenarios::LoopbackHost;

class TestLoopbackHost final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void startsOffTheCallingThreadAndServes();
    void serviceThreadsRunBelowTheCaller();
    void stopDuringStartAndTwice();
};

void TestLoopbackHost::startsOffTheCallingThreadAndServes()
{
    LoopbackHost host;
    QSignalSpy ready(&host, &LoopbackHost::ready);
    host.start();
    QVERIFY(host.isStarting());
    QVERIFY(!host.isReady()); // start() returned before the service was up
    QVERIFY(ready.wait(10'000));
    QVERIFY(host.isReady());
    QCOMPARE(host.url().host(), QStringLiteral("127.0.0.1"));
    QVERIFY(host.startMs() >= 0);

    QNetworkAccessManager network;
    QNetworkReply *reply = network.get(QNetworkRequest(host.url().resolved(QUrl(QStringLiteral("/healthz")))));
    QSignalSpy done(reply, &QNetworkReply::finished);
    QVERIFY(done.wait(5000));
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    reply->deleteLater();
    host.stop();
    QVERIFY(!host.isReady());
}

void TestLoopbackHost::serviceThreadsRunBelowTheCaller()
{
    LoopbackHost host;
    host.setServiceNice(7);
    QSignalSpy ready(&host, &LoopbackHost::ready);
    host.start();
    QVERIFY(ready.wait(10'000));
    // Every thread the service started (network loops) inherited the owner thread's nice value.
    int serviceThreads = 0;
    const QDir tasks(QStringLiteral("/proc/self/task"));
    for (const QString &tid : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile comm(tasks.filePath(tid + QStringLiteral("/comm")));
        if (!comm.open(QIODevice::ReadOnly) || !comm.readAll().startsWith("loopback-"))
            continue;
        ++serviceThreads;
        errno = 0;
        QCOMPARE(::getpriority(PRIO_PROCESS, id_t(tid.toInt())), 7);
    }
    QVERIFY(serviceThreads >= 2);
    QCOMPARE(::getpriority(PRIO_PROCESS, 0), 0); // the calling thread is untouched
}

void TestLoopbackHost::stopDuringStartAndTwice()
{
    LoopbackHost host;
    QSignalSpy ready(&host, &LoopbackHost::ready);
    host.start();
    host.stop(); // waits for the start, then stops
    host.stop();
    QTest::qWait(50);
    QVERIFY(ready.isEmpty()); // a stopped host reports nothing
    QVERIFY(!host.isReady());
}

QTEST_GUILESS_MAIN(TestLoopbackHost)
#include "tst_loopbackhost.moc"
