// Hostile clients against a running taskscope-server process under a memory limit (prlimit --as at its
// idle address space + 1 GiB): each case must leave the server alive, /healthz answering and its
// resident memory back near where it started. Each case's peak RSS above idle is printed (the
// server's VmHWM, reset before the case through /proc/PID/clear_refs), so this is also how the
// figures in workers/loopback/README.md are measured. TASKSCOPE_SERVER_BINARY points it at another build.
#include <QFile>
#include <QProcess>
#include <QRegularExpression>

#include <sys/resource.h>

#include "loopbacktestsupport.h"

using Taskscope::Loopback::WebSocketFrameParser;

using namespace LoopbackTest;
using P = WebSocketFrameParser;

namespace {

constexpr qint64 mib = 1024 * 1024;

QByteArray upgradeRequest(const QByteArray &pathAndQuery)
{
    return "GET " + pathAndQuery
        + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
}

QByteArray chatRequest(const QByteArray &body)
{
    return "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n"
           "Content-Length: "
        + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

// Keeps a socket's unsent bytes near `backlog` with `piece`, for `ms` or until it is closed or `limit` is sent.
qint64 pushFor(QTcpSocket &socket, const QByteArray &piece, int ms, qint64 limit = -1, qint64 backlog = 4 * mib)
{
    qint64 written = 0;
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < ms && socket.state() == QAbstractSocket::ConnectedState
           && (limit < 0 || written < limit)) {
        while (socket.bytesToWrite() < backlog && (limit < 0 || written < limit)) {
            socket.write(piece);
            written += piece.size();
        }
        QTest::qWait(1);
    }
    return written;
}

} // namespace

