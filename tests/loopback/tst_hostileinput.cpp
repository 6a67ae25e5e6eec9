// Hostile and broken input: garbage HTTP, huge heads and bodies, slow heads, bad handshakes, protocol
// violations on the WebSocket, clients that vanish or never read. Each gets a clear error (status,
// close code or Error message) and the server keeps serving.
#include "workers/loopback/memorybudget.h"
#include "workers/loopback/servicestats.h"

#include "loopbacktestsupport.h"

using Taskscope::Loopback::LoopbackConfig;
using Taskscope::Loopback::LoopbackService;
using Taskscope::Loopback::MemoryBudget;
using Taskscope::Loopback::ServiceStats;
using Taskscope::Loopback::WebSocketFrameParser;

using namespace LoopbackTest;
using P = WebSocketFrameParser;

namespace {

// A raw TCP client: for requests no HTTP library would send.
bool connectRaw(QTcpSocket &socket, quint16 port)
{
    socket.connectToHost(QHostAddress::LocalHost, port);
    return socket.waitForConnected();
}

// Reads until the server ends the connection; false if it is still open after timeoutMs.
bool readUntilClosed(QTcpSocket &socket, int timeoutMs, QByteArray *reply)
{
    const bool closed = QTest::qWaitFor(
        [&] {
            *reply += socket.readAll();
            return socket.state() != QAbstractSocket::ConnectedState;
        },
        timeoutMs);
    *reply += socket.readAll();
    return closed;
}

// A WebSocket upgrade of the load sink that a latency fault of `latencyMs` holds back.
QByteArray delayedUpgrade(int latencyMs)
{
    return "GET /v1/listen?model=taskscope-load-sink&faults=latency%3D" + QByteArray::number(latencyMs)
        + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
}

} // namespace

