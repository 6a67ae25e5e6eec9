// Faults on demand: each fault item does what faultspec.h says, per request (header or query), per
// WebSocket connection, and server-wide, including p= and only=.
#include "workers/loopback/servicestats.h"

#include "loopbacktestsupport.h"

using Taskscope::Loopback::FaultSpec;
using Taskscope::Loopback::LoopbackConfig;
using Taskscope::Loopback::LoopbackService;

using namespace LoopbackTest;

namespace {

QByteArray chatBody(int tokens)
{
    return QStringLiteral("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true,\"max_tokens\":%1}")
        .arg(tokens)
        .toUtf8();
}

QList<QByteArray> sseData(const QByteArray &body)
{
    QList<QByteArray> out;
    for (const QByteArray &line : body.split('\n')) {
        if (line.startsWith("data: "))
            out << line.mid(6);
    }
    return out;
}

QString listen(const QString &faults)
{
    return QStringLiteral("/v1/listen?encoding=linear16&sample_rate=16000&interim_results=true&endpointing=300&faults=")
        + QString::fromLatin1(QUrl::toPercentEncoding(faults));
}

} // namespace

class tst_Faults : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        LoopbackConfig config;
        config.chatTokensPerSecond = 1000;
        config.chatFirstTokenDelayMs = 0;
        m_service = startService(config);
        QVERIFY(m_service->isRunning());
    }

    // --- HTTP ---

    void latencyDelaysTheResponse()
    {
        const HttpResult r = httpRequest(m_nam, "GET", m_service->httpUrl(QStringLiteral("/v1/echo")), {},
                                         {{"X-Taskscope-Faults", "latency=300"}});
        QCOMPARE(r.status, 200);
        QVERIFY(r.elapsedMs >= 300);
    }

    void statusFaults_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("retryAfter");
        QTest::addRow("401") << QStringLiteral("status=401") << 401 << QByteArray();
        QTest::addRow("429 with default Retry-After") << QStringLiteral("status=429") << 429 << QByteArray("1");
        QTest::addRow("429 with Retry-After 7") << QStringLiteral("status=429,retry-after=7") << 429 << QByteArray("7");
        QTest::addRow("500") << QStringLiteral("status=500") << 500 << QByteArray();
    }

    void statusFaults()
    {
        QFETCH(QString, spec);
        QFETCH(int, status);
        QFETCH(QByteArray, retryAfter);
        // Via the query parameter on the chat endpoint.
        const HttpResult r = httpRequest(m_nam, "POST",
                                         m_service->httpUrl(QStringLiteral("/v1/chat/completions?faults=")
                                                            + QString::fromLatin1(QUrl::toPercentEncoding(spec))),
                                         chatBody(3));
        QCOMPARE(r.status, status);
        QCOMPARE(r.header("Retry-After"), retryAfter);
        QVERIFY(r.json()
                    .value(QStringLiteral("error"))
                    .toObject()
                    .value(QStringLiteral("message"))
                    .toString()
                    .contains(QString::number(status)));
    }

    void dropAfterTxBytesCutsTheBody()
    {
        bool closed = false;
        const QByteArray reply = rawExchange(m_service->port(),
                                             "GET /v1/echo?bytes=10000 HTTP/1.1\r\nHost: x\r\n"
                                             "X-Taskscope-Faults: drop-after-tx-bytes=100\r\n\r\n",
                                             5000, &closed);
        QVERIFY(closed);
        QVERIFY(reply.startsWith("HTTP/1.1 200"));
        QVERIFY(reply.contains("Content-Length: 10000"));
        QCOMPARE(reply.size() - (reply.indexOf("\r\n\r\n") + 4), 100);
    }

    void dropAfterMessagesCutsTheEventStream()
    {
        const HttpResult r = httpRequest(m_nam, "POST", m_service->httpUrl(QStringLiteral("/v1/chat/completions")),
                                         chatBody(50), {{"X-Taskscope-Faults", "drop-after-messages=5"}});
        QVERIFY(r.error != QNetworkReply::NoError);
        const QList<QByteArray> data = sseData(r.body);
        QCOMPARE(data.size(), 5);
        QVERIFY(!data.contains("[DONE]"));
    }

    void dropAfterMsCutsTheEventStream()
    {
        const HttpResult r = httpRequest(
            m_nam, "POST", m_service->httpUrl(QStringLiteral("/v1/chat/completions")), chatBody(100),
            {{"X-Taskscope-Faults", "drop-after-ms=300"}, {"X-Taskscope-Token-Rate", "50"}});
        QVERIFY(r.error != QNetworkReply::NoError);
        const QList<QByteArray> data = sseData(r.body);
        QVERIFY(!data.isEmpty());
        QVERIFY(data.size() < 100);
        QVERIFY(!data.contains("[DONE]"));
    }

    void malformedJsonBreaksTheNthEvent()
    {
        const HttpResult r = httpRequest(m_nam, "POST", m_service->httpUrl(QStringLiteral("/v1/chat/completions")),
                                         chatBody(5), {{"X-Taskscope-Faults", "malformed-json=2"}});
        QCOMPARE(r.status, 200);
        const QList<QByteArray> data = sseData(r.body);
        QCOMPARE(data.last(), QByteArray("[DONE]"));
        for (qsizetype i = 0; i + 1 < data.size(); ++i) {
            QJsonParseError error;
            QJsonDocument::fromJson(data.at(i), &error);
            QCOMPARE(error.error != QJsonParseError::NoError, i == 1);
        }
    }

    void malformedJsonBreaksAJsonResponse()
    {
        const HttpResult r = httpRequest(m_nam, "GET",
                                         m_service->httpUrl(QStringLiteral("/v1/echo?faults=malformed-json")));
        QCOMPARE(r.status, 200);
        QJsonParseError error;
        QJsonDocument::fromJson(r.body, &error);
        QVERIFY(error.error != QJsonParseError::NoError);
    }

    void badSpecIsA400()
    {
        const HttpResult r = httpRequest(m_nam, "GET", m_service->httpUrl(QStringLiteral("/v1/echo")), {},
                                         {{"X-Taskscope-Faults", "explode=now"}});
        QCOMPARE(r.status, 400);
        QVERIFY(r.json()
                    .value(QStringLiteral("error"))
                    .toObject()
                    .value(QStringLiteral("message"))
                    .toString()
                    .contains(QStringLiteral("explode")));
    }

    void probabilityZeroNeverApplies()
    {
        for (int i = 0; i < 5; ++i) {
            QCOMPARE(httpRequest(m_nam, "GET", m_service->httpUrl(QStringLiteral("/v1/echo")), {},
                                 {{"X-Taskscope-Faults", "p=0,status=500"}})
                         .status,
                     200);
            QCOMPARE(httpRequest(m_nam, "GET", m_service->httpUrl(QStringLiteral("/v1/echo")), {},
                                 {{"X-Taskscope-Faults", "p=1,status=500"}})
                         .status,
                     500);
        }
    }

    void serverWideFaultsRespectOnlyAndSpareControlEndpoints()
    {
        LoopbackConfig config;
        config.faults = *FaultSpec::parse(QStringLiteral("only=/v1/echo,status=503,retry-after=3"));
        auto service = startService(config);
        const HttpResult echo = httpRequest(m_nam, "GET", service->httpUrl(QStringLiteral("/v1/echo")));
        QCOMPARE(echo.status, 503);
        QCOMPARE(echo.header("Retry-After"), QByteArray("3"));
        QCOMPARE(httpRequest(m_nam, "GET", service->httpUrl(QStringLiteral("/v1/models"))).status, 200);
        QCOMPARE(httpRequest(m_nam, "GET", service->httpUrl(QStringLiteral("/v1/stats"))).status, 200);
        // A request's own spec replaces the server-wide one.
        QCOMPARE(httpRequest(m_nam, "GET", service->httpUrl(QStringLiteral("/v1/echo")), {},
                             {{"X-Taskscope-Faults", "latency=1"}})
                     .status,
                 200);
        // Changed at run time.
        service->setFaults(FaultSpec {});
        QCOMPARE(httpRequest(m_nam, "GET", service->httpUrl(QStringLiteral("/v1/echo"))).status, 200);
        QVERIFY(service->stats().totals().faultsApplied >= 1);
    }

    void slowReadThrottlesAnUpload()
    {
        // 96 KB at 64 KB/s: the server cannot have read it all sooner than the rate allows.
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_service->port());
        QVERIFY(socket.waitForConnected());
        const qint64 before = m_service->stats().totals().bytesReceived;
        const QByteArray body(96 * 1024, 'x');
        QElapsedTimer clock;
        clock.start();
        socket.write("POST /v1/echo HTTP/1.1\r\nHost: x\r\nX-Taskscope-Faults: slow-read=65536\r\nContent-Length: "
                     + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        socket.flush();
        bool sawPartial = false;
        while (!socket.bytesAvailable() && clock.elapsed() < 10000) {
            const qint64 received = m_service->stats().totals().bytesReceived - before;
            const qint64 allowed = 65536 * (clock.elapsed() + 250) / 1000 + 8192;
            QVERIFY2(received <= allowed, qPrintable(QStringLiteral("%1 > %2").arg(received).arg(allowed)));
            sawPartial = sawPartial || received < body.size();
            socket.waitForReadyRead(20);
        }
        QVERIFY(sawPartial);
        QVERIFY(socket.readAll().startsWith("HTTP/1.1 200"));
    }

    // --- WebSocket ---

    void latencyDelaysTheHandshake()
    {
        RecordingClient client;
        QElapsedTimer clock;
        clock.start();
        QVERIFY(client.open(m_service->webSocketUrl(listen(QStringLiteral("latency=300")))));
        QVERIFY(clock.elapsed() >= 300);
    }

    void latencyIsAppliedOnceToAnUpgrade()
    {
        // Once, before the 101 (it used to be applied again by the WebSocket side: twice the wait).
        const qint64 faultsBefore = m_service->stats().totals().faultsApplied;
        RecordingClient client;
        QElapsedTimer clock;
        clock.start();
        QVERIFY(client.open(m_service->webSocketUrl(listen(QStringLiteral("latency=1000"))), QByteArray(), 10000));
        const qint64 waited = clock.elapsed();
        QVERIFY(waited >= 1000);
        QVERIFY2(waited < 2000, qPrintable(QString::number(waited)));
        QCOMPARE(m_service->stats().totals().faultsApplied - faultsBefore, 1);
    }

    void statusRefusesTheUpgrade()
    {
        RawWebSocket raw;
        QVERIFY(!raw.open(m_service->port(), "/v1/listen?faults=status%3D429"));
        QVERIFY(raw.handshakeReply.startsWith("HTTP/1.1 429"));
        QVERIFY(raw.handshakeReply.contains("Retry-After: 1"));
    }

    void closeCodeRightAfterTheHandshake()
    {
        RecordingClient client;
        QVERIFY(client.open(m_service->webSocketUrl(listen(QStringLiteral("close=4000:custom%20reason")))));
        QVERIFY(client.waitClosed());
        QCOMPARE(client.closeCode, 4000);
        QCOMPARE(client.closeReason, QStringLiteral("custom reason"));
    }

    void dropAfterMsEndsWithoutACloseFrame()
    {
        RecordingClient client;
        QVERIFY(client.open(m_service->webSocketUrl(listen(QStringLiteral("drop-after-ms=300")))));
        client.sendAudio(silence(100), 640);
        QVERIFY(client.waitClosed());
        QCOMPARE(client.socketError, QAbstractSocket::RemoteHostClosedError); // no close frame
        QVERIFY(client.ofType(QStringLiteral("Metadata")).isEmpty());
    }

    void dropAfterRxBytesAfterExactlyThatMuchAudio()
    {
        RecordingClient client;
        QVERIFY(client.open(m_service->webSocketUrl(listen(QStringLiteral("drop-after-rx-bytes=32000"))
                                                    + QStringLiteral("&tag=rxdrop"))));
        client.sendAudio(samplePcm(QStringLiteral("weather-tomorrow")), 640);
        QVERIFY(client.waitClosed());
        QCOMPARE(client.socketError, QAbstractSocket::RemoteHostClosedError);
        const auto records = m_service->stats().streams(QStringLiteral("rxdrop"));
        QCOMPARE(records.size(), 1);
        QCOMPARE(records.first()->payloadBytesReceived.load(), 32000);
    }

    void dropAfterRxBytesWithACloseCode()
    {
        RecordingClient client;
        QVERIFY(client.open(
            m_service->webSocketUrl(listen(QStringLiteral("drop-after-rx-bytes=6400,close=1011:NET-0001")))));
        client.sendAudio(samplePcm(QStringLiteral("set-timer")), 640);
        QVERIFY(client.waitClosed());
        QCOMPARE(client.closeCode, 1011);
        QCOMPARE(client.closeReason, QStringLiteral("NET-0001"));
    }

    void dropAfterMessagesCountsServerMessages()
    {
        RecordingClient client;
        QVERIFY(client.open(m_service->webSocketUrl(listen(QStringLiteral("drop-after-messages=2")))));
        client.sendAudio(samplePcm(QStringLiteral("email-dictation")), 640);
        QVERIFY(client.waitClosed());
        QCOMPARE(client.messages.size(), 2);
        QCOMPARE(client.socketError, QAbstractSocket::RemoteHostClosedError);
    }

    void malformedJsonBreaksTheFirstMessage()
    {
        RecordingClient client;
        QVERIFY(client.open(m_service->webSocketUrl(listen(QStringLiteral("malformed-json=1")))));
        client.sendAudio(samplePcm(QStringLiteral("set-timer")), 3200);
        client.sendJson("CloseStream");
        QVERIFY(client.waitClosed());
        QVERIFY(client.rawTexts.size() >= 2);
        QJsonParseError error;
        QJsonDocument::fromJson(client.rawTexts.first(), &error);
        QVERIFY(error.error != QJsonParseError::NoError);
        QJsonDocument::fromJson(client.rawTexts.last(), &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(client.closeCode, 1000);
    }

    void messageDelayHoldsMessagesInOrder()
    {
        RecordingClient client;
        QVERIFY(client.open(m_service->webSocketUrl(listen(QStringLiteral("message-delay=400")))));
        client.sendAudio(samplePcm(QStringLiteral("set-timer")), 3200);
        QElapsedTimer clock;
        clock.start();
        client.sendJson("CloseStream");
        QVERIFY(client.waitForType(QStringLiteral("Metadata")));
        QVERIFY(clock.elapsed() >= 400);
        QCOMPARE(client.messages.last().value(QStringLiteral("type")).toString(), QStringLiteral("Metadata"));
        QCOMPARE(client.finalTranscripts(), sampleText(QStringLiteral("set-timer")));
        QVERIFY(client.waitClosed());
        QCOMPARE(client.closeCode, 1000);
    }

    void slowReadThrottlesAStream()
    {
        RecordingClient client;
        QVERIFY(client.open(
            m_service->webSocketUrl(listen(QStringLiteral("slow-read=64000")) + QStringLiteral("&tag=slowread"))));
        const QByteArray pcm = samplePcm(QStringLiteral("email-dictation")); // ~153 KB
        QElapsedTimer clock;
        clock.start();
        client.sendAudio(pcm, 3200);
        const auto records = [this] { return m_service->stats().streams(QStringLiteral("slowread")); };
        QVERIFY(QTest::qWaitFor([&] { return !records().isEmpty(); }, 5000));
        bool sawPartial = false;
        while (clock.elapsed() < 15000) {
            const qint64 received = records().first()->payloadBytesReceived.load();
            const qint64 allowed = 64000 * (clock.elapsed() + 250) / 1000 + 8192;
            QVERIFY2(received <= allowed, qPrintable(QStringLiteral("%1 > %2").arg(received).arg(allowed)));
            if (received == pcm.size())
                break;
            sawPartial = true;
            QTest::qWait(50);
        }
        QVERIFY(sawPartial);
        QCOMPARE(records().first()->payloadBytesReceived.load(), qint64(pcm.size()));
        client.sendJson("CloseStream");
        QVERIFY(client.waitClosed());
        QCOMPARE(client.finalTranscripts(), sampleText(QStringLiteral("email-dictation")));
    }

    void headerFaultsApplyToTheWholeConnection()
    {
        RecordingClient client;
        QNetworkRequest request(m_service->webSocketUrl(QStringLiteral("/v1/speak")));
        request.setRawHeader("X-Taskscope-Faults", "close=4002:from%20header");
        client.socket.open(request);
        QVERIFY(client.waitClosed());
        QCOMPARE(client.closeCode, 4002);
        QCOMPARE(client.closeReason, QStringLiteral("from header"));
    }

private:
    std::unique_ptr<LoopbackService> m_service;
    QNetworkAccessManager m_nam;
};

QTEST_GUILESS_MAIN(tst_Faults)
#include "tst_faults.moc"