class tst_HostileClients : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        // A thousand connections need a thousand descriptors on each side (the server inherits this).
        rlimit files {};
        if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
            files.rlim_cur = std::min<rlim_t>(files.rlim_max, 8192);
            setrlimit(RLIMIT_NOFILE, &files);
        }
        QString binary = qEnvironmentVariable("TASKSCOPE_SERVER_BINARY");
        if (binary.isEmpty())
            binary = QStringLiteral(TASKSCOPE_SERVER_BINARY);
        m_server.setProgram(binary);
        m_server.setArguments({QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--quiet"),
                               QStringLiteral("--prewarm-decoders"), QStringLiteral("0")});
        m_server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_server.start();
        QVERIFY2(m_server.waitForStarted(), qPrintable(m_server.errorString()));
        QByteArray out;
        static const QRegularExpression listening(QStringLiteral("listening on http://127.0.0.1:(\\d+)"));
        QRegularExpressionMatch match;
        QVERIFY(QTest::qWaitFor(
            [&] {
                out += m_server.readAllStandardOutput();
                match = listening.match(QString::fromUtf8(out));
                return match.hasMatch();
            },
            20000));
        m_port = quint16(match.captured(1).toUInt());
        m_pid = m_server.processId();
        QVERIFY(healthy());
        QTest::qWait(500);
        m_idleRssKiB = status("VmRSS");
        const qint64 limit = status("VmSize") * 1024 + 1024 * mib;
        QCOMPARE(
            QProcess::execute(QStringLiteral("prlimit"),
                              {QStringLiteral("--pid"), QString::number(m_pid), QStringLiteral("--as=%1").arg(limit)}),
            0);
        qInfo().noquote() << QStringLiteral("server %1: idle RSS %2 MiB, address-space limit %3 MiB")
                                 .arg(binary)
                                 .arg(m_idleRssKiB / 1024)
                                 .arg(limit / mib);
    }

    void init()
    {
        QVERIFY(resetPeak());
        m_refusedBefore = totals().value(QStringLiteral("memory_refused")).toInteger();
    }

    void cleanup()
    {
        QVERIFY2(
            m_server.state() == QProcess::Running,
            qPrintable(QStringLiteral("server died: exit %1, %2").arg(m_server.exitCode()).arg(m_server.exitStatus())));
        const qint64 peakKiB = status("VmHWM");
        QVERIFY(healthy());
        const QJsonObject t = totals();
        // Back near the start once the clients are gone (freed buffers go back to the system).
        const bool settled = QTest::qWaitFor([this] { return status("VmRSS") - m_idleRssKiB < 64 * 1024; }, 15000);
        qInfo().noquote() << QStringLiteral(
                                 "%1: peak RSS %2 MiB above idle, %3 MiB above idle after; budget peak %4 MiB, "
                                 "%5 refused")
                                 .arg(QString::fromLatin1(QTest::currentTestFunction()))
                                 .arg((peakKiB - m_idleRssKiB) / 1024)
                                 .arg((status("VmRSS") - m_idleRssKiB) / 1024)
                                 .arg(t.value(QStringLiteral("memory_buffered_peak_bytes")).toInteger() / mib)
                                 .arg(t.value(QStringLiteral("memory_refused")).toInteger() - m_refusedBefore);
        QVERIFY(settled);
        // Every holder reserves before it buffers: the budget's own count never passes its limit.
        QVERIFY2(t.value(QStringLiteral("memory_buffered_peak_bytes")).toInteger()
                     <= t.value(QStringLiteral("memory_budget_bytes")).toInteger(),
                 qPrintable(QString::number(t.value(QStringLiteral("memory_buffered_peak_bytes")).toInteger())));
    }

    void cleanupTestCase()
    {
        m_server.terminate();
        QVERIFY(m_server.waitForFinished(10000));
        QCOMPARE(m_server.exitStatus(), QProcess::NormalExit);
        QCOMPARE(m_server.exitCode(), 0);
    }

    void sendingAheadOfADelayedHandshake()
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        QVERIFY(socket.waitForConnected());
        socket.write(upgradeRequest("/v1/listen?model=taskscope-load-sink&faults=latency%3D3000"));
        pushFor(socket, QByteArray(mib, 'j'), 4000);
        socket.abort();
    }

    void chatWithAnEightMiBModelName()
    {
        const QByteArray body = "{\"model\":\"" + QByteArray(8 * mib, 'm')
            + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true,\"x_tokens_per_second\":0}";
        const QByteArray reply = rawExchange(m_port, chatRequest(body), 20000);
        QVERIFY2(reply.startsWith("HTTP/1.1 400"), reply.left(100).constData());
    }

    void chatReaderPausingAtAMillionTokensPerSecond()
    {
        QTcpSocket socket;
        socket.setReadBufferSize(64 * 1024);
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        QVERIFY(socket.waitForConnected());
        socket.write(chatRequest("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true,"
                                 "\"x_tokens\":5000000,\"x_tokens_per_second\":1000000}"));
        QTest::qWait(5000);
        qint64 received = 0;
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < 2000 && socket.state() == QAbstractSocket::ConnectedState) {
            received += socket.readAll().size();
            socket.waitForReadyRead(20);
        }
        QVERIFY2(received > 0 && socket.state() == QAbstractSocket::ConnectedState, "the paused reader was cut off");
        socket.abort();
    }

    void chatTenMillionTokensNotStreamed()
    {
        const QByteArray reply = rawExchange(
            m_port,
            chatRequest("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"x_tokens\":10000000,"
                        "\"x_tokens_per_second\":0}"),
            20000);
        QVERIFY2(reply.startsWith("HTTP/1.1 400"), reply.left(100).constData());
    }

    void fortyConnectionsHoldingMostOfA64MiBBody()
    {
        std::vector<std::unique_ptr<QTcpSocket>> sockets;
        for (int i = 0; i < 40; ++i) {
            auto socket = std::make_unique<QTcpSocket>();
            socket->connectToHost(QHostAddress::LocalHost, m_port);
            QVERIFY(socket->waitForConnected());
            socket->write("POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + QByteArray::number(64 * mib)
                          + "\r\n\r\n");
            sockets.push_back(std::move(socket));
        }
        const QByteArray piece(mib, 'b');
        std::vector<qint64> sent(sockets.size(), 0);
        QElapsedTimer clock;
        clock.start();
        bool more = true;
        while (more && clock.elapsed() < 60000) {
            more = false;
            for (size_t i = 0; i < sockets.size(); ++i) {
                QTcpSocket &s = *sockets[i];
                if (s.state() != QAbstractSocket::ConnectedState || sent[i] >= 48 * mib)
                    continue;
                more = true;
                if (s.bytesToWrite() < 2 * mib) {
                    s.write(piece);
                    sent[i] += piece.size();
                }
            }
            QTest::qWait(1);
        }
        sockets.clear();
    }

    void aThousandClientsAtOnce()
    {
        rlimit files {};
        if (getrlimit(RLIMIT_NOFILE, &files) != 0 || files.rlim_cur < 2200)
            QSKIP("needs 2,200 open files (ulimit -n)");
        // Each announces a 4 MiB body and sends 256 KiB of it: together far past the budget.
        std::vector<std::unique_ptr<QTcpSocket>> sockets;
        const QByteArray piece(256 * 1024, 'b');
        for (int i = 0; i < 1000; ++i) {
            auto socket = std::make_unique<QTcpSocket>();
            socket->connectToHost(QHostAddress::LocalHost, m_port);
            sockets.push_back(std::move(socket));
        }
        QVERIFY(QTest::qWaitFor(
            [&] {
                return std::all_of(sockets.begin(), sockets.end(),
                                   [](const auto &s) { return s->state() != QAbstractSocket::ConnectingState; });
            },
            20000));
        for (auto &s : sockets)
            s->write("POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + QByteArray::number(4 * mib) + "\r\n\r\n"
                     + piece);
        QTest::qWait(5000);
        sockets.clear();
    }

    void speakFloodAndASecondClientsFirstAudio()
    {
        QTcpSocket flooder;
        flooder.connectToHost(QHostAddress::LocalHost, m_port);
        QVERIFY(flooder.waitForConnected());
        flooder.write(upgradeRequest("/v1/speak?encoding=linear16&sample_rate=8000"));
        const QByteArray speak = P::encodeMasked(
            P::Text, "{\"type\":\"Speak\",\"text\":\"Hello there, this is a flood.\"}", 0x01020304u, true);
        const QByteArray flush = P::encodeMasked(P::Text, "{\"type\":\"Flush\"}", 0x01020304u, true);
        QByteArray burst;
        for (int i = 0; i < 60000; ++i)
            burst += speak + flush;
        flooder.write(burst);
        QTest::qWait(500);
        RawWebSocket other;
        QVERIFY(other.open(m_port, "/v1/speak?encoding=linear16&sample_rate=8000"));
        QElapsedTimer clock;
        clock.start();
        other.send(P::Text, "{\"type\":\"Speak\",\"text\":\"Am I heard?\"}");
        other.send(P::Text, "{\"type\":\"Flush\"}");
        const auto frames = other.readFrames(
            [](const auto &frames) {
                return std::any_of(frames.begin(), frames.end(), [](const auto &f) { return f.opcode == P::Binary; });
            },
            60000);
        const qint64 firstAudioMs = clock.elapsed();
        qInfo() << "second client's first audio after" << firstAudioMs << "ms";
        QVERIFY(std::any_of(frames.begin(), frames.end(), [](const auto &f) { return f.opcode == P::Binary; }));
        flooder.abort();
    }

    void speakReaderPausingAt48kHz()
    {
        // Four 2,000-character jobs at 48 kHz (about 10 minutes of audio, 55 MiB) to a client that reads
        // nothing for 5 s: synthesis waits for the socket, so the stream is not cut and comes whole.
        RawWebSocket ws;
        QVERIFY(ws.open(m_port, "/v1/speak?encoding=linear16&sample_rate=48000"));
        ws.socket.setReadBufferSize(4096);
        const QByteArray text =
            QByteArray("This is a long sentence that keeps going and going. ").repeated(38).left(1990);
        for (int i = 0; i < 4; ++i) {
            ws.send(P::Text, "{\"type\":\"Speak\",\"text\":\"" + text + "\"}");
            ws.send(P::Text, "{\"type\":\"Flush\"}");
        }
        QTest::qWait(5000);
        ws.socket.setReadBufferSize(0);
        qint64 audio = 0;
        int flushed = 0;
        const auto frames = ws.readFrames(
            [&](const auto &got) {
                flushed = int(std::count_if(got.begin(), got.end(), [](const auto &f) {
                    return f.opcode == P::Text && f.payload.contains("Flushed");
                }));
                return flushed == 4 || RawWebSocket::hasClose(got);
            },
            120000);
        for (const auto &f : frames)
            audio += f.opcode == P::Binary ? f.payload.size() : 0;
        qInfo() << "paused speak reader got" << audio / mib << "MiB of audio and" << flushed << "Flushed";
        QCOMPARE(flushed, 4);
        QVERIFY(!RawWebSocket::hasClose(frames));
        QCOMPARE(ws.socket.state(), QAbstractSocket::ConnectedState);
    }

    void echoOf64MiBToAReaderThatPauses()
    {
        QTcpSocket socket;
        socket.setReadBufferSize(64 * 1024);
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        QVERIFY(socket.waitForConnected());
        socket.write("GET /v1/echo?bytes=" + QByteArray::number(64 * mib)
                     + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        QTest::qWait(3000);
        qint64 received = 0;
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < 60000 && socket.state() == QAbstractSocket::ConnectedState) {
            received += socket.readAll().size();
            socket.waitForReadyRead(20);
        }
        received += socket.readAll().size();
        QVERIFY2(received > 64 * mib, qPrintable(QString::number(received)));
    }