class tst_HostileInput : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        LoopbackConfig config;
        config.headerTimeoutMs = 500;
        config.maxRequestBodyBytes = 1024 * 1024;
        config.maxWebSocketMessageBytes = 64 * 1024;
        config.maxPendingWriteBytes = 1024 * 1024;
        m_service = startService(config);
        QVERIFY(m_service->isRunning());
    }

    void init()
    {
        // Every test starts from a server that answers.
        QCOMPARE(httpRequest(m_nam, "GET", m_service->httpUrl(QStringLiteral("/healthz"))).status, 200);
    }

    void cleanupTestCase()
    {
        QCOMPARE(httpRequest(m_nam, "GET", m_service->httpUrl(QStringLiteral("/healthz"))).status, 200);
    }

    void badRequestsGetStatusesAndAClose_data()
    {
        QTest::addColumn<QByteArray>("wire");
        QTest::addColumn<QByteArray>("statusLine");
        QTest::addRow("TLS hello") << QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11)
                                   << QByteArray("HTTP/1.1 400");
        QTest::addRow("garbage line") << QByteArray("hello there\r\n\r\n") << QByteArray("HTTP/1.1 400");
        QTest::addRow("huge header") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\nX: " + QByteArray(40000, 'a')
                                                   + "\r\n\r\n")
                                     << QByteArray("HTTP/1.1 431");
        QTest::addRow("huge body") << QByteArray(
            "POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n")
                                   << QByteArray("HTTP/1.1 413");
        QTest::addRow("HTTP/2 preface") << QByteArray("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") << QByteArray("HTTP/1.1 505");
        QTest::addRow("head never finished")
            << QByteArray("GET /v1/echo HTTP/1.1\r\nHost: x\r\n") << QByteArray("HTTP/1.1 408");
        QTest::addRow("unknown path") << QByteArray("GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                                      << QByteArray("HTTP/1.1 404");
        QTest::addRow("wrong method") << QByteArray("DELETE /v1/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                                      << QByteArray("HTTP/1.1 405");
        QTest::addRow("listen without upgrade")
            << QByteArray("GET /v1/listen HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            << QByteArray("HTTP/1.1 426");
        QTest::addRow("old WebSocket version")
            << QByteArray("GET /v1/listen HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n")
            << QByteArray("HTTP/1.1 426");
        QTest::addRow("bad WebSocket key")
            << QByteArray("GET /v1/speak HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n")
            << QByteArray("HTTP/1.1 400");
        QTest::addRow("WebSocket key of junk and base64")
            << QByteArray("GET /v1/speak HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Key: !!!!dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
            << QByteArray("HTTP/1.1 400");
        QTest::addRow("tag of 300 characters") << QByteArray(
            "GET /v1/speak?tag=" + QByteArray(300, 't')
            + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
              "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                                               << QByteArray("HTTP/1.1 400");
        QTest::addRow("chunk-size line of 2,000 bytes")
            << QByteArray("POST /v1/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;"
                          + QByteArray(2000, 'e') + "\r\nhello\r\n0\r\n\r\n")
            << QByteArray("HTTP/1.1 400");
        QTest::addRow("bad listen parameter") << QByteArray(
            "GET /v1/listen?sample_rate=abc HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                                              << QByteArray("HTTP/1.1 400");
    }

    void badRequestsGetStatusesAndAClose()
    {
        QFETCH(QByteArray, wire);
        QFETCH(QByteArray, statusLine);
        bool closed = false;
        const QByteArray reply = rawExchange(m_service->port(), wire, 5000, &closed);
        QVERIFY2(reply.startsWith(statusLine), reply.left(200).constData());
        QVERIFY(closed);
        // The body says what was wrong.
        const QByteArray body = reply.mid(reply.indexOf("\r\n\r\n") + 4);
        QVERIFY(!QJsonDocument::fromJson(body)
                     .object()
                     .value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("message"))
                     .toString()
                     .isEmpty());
    }

    void pipelinedRequestsAreAnsweredInOrder()
    {
        const QByteArray reply = rawExchange(
            m_service->port(),
            "GET /v1/echo?n=1&latency_ms=100 HTTP/1.1\r\nHost: x\r\n\r\n"
            "POST /v1/echo?n=2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            "3\r\nabc\r\n0\r\n\r\n"
            "GET /v1/echo?n=3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        QCOMPARE(reply.count("HTTP/1.1 200"), 3);
        const qsizetype first = reply.indexOf("\"n\":\"1\"");
        const qsizetype second = reply.indexOf("\"n\":\"2\"");
        const qsizetype third = reply.indexOf("\"n\":\"3\"");
        QVERIFY(first >= 0 && first < second && second < third);
        QVERIFY(reply.contains("\"body_bytes\":3"));
    }

    void http10GetsAnAnswerAndAClose()
    {
        bool closed = false;
        const QByteArray reply = rawExchange(m_service->port(), "GET /healthz HTTP/1.0\r\n\r\n", 5000, &closed);
        QVERIFY(reply.startsWith("HTTP/1.1 200"));
        QVERIFY(reply.contains("Connection: close"));
        QVERIFY(closed);
    }

    void expectContinueIsHonoured()
    {
        QTcpSocket socket;
        QVERIFY(connectRaw(socket, m_service->port()));
        socket.write("POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
        QVERIFY(QTest::qWaitFor([&] { return socket.waitForReadyRead(10) || socket.bytesAvailable() > 0; }, 5000));
        QCOMPARE(socket.readAll(), QByteArray("HTTP/1.1 100 Continue\r\n\r\n"));
        socket.write("abcd");
        QVERIFY(QTest::qWaitFor([&] { return socket.waitForReadyRead(10) || socket.bytesAvailable() > 0; }, 5000));
        QVERIFY(socket.readAll().startsWith("HTTP/1.1 200"));
    }

    void zeroLengthBinaryFrameIsTheLegacyCloseStream()
    {
        RecordingClient client;
        QVERIFY(client.open(m_service->webSocketUrl(QStringLiteral("/v1/listen?encoding=linear16&sample_rate=16000"))));
        client.sendAudio(samplePcm(QStringLiteral("set-timer")), 3200);
        client.socket.sendBinaryMessage(QByteArray());
        QVERIFY(client.waitClosed());
        QCOMPARE(client.closeCode, 1000);
        QVERIFY(!client.socketError);
        QCOMPARE(client.ofType(QStringLiteral("Metadata")).size(), 1);
        QCOMPARE(client.finalTranscripts(), sampleText(QStringLiteral("set-timer")));
    }

    void nonJsonTextFramesGetErrorsAndTheStreamGoesOn()
    {
        RecordingClient client;
        QVERIFY(client.open(m_service->webSocketUrl(QStringLiteral("/v1/listen?encoding=linear16&sample_rate=16000"))));
        client.socket.sendTextMessage(QStringLiteral("hello"));
        client.socket.sendTextMessage(QStringLiteral("[1,2,3]"));
        client.socket.sendTextMessage(QStringLiteral("{\"type\":\"Dance\"}"));
        QVERIFY(client.waitForType(QStringLiteral("Error"), 3));
        QVERIFY(client.ofType(QStringLiteral("Error"))
                    .first()
                    .value(QStringLiteral("description"))
                    .toString()
                    .contains(QStringLiteral("JSON")));
        client.sendAudio(samplePcm(QStringLiteral("lights-off")), 640);
        client.sendJson("CloseStream");
        QVERIFY(client.waitClosed());
        QCOMPARE(client.finalTranscripts(), sampleText(QStringLiteral("lights-off")));
    }

    void protocolViolationsGetCloseCodes_data()
    {
        QTest::addColumn<QByteArray>("frame");
        QTest::addColumn<int>("code");
        QTest::addRow("unmasked frame") << P::encode(P::Binary, QByteArray(10, 'x')) << 1002;
        QTest::addRow("invalid UTF-8 text") << P::encodeMasked(P::Text, "\xC0\xAF", 7) << 1007;
        QTest::addRow("message over the cap") << P::encodeMasked(P::Binary, QByteArray(100 * 1024, 'x'), 7) << 1009;
        QTest::addRow("continuation without start") << P::encodeMasked(P::Continuation, "x", 7) << 1002;
        QTest::addRow("reserved close code") << P::encodeMasked(P::Close, QByteArray("\x03\xed", 2), 7) << 1002;
    }

    void protocolViolationsGetCloseCodes()
    {
        QFETCH(QByteArray, frame);
        QFETCH(int, code);
        RawWebSocket ws;
        QVERIFY(ws.open(m_service->port(), "/v1/listen?encoding=linear16&sample_rate=16000"));
        ws.socket.write(frame);
        const auto frames = ws.readFrames([](const auto &f) { return RawWebSocket::hasClose(f); });
        QCOMPARE(RawWebSocket::closeCodeOf(frames), code);
    }

    void fragmentsPingsAndTheCloseHandshake()
    {
        RawWebSocket ws;
        QVERIFY(ws.open(m_service->port(), "/v1/listen?encoding=linear16&sample_rate=16000&tag=fragments"));
        QVERIFY(ws.handshakeReply.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
        QVERIFY(ws.handshakeReply.contains("dg-request-id: "));
        // One 3200-byte audio message in three fragments with a ping between them.
        const QByteArray audio(3200, '\0');
        ws.send(P::Binary, audio.left(1000), false);
        ws.send(P::Ping, "are you there", true);
        ws.send(P::Continuation, audio.mid(1000, 1000), false);
        ws.send(P::Continuation, audio.mid(2000), true);
        auto frames = ws.readFrames([](const auto &f) { return !f.isEmpty(); });
        QCOMPARE(frames.size(), 1);
        QCOMPARE(frames.first().opcode, quint8(P::Pong));
        QCOMPARE(frames.first().payload, QByteArray("are you there"));
        QVERIFY(QTest::qWaitFor(
            [this] {
                const auto r = m_service->stats().streams(QStringLiteral("fragments"));
                return !r.isEmpty() && r.first()->payloadBytesReceived.load() == 3200;
            },
            5000));
        QCOMPARE(m_service->stats().streams(QStringLiteral("fragments")).first()->binaryMessagesReceived.load(), 1);
        // Client-initiated close: the server echoes the code and ends the TCP connection.
        ws.send(P::Close, P::closePayload(1000, QStringLiteral("bye")));
        frames = ws.readFrames([](const auto &f) { return RawWebSocket::hasClose(f); });
        QCOMPARE(RawWebSocket::closeCodeOf(frames), 1000);
        QVERIFY(QTest::qWaitFor(
            [&] { return ws.socket.state() == QAbstractSocket::UnconnectedState || !ws.socket.waitForReadyRead(10); },
            5000));
    }

    void vanishingClientsDoNotHurt()
    {
        const qint64 openBefore = m_service->stats().totals().webSocketsOpen;
        // Abrupt resets in the middle of every phase.
        for (int i = 0; i < 20; ++i) {
            QTcpSocket half;
            half.connectToHost(QHostAddress::LocalHost, m_service->port());
            QVERIFY(half.waitForConnected());
            half.write("POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc");
            half.flush();
            half.abort();
        }
        for (int i = 0; i < 5; ++i) {
            auto *client = new RecordingClient;
            QVERIFY(client->open(
                m_service->webSocketUrl(QStringLiteral("/v1/listen?encoding=linear16&sample_rate=16000"))));
            client->sendAudio(samplePcm(QStringLiteral("email-dictation")), 640);
            client->socket.abort();
            delete client;
        }
        QVERIFY(QTest::qWaitFor([&] { return m_service->stats().totals().webSocketsOpen == openBefore; }, 5000));
    }

    void aBodyThatKeepsComingIsNotTimedOut()
    {
        // The head timer (500 ms here) must not run through the body: this one takes about 1.5 s but
        // never stalls.
        QTcpSocket socket;
        QVERIFY(connectRaw(socket, m_service->port()));
        socket.write("POST /v1/echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 15000\r\n\r\n");
        for (int i = 0; i < 15; ++i) {
            socket.write(QByteArray(1000, 'b'));
            socket.flush();
            QTest::qWait(100);
        }
        QByteArray reply = socket.readAll();
        while (socket.waitForReadyRead(2000))
            reply += socket.readAll();
        QVERIFY2(reply.startsWith("HTTP/1.1 200"), reply.left(200).constData());
        QVERIFY(reply.contains("\"body_bytes\":15000"));
    }

    void aBodyThatStallsIsTimedOut()
    {
        QTcpSocket socket;
        QVERIFY(connectRaw(socket, m_service->port()));
        socket.write("POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10000\r\n\r\n" + QByteArray(1000, 'b'));
        QByteArray reply = socket.readAll();
        while (socket.waitForReadyRead(3000))
            reply += socket.readAll();
        QVERIFY2(reply.startsWith("HTTP/1.1 408"), reply.left(200).constData());
    }

    void aLargeResponseReachesASlowReaderWhole()
    {
        // Three times the 1 MiB unsent-bytes cap, to a client that reads nothing for a second.
        const qint64 bytes = 3 * 1024 * 1024;
        QTcpSocket socket;
        socket.setReadBufferSize(16 * 1024);
        QVERIFY(connectRaw(socket, m_service->port()));
        socket.write("GET /v1/echo?bytes=" + QByteArray::number(bytes)
                     + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        QTest::qWait(1000);
        QByteArray reply;
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < 20000 && socket.state() == QAbstractSocket::ConnectedState) {
            reply += socket.readAll();
            socket.waitForReadyRead(100);
        }
        reply += socket.readAll();
        QVERIFY2(reply.startsWith("HTTP/1.1 200"), reply.left(200).constData());
        QCOMPARE(reply.size() - (reply.indexOf("\r\n\r\n") + 4), bytes);
    }

    void inputBeforeTheHandshakeReplyWaitsInTheKernel()
    {
        // While a latency fault holds the 101 back, the client sends as fast as it can: the server reads
        // none of it, so the client soon sees TCP backpressure and the service buffers next to nothing.
        // (The junk then arrives as frames after the 101 and ends the connection with 1002.)
        QTcpSocket socket;
        QVERIFY(connectRaw(socket, m_service->port()));
        socket.write(delayedUpgrade(1500));
        const QByteArray junk(64 * 1024, 'j');
        qint64 handedToTheKernel = 0;
        connect(&socket, &QTcpSocket::bytesWritten, this, [&](qint64 n) { handedToTheKernel += n; });
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < 2500 && socket.state() == QAbstractSocket::ConnectedState) {
            while (socket.bytesToWrite() < 4 * 1024 * 1024)
                socket.write(junk);
            QTest::qWait(1);
        }
        const qint64 peak = m_service->stats().totals().memoryBufferedPeakBytes;
        qInfo() << "accepted by the kernel while the 101 was held:" << handedToTheKernel << "bytes";
        QVERIFY2(handedToTheKernel < 48 * 1024 * 1024, qPrintable(QString::number(handedToTheKernel)));
        QVERIFY2(peak < 8 * 1024 * 1024, qPrintable(QString::number(peak)));
    }

    void anUpgradeNotAnsweredInTimeIsRefused()
    {
        // A latency fault longer than the handshake timeout: the upgrade is refused with 503 and the
        // connection ends, instead of the client holding it (and its unread input) until the 101.
        LoopbackConfig config;
        config.handshakeTimeoutMs = 300;
        auto service = startService(config);
        QVERIFY(service->isRunning());
        QTcpSocket socket;
        QVERIFY(connectRaw(socket, service->port()));
        socket.write(delayedUpgrade(600000));
        socket.write(QByteArray(16 * 1024, 'j')); // sent ahead of the 101, never read
        QByteArray reply;
        QVERIFY(readUntilClosed(socket, 20000, &reply));
        QVERIFY2(reply.startsWith("HTTP/1.1 503"), reply.left(200).constData());
        QVERIFY(reply.contains("handshake not completed within 300 ms"));
        QCOMPARE(service->stats().totals().handshakesTimedOut, 1);
        QCOMPARE(service->stats().totals().webSocketsOpened, 0);
        // An upgrade answered within the timeout is not affected.
        RawWebSocket ws;
        QVERIFY(ws.open(service->port(), "/v1/listen?model=taskscope-load-sink&faults=latency%3D50"));
        QCOMPARE(service->stats().totals().handshakesTimedOut, 1);
    }

    void pastTheMemoryBudgetNewWorkIsRefused()
    {
        LoopbackConfig config;
        config.maxMemoryBytes = 2 * 1024 * 1024;
        config.maxRequestBodyBytes = 8 * 1024 * 1024;
        auto service = startService(config);
        QVERIFY(service->isRunning());
        RawWebSocket ws;
        QVERIFY(ws.open(service->port(), "/v1/listen?model=taskscope-load-sink"));
        // A body announced at what is left of the budget's share for work (the rest is kept for request
        // heads) is admitted and holds it while it arrives.
        const qint64 workShare = config.maxMemoryBytes - MemoryBudget::headroomFor(config.maxMemoryBytes);
        const qint64 left = workShare - service->stats().totals().memoryBufferedBytes;
        // Its reservation: the body, the read buffers it streams through, and the head's share.
        const qint64 announced = left - 2 * 256 * 1024 - 2 * (16 * 1024 + 1024);
        QVERIFY(announced > 0);
        QTcpSocket holder;
        holder.connectToHost(QHostAddress::LocalHost, service->port());
        QVERIFY(holder.waitForConnected());
        holder.write("POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + QByteArray::number(announced)
                     + "\r\n\r\n" + QByteArray(1000, 'b'));
        holder.flush();
        QVERIFY(QTest::qWaitFor([&] { return service->stats().totals().memoryBufferedBytes >= workShare; }, 5000));
        QVERIFY(service->stats().totals().memoryBufferedBytes <= config.maxMemoryBytes);
        // A new request: 503 with Retry-After.
        const QByteArray refused = rawExchange(service->port(), "GET /v1/echo HTTP/1.1\r\nHost: x\r\n\r\n", 3000);
        QVERIFY2(refused.startsWith("HTTP/1.1 503"), refused.left(200).constData());
        QVERIFY(refused.contains("Retry-After: 1"));
        // A new message on an open WebSocket: close 1013 (try again later).
        ws.send(P::Binary, QByteArray(3200, '\0'));
        QCOMPARE(RawWebSocket::closeCodeOf(ws.readFrames([](const auto &f) { return RawWebSocket::hasClose(f); })),
                 1013);
        // The control endpoints still answer, and say why.
        const HttpResult stats = httpRequest(m_nam, "GET", service->httpUrl(QStringLiteral("/v1/stats")));
        QCOMPARE(stats.status, 200);
        const QJsonObject totals = stats.json().value(QStringLiteral("totals")).toObject();
        QCOMPARE(totals.value(QStringLiteral("memory_refused")).toInt(), 2);
        QCOMPARE(totals.value(QStringLiteral("memory_budget_bytes")).toInteger(), config.maxMemoryBytes);
        QCOMPARE(httpRequest(m_nam, "GET", service->httpUrl(QStringLiteral("/healthz"))).status, 200);
        // When the holder leaves, its share comes back and work is accepted again.
        holder.abort();
        QVERIFY(QTest::qWaitFor([&] { return service->stats().totals().memoryBufferedBytes < 256 * 1024; }, 5000));
        QCOMPARE(httpRequest(m_nam, "GET", service->httpUrl(QStringLiteral("/v1/echo"))).status, 200);
    }

    void aChunkedBodyStopsWhereTheBudgetEnds()
    {
        // No Content-Length to admit up front: the body is refused once it has spent the budget.
        LoopbackConfig config;
        config.maxMemoryBytes = 2 * 1024 * 1024;
        config.maxRequestBodyBytes = 8 * 1024 * 1024;
        auto service = startService(config);
        QVERIFY(service->isRunning());
        QTcpSocket socket;
        QVERIFY(connectRaw(socket, service->port()));
        socket.write("POST /v1/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
        const QByteArray chunk = "10000\r\n" + QByteArray(0x10000, 'c') + "\r\n";
        QByteArray reply;
        for (int i = 0; i < 64 && socket.state() == QAbstractSocket::ConnectedState && reply.isEmpty(); ++i) {
            socket.write(chunk);
            socket.flush();
            socket.waitForReadyRead(20);
            reply += socket.readAll();
        }
        QVERIFY2(reply.startsWith("HTTP/1.1 503"), reply.left(200).constData());
        QCOMPARE(service->stats().totals().memoryRefused, 1);
        QVERIFY(QTest::qWaitFor([&] { return service->stats().totals().memoryBufferedBytes < 256 * 1024; }, 5000));
    }

    void aClientThatNeverReadsIsCutOff()
    {
        // Pings from a client that never reads its pongs: the unsent pongs pass the 1 MiB cap and the
        // server lets go of the connection.
        const qint64 cutBefore = m_service->stats().totals().slowClientsCutOff;
        RawWebSocket ws;
        QVERIFY(ws.open(m_service->port(), "/v1/listen?model=taskscope-load-sink"));
        ws.socket.setReadBufferSize(4096); // the client stops reading: kernel buffers fill up
        QByteArray pings;
        for (int i = 0; i < 1000; ++i)
            pings += WebSocketFrameParser::encodeMasked(P::Ping, QByteArray(125, 'p'), 0x12345678u, true);
        QVERIFY(QTest::qWaitFor(
            [&] {
                if (ws.socket.state() == QAbstractSocket::ConnectedState && ws.socket.bytesToWrite() < 1024 * 1024)
                    ws.socket.write(pings);
                return m_service->stats().totals().slowClientsCutOff > cutBefore;
            },
            30000));
    }

    void aSpeakClientThatStopsReadingGetsItsAudioLaterWhole()
    {
        // Long speech requested, nothing read for a while: synthesis waits for the socket instead of
        // running ahead of it, so the stream is not cut off at the unsent-bytes cap (1 MiB here); what
        // was made meanwhile counts in the memory budget; once the client reads, it gets every byte.
        const ServiceStats::Totals before = m_service->stats().totals();
        RawWebSocket ws;
        QVERIFY(ws.open(m_service->port(), "/v1/speak?encoding=linear16&sample_rate=48000"));
        ws.socket.setReadBufferSize(4096); // the client stops reading: kernel buffers fill up
        const QString text = QStringLiteral("This is a long sentence that keeps going and going. ").repeated(38);
        for (int i = 0; i < 2; ++i) {
            ws.send(P::Text,
                    QJsonDocument(QJsonObject {{QStringLiteral("type"), QStringLiteral("Speak")},
                                               {QStringLiteral("text"), text.left(1990)}})
                        .toJson(QJsonDocument::Compact));
            ws.send(P::Text, "{\"type\":\"Flush\"}");
        }
        // The first job is made (a minute of speech at least, far past the cap) while the client is away.
        QVERIFY(QTest::qWaitFor(
            [&] {
                return m_service->stats().totals().speechMsSynthesized - before.speechMsSynthesized >= 60000
                    || m_service->stats().totals().slowClientsCutOff > before.slowClientsCutOff;
            },
            30000));
        QCOMPARE(m_service->stats().totals().slowClientsCutOff, before.slowClientsCutOff);
        const qint64 buffered = m_service->stats().totals().memoryBufferedBytes;
        QVERIFY2(buffered > 1024 * 1024, qPrintable(QString::number(buffered))); // past the cap, counted
        ws.socket.setReadBufferSize(0);
        const auto frames = ws.readFrames(
            [](const QList<P::Frame> &got) {
                return std::count_if(
                           got.begin(), got.end(),
                           [](const P::Frame &f) { return f.opcode == P::Text && f.payload.contains("Flushed"); })
                    == 2;
            },
            60000);
        qint64 audioBytes = 0;
        QList<int> flushed;
        for (const P::Frame &f : frames) {
            QVERIFY(f.opcode != P::Close);
            if (f.opcode == P::Binary)
                audioBytes += f.payload.size();
            else if (f.payload.contains("Flushed"))
                flushed << QJsonDocument::fromJson(f.payload).object().value(QStringLiteral("sequence_id")).toInt();
        }
        QCOMPARE(flushed, (QList<int> {0, 1}));
        const double seconds = audioBytes / 2.0 / 48000;
        QVERIFY2(seconds > 2 * 0.2 * 380, qPrintable(QString::number(seconds)));
        QCOMPARE(m_service->stats().totals().slowClientsCutOff, before.slowClientsCutOff);
        QVERIFY(QTest::qWaitFor([&] { return m_service->stats().totals().memoryBufferedBytes < 1024 * 1024; }, 10000));
    }

    void aSpeakRestClientThatStopsReadingGetsTheWholeAnswer()
    {
        // The REST variant: the streamed WAV waits in the server while the client is away, and the
        // connection is not cut at the unsent-bytes cap (1 MiB here).
        const ServiceStats::Totals before = m_service->stats().totals();
        const QByteArray body = QJsonDocument(QJsonObject {{QStringLiteral("text"),
                                                            QStringLiteral("This is a long sentence that keeps going "
                                                                           "and going. ")
                                                                .repeated(38)
                                                                .left(1990)}})
                                    .toJson(QJsonDocument::Compact);
        QTcpSocket socket;
        socket.setReadBufferSize(4096);
        QVERIFY(connectRaw(socket, m_service->port()));
        socket.write("POST /v1/speak?sample_rate=48000 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                     "Content-Type: application/json\r\nContent-Length: "
                     + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        QVERIFY(QTest::qWaitFor(
            [&] {
                return m_service->stats().totals().speechMsSynthesized - before.speechMsSynthesized >= 30000
                    || m_service->stats().totals().slowClientsCutOff > before.slowClientsCutOff;
            },
            30000));
        QCOMPARE(m_service->stats().totals().slowClientsCutOff, before.slowClientsCutOff);
        socket.setReadBufferSize(0);
        QByteArray reply;
        QVERIFY(readUntilClosed(socket, 60000, &reply));
        QVERIFY2(reply.startsWith("HTTP/1.1 200"), reply.left(200).constData());
        QVERIFY(reply.endsWith("0\r\n\r\n")); // the last chunk: the answer is whole
        QVERIFY2(reply.size() > 30 * 96000, qPrintable(QString::number(reply.size()))); // 30 s at 48 kHz
        QCOMPARE(m_service->stats().totals().slowClientsCutOff, before.slowClientsCutOff);
    }

    void heldMessagesHoldBackSpeechInsteadOfACut()
    {
        // message-delay holds the audio in the server, not in the socket: it counts as unsent, so
        // synthesis stops there instead of the connection being cut off at the cap.
        const ServiceStats::Totals before = m_service->stats().totals();
        RecordingClient client;
        QVERIFY(client.open(m_service->webSocketUrl(
            QStringLiteral("/v1/speak?encoding=linear16&sample_rate=48000&faults=message-delay%3D60000"))));
        const QString text = QStringLiteral("This is a long sentence that keeps going and going. ").repeated(38);
        for (int i = 0; i < 2; ++i) {
            client.socket.sendTextMessage(
                QString::fromUtf8(QJsonDocument(QJsonObject {{QStringLiteral("type"), QStringLiteral("Speak")},
                                                             {QStringLiteral("text"), text.left(1990)}})
                                      .toJson(QJsonDocument::Compact)));
            client.sendJson("Flush");
        }
        QVERIFY(QTest::qWaitFor(
            [&] {
                return m_service->stats().totals().speechMsSynthesized - before.speechMsSynthesized >= 60000
                    || m_service->stats().totals().slowClientsCutOff > before.slowClientsCutOff;
            },
            30000));
        QCOMPARE(m_service->stats().totals().slowClientsCutOff, before.slowClientsCutOff);
        QVERIFY(!client.disconnected);
        QCOMPARE(client.binaryMessages, 0); // nothing was due yet
        client.socket.close();
        QVERIFY(client.waitClosed());
        QVERIFY(QTest::qWaitFor([&] { return m_service->stats().totals().memoryBufferedBytes < 1024 * 1024; }, 10000));
    }

private:
    std::unique_ptr<LoopbackService> m_service;
    QNetworkAccessManager m_nam;
};

QTEST_GUILESS_MAIN(tst_HostileInput)
#include "tst_hostileinput.moc"
