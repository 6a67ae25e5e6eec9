// The headless runner's built-in service: started in-process, it loads its grammar and decoders off
// the calling thread, whose event loop keeps running meanwhile (the watchdog guards that thread), and
// it serves once start() returns.
#include "app/headless/servicehost.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

class TestServiceHost final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void inProcessStartKeepsTheCallersLoopRunning();
};

void TestServiceHost::inProcessStartKeepsTheCallersLoopRunning()
{
    ServiceHost host;
    int ticks = 0;
    QTimer tick;
    tick.setInterval(1);
    connect(&tick, &QTimer::timeout, this, [&] { ++ticks; });
    tick.start();
    QVERIFY2(host.start(Scenario::Service {}), qPrintable(host.errorString()));
    tick.stop();
    // A start on the calling thread would run no timer until it returned.
    QVERIFY2(ticks > 0, "the calling thread's event loop did not run while the service started");
    QVERIFY(host.isRunning());
    QVERIFY(!host.isExternal());
    QCOMPARE(host.describe().value(QStringLiteral("kind")).toString(), QStringLiteral("in-process"));

    QNetworkAccessManager network;
    QNetworkReply *reply = network.get(QNetworkRequest(host.baseUrl().resolved(QUrl(QStringLiteral("/healthz")))));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    QVERIFY(finished.wait(10'000));
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    reply->deleteLater();
    QVERIFY(host.totals().contains(QStringLiteral("httpRequests")));
    host.stop();
    QVERIFY(!host.isRunning());
}

QTEST_GUILESS_MAIN(TestServiceHost)
#include "tst_servicehost.moc"
