// The embeddable service's life cycle: free ports, restart, loopback-only binding, two services in one
// process (espeak-ng is process-global), shutdown with streams open, and the in-process stats.
#include "workers/loopback/servicestats.h"

#include "loopbacktestsupport.h"

using Taskscope::Loopback::LoopbackConfig;
using Taskscope::Loopback::LoopbackService;
using Taskscope::Loopback::ServiceStats;

using namespace LoopbackTest;

class tst_LoopbackService : public QObject
{
    Q_OBJECT

private slots:
    void startsOnAFreePortAndStops()
    {
        LoopbackService service;
        QVERIFY(!service.isRunning());
        const quint16 port = service.start();
        QVERIFY(port != 0);
        QCOMPARE(service.port(), port);
        QCOMPARE(service.httpUrl(QStringLiteral("/healthz")).toString(),
                 QStringLiteral("http://127.0.0.1:%1/healthz").arg(port));
        QCOMPARE(service.webSocketUrl(QStringLiteral("/v1/listen")).scheme(), QStringLiteral("ws"));
        QVERIFY(service.warnings().isEmpty());
        QNetworkAccessManager nam;
        QCOMPARE(httpRequest(nam, "GET", service.httpUrl(QStringLiteral("/healthz"))).status, 200);
        service.stop();
        QVERIFY(!service.isRunning());
        service.stop(); // idempotent
        // Starts again.
        QVERIFY(service.start() != 0);
        QCOMPARE(httpRequest(nam, "GET", service.httpUrl(QStringLiteral("/healthz"))).status, 200);
    }

    void refusesANonLoopbackAddress()
    {
        LoopbackConfig config;
        config.host = QHostAddress(QHostAddress::AnyIPv4);
        LoopbackService service(config);
        QCOMPARE(service.start(), quint16(0));
        QVERIFY(service.errorString().contains(QStringLiteral("loopback")));
    }

    void reportsAPortInUse()
    {
        LoopbackService first;
        QVERIFY(first.start());
        LoopbackConfig config;
        config.port = first.port();
        LoopbackService second(config);
        QCOMPARE(second.start(), quint16(0));
        QVERIFY(second.errorString().contains(QString::number(first.port())));
    }

    void twoServicesShareTheSynthesizer()
    {
        auto a = startService();
        auto b = startService();
        for (LoopbackService *service : {a.get(), b.get()}) {
            RecordingClient client;
            QVERIFY(client.open(service->webSocketUrl(QStringLiteral("/v1/speak?sample_rate=16000"))));
            client.socket.sendTextMessage(QStringLiteral("{\"type\":\"Speak\",\"text\":\"Hello.\"}"));
            client.sendJson("Flush");
            QVERIFY(client.waitForType(QStringLiteral("Flushed")));
            QVERIFY(client.audio.size() > 16000);
        }
        a.reset();
        // The other one still speaks after the first is gone.
        RecordingClient client;
        QVERIFY(client.open(b->webSocketUrl(QStringLiteral("/v1/speak"))));
        client.socket.sendTextMessage(QStringLiteral("{\"type\":\"Speak\",\"text\":\"Still here.\"}"));
        client.sendJson("Flush");
        QVERIFY(client.waitForType(QStringLiteral("Flushed")));
    }

    void stopsCleanlyWithStreamsOpen()
    {
        auto service = startService();
        QList<RecordingClient *> clients;
        for (int i = 0; i < 8; ++i) {
            auto *client = new RecordingClient;
            QVERIFY(client->open(
                service->webSocketUrl(i % 2 ? QStringLiteral("/v1/speak")
                                            : QStringLiteral("/v1/listen?encoding=linear16&sample_rate=16000"))));
            if (i % 2) {
                // Synthesis in progress when the service stops: stop() waits for it to be cancelled.
                client->socket.sendTextMessage(
                    QStringLiteral("{\"type\":\"Speak\",\"text\":\"%1\"}")
                        .arg(QStringLiteral("A long text to be cut short by the shutdown. ").repeated(40)));
                client->sendJson("Flush");
            } else
                client->sendAudio(samplePcm(QStringLiteral("email-dictation")), 640);
            clients << client;
        }
        QVERIFY(QTest::qWaitFor([&] { return service->stats().totals().webSocketsOpen == 8; }, 5000));
        service->stop();
        for (RecordingClient *client : std::as_const(clients))
            QVERIFY(client->waitClosed(5000));
        qDeleteAll(clients);
    }

    void statsCountWhatHappened()
    {
        auto service = startService();
        QNetworkAccessManager nam;
        for (int i = 0; i < 3; ++i)
            QCOMPARE(httpRequest(nam, "GET", service->httpUrl(QStringLiteral("/v1/echo?bytes=1000"))).body.size(),
                     1000);
        RecordingClient client;
        QVERIFY(client.open(
            service->webSocketUrl(QStringLiteral("/v1/listen?encoding=linear16&sample_rate=16000&tag=t1"))));
        const QByteArray pcm = samplePcm(QStringLiteral("set-timer"));
        client.sendAudio(pcm, 640);
        client.sendJson("CloseStream");
        QVERIFY(client.waitClosed());
        // The server finishes its side of the close handshake a moment after the client's.
        QVERIFY(QTest::qWaitFor([&] { return service->stats().totals().webSocketsOpen == 0; }, 5000));
        const ServiceStats::Totals totals = service->stats().totals();
        QVERIFY(totals.httpRequests >= 4);
        QCOMPARE(totals.audioBytesReceived, qint64(pcm.size()));
        QCOMPARE(totals.webSocketsOpened, 1);
        QCOMPARE(totals.utterancesFinalized, 1);
        const auto stream = service->stats().streams(QStringLiteral("t1")).first();
        QCOMPARE(stream->kind, QStringLiteral("listen"));
        QCOMPARE(stream->binaryMessagesReceived.load(), (pcm.size() + 639) / 640);
        QCOMPARE(stream->textMessagesReceived.load(), 1);
        QVERIFY(service->stats().stream(stream->id));
        QVERIFY(!stream->open.load());
        const HttpResult byId = httpRequest(nam, "GET", service->httpUrl(QStringLiteral("/v1/stats?id=") + stream->id));
        QCOMPARE(byId.json().value(QStringLiteral("streams")).toArray().size(), 1);
    }

    void recognitionCapacityIsEnforced()
    {
        LoopbackConfig config;
        config.maxRecognitionStreams = 1;
        auto service = startService(config);
        RecordingClient first;
        QVERIFY(first.open(service->webSocketUrl(QStringLiteral("/v1/listen?encoding=linear16&sample_rate=16000"))));
        RawWebSocket second;
        QVERIFY(!second.open(service->port(), "/v1/listen?encoding=linear16&sample_rate=16000"));
        QVERIFY(second.handshakeReply.startsWith("HTTP/1.1 503"));
        // The load sink is not limited.
        RecordingClient sink;
        QVERIFY(sink.open(service->webSocketUrl(QStringLiteral("/v1/listen?model=taskscope-load-sink"))));
        QCOMPARE(service->stats().totals().recognitionRejected, 1);
        // The slot comes back when the first stream ends.
        first.sendJson("CloseStream");
        QVERIFY(first.waitClosed());
        RecordingClient third;
        QVERIFY(QTest::qWaitFor(
            [&] {
                return third.open(
                    service->webSocketUrl(QStringLiteral("/v1/listen?encoding=linear16&sample_rate=16000")), {}, 1000);
            },
            5000));
    }
};

QTEST_GUILESS_MAIN(tst_LoopbackService)
#include "tst_loopbackservice.moc"
