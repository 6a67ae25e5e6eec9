// The headless runner's built-in service: started in-process (grammar and decoders loaded off the
// calling thread) or as the taskscope-server process (its "listening on" line awaited), the calling
// thread's event loop keeps running meanwhile (the watchdog guards that thread), and it serves once
// start() returns.
#include "app/headless/servicehost.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using Taskscope::Headless::ServiceHost;
using Taskscope::Scenarios::Scenario;

class TestServiceHost final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void startKeepsTheCallersLoopRunning_data();
    void startKeepsTheCallersLoopRunning();
};

void TestServiceHost::startKeepsTheCallersLoopRunning_data()
{
    QTest::addColumn<bool>("external");
    QTest::newRow("in-process") << false;
    QTest::newRow("taskscope-server process") << true;
}

void TestServiceHost::startKeepsTheCallersLoopRunning()
{
    QFETCH(bool, external);
    if (external && ServiceHost::findServerProgram().isEmpty())
        QSKIP("taskscope-server is not built next to the tests");
    ServiceHost host;
    Scenario::Service settings;
    settings.external = external;
    int ticks = 0;
    QTimer tick;
    tick.setInterval(1);
    connect(&tick, &QTimer::timeout, this, [&] { ++ticks; });
    tick.start();
    QVERIFY2(host.start(settings), qPrintable(host.errorString()));
    tick.stop();
    // A start on the calling thread would run no timer until it returned.
    QVERIFY2(ticks > 0, "the calling thread's event loop did not run while the service started");
    QVERIFY(host.isRunning());
    QCOMPARE(host.isExternal(), external);
    QCOMPARE(host.describe().value(QStringLiteral("kind")).toString(),
             external ? QStringLiteral("external") : QStringLiteral("in-process"));

    QNetworkAccessManager network;
    QNetworkReply *reply = network.get(QNetworkRequest(host.baseUrl().resolved(QUrl(QStringLiteral("/healthz")))));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    QVERIFY(finished.wait(10'000));
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    reply->deleteLater();
    const auto totals = host.totals();
    QCOMPARE(totals.has_value(), !external);
    if (totals)
        QVERIFY(totals->httpRequests >= 1); // the /healthz above
    host.stop();
    QVERIFY(!host.isRunning());
}

QTEST_GUILESS_MAIN(TestServiceHost)
#include "tst_servicehost.moc"