private:
    qint64 status(const char *field) const
    {
        QFile file(QStringLiteral("/proc/%1/status").arg(m_pid));
        if (!file.open(QIODevice::ReadOnly))
            return -1;
        const QByteArray prefix = QByteArray(field) + ':';
        for (const QByteArray &line : file.readAll().split('\n')) {
            if (line.startsWith(prefix))
                return line.mid(prefix.size()).trimmed().split(' ').first().toLongLong();
        }
        return -1;
    }

    // Writing 5 to clear_refs resets the peak resident set (VmHWM) to the current one.
    bool resetPeak() const
    {
        QFile file(QStringLiteral("/proc/%1/clear_refs").arg(m_pid));
        return file.open(QIODevice::WriteOnly) && file.write("5") == 1;
    }

    QJsonObject totals() const
    {
        const QByteArray reply = rawExchange(m_port, "GET /v1/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                                             5000);
        return QJsonDocument::fromJson(reply.mid(reply.indexOf("\r\n\r\n") + 4))
            .object()
            .value(QStringLiteral("totals"))
            .toObject();
    }

    bool healthy() const
    {
        return rawExchange(m_port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 5000)
            .startsWith("HTTP/1.1 200");
    }

    QProcess m_server;
    qint64 m_pid = 0;
    quint16 m_port = 0;
    qint64 m_idleRssKiB = 0;
    qint64 m_refusedBefore = 0;
};

QTEST_GUILESS_MAIN(tst_HostileClients)
#include "tst_hostileclients.moc"
