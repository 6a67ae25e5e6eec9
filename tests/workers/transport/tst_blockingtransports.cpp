// The Blocking model's transports: the RFC 6455 frame codec, the incremental HTTP/1.1 response
// parser, and BlockingWebSocket / BlockingHttpCall against scripted servers on 127.0.0.1 (run on
// their own thread, since the blocking clients block the test's thread as they would the UI's).
#include "model/trace/tracenames.h"
#include "workers/execution/executioncontext.h"
#include "workers/transport/blockinghttpcall.h"
#include "workers/transport/blockingwebsocket.h"
#include "workers/transport/httpresponseparser.h"
#include "workers/transport/websocketframecodec.h"

#include <QCryptographicHash>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QtTest>

#include <functional>
#include <memory>

using namespace Taskscope::Execution;
using namespace Taskscope::Model;
using namespace Taskscope::Trace;

using Taskscope::Transport::BlockingHttpCall;
using Taskscope::Transport::BlockingWebSocket;
using Taskscope::Transport::HttpCall;
using Taskscope::Transport::HttpResponseParser;
using Taskscope::Transport::WebSocketFrameCodec;
using Taskscope::Transport::WebSocketTransport;

using namespace std::chrono_literals;

namespace {

using Frame = WebSocketFrameCodec::Frame;

// A TCP server on its own thread that hands each accepted connection to `script` (blocking I/O).
class ScriptedServer
{
public:
    using Script = std::function<void(QTcpSocket &)>;
    explicit ScriptedServer(Script script)
        : m_script(std::move(script))
    {
        std::atomic<quint16> port {0};
        m_thread.reset(QThread::create([this, &port] {
            QTcpServer server;
            server.listen(QHostAddress::LocalHost);
            port = server.serverPort();
            while (!m_stop) {
                if (!server.waitForNewConnection(50))
                    continue;
                std::unique_ptr<QTcpSocket> socket(server.nextPendingConnection());
                m_script(*socket);
                if (socket->state() == QAbstractSocket::ConnectedState) {
                    socket->waitForBytesWritten(2000);
                    socket->disconnectFromHost();
                    if (socket->state() != QAbstractSocket::UnconnectedState)
                        socket->waitForDisconnected(2000);
                }
                ++m_completed;
            }
        }));
        m_thread->start();
        while (port == 0)
            QThread::msleep(1);
        m_port = port;
    }
    ~ScriptedServer()
    {
        m_stop = true;
        m_thread->wait();
    }
    quint16 port() const { return m_port; }
    /// Waits until `n` connections have been served (their scripts returned).
    bool waitCompleted(int n)
    {
        for (int i = 0; i < 500 && m_completed.load() < n; ++i)
            QThread::msleep(10);
        return m_completed.load() >= n;
    }

    // Blocking helpers for scripts.
    static QByteArray readHead(QTcpSocket &s)
    {
        QByteArray head;
        while (!head.contains("\r\n\r\n") && s.waitForReadyRead(5000))
            head += s.readAll();
        return head;
    }
    static void send(QTcpSocket &s, const QByteArray &bytes, int delayMs = 0)
    {
        if (delayMs)
            QThread::msleep(ulong(delayMs));
        s.write(bytes);
        s.flush();
        s.waitForBytesWritten(2000);
    }
    static void acceptWebSocket(QTcpSocket &s)
    {
        const QByteArray head = readHead(s);
        QByteArray key;
        for (const QByteArray &line : head.split('\n')) {
            if (line.toLower().startsWith("sec-websocket-key:"))
                key = line.mid(18).trimmed();
        }
        const QByteArray accept = QCryptographicHash::hash(QByteArray(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"),
                                                           QCryptographicHash::Sha1)
                                      .toBase64();
        send(s,
             "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                 + accept + "\r\n\r\n");
    }
    // Reads client frames (masked) until `count` arrive or 5 s pass.
    static QList<Frame> readFrames(QTcpSocket &s, int count)
    {
        WebSocketFrameCodec codec;
        QList<Frame> frames;
        Frame f;
        while (frames.size() < count) {
            while (codec.next(&f) == WebSocketFrameCodec::Result::Frame)
                frames.append(f);
            if (frames.size() >= count || !s.waitForReadyRead(5000))
                break;
            codec.feed(s.readAll());
        }
        return frames;
    }

private:
    Script m_script;
    std::unique_ptr<QThread> m_thread;
    std::atomic<bool> m_stop {false};
    std::atomic<int> m_completed {0};
    quint16 m_port = 0;
};

ExecutionContext::Config blockingConfig()
{
    ExecutionContext::Config c;
    c.model = ExecutionModel::Blocking;
    c.coroutineName = QStringLiteral("blocking test");
    return c;
}

// Drives a blocking WebSocket through a whole conversation; returns what it received.
struct WsResult
{
    bool opened = false;
    QString error;
    int handshakeStatus = 0;
    QList<std::pair<bool, QByteArray>> messages; // (binary, data)
    int closeCode = 0;
    QString closeReason;
    quint64 pings = 0;
};

QCoro::Task<WsResult> converse(quint16 port, QList<QByteArray> texts, bool closeFirst)
{
    WsResult r;
    ExecutionContext ctx(blockingConfig());
    BlockingWebSocket ws(&ctx);
    QNetworkRequest request(QUrl(QStringLiteral("ws://127.0.0.1:%1/v1/listen?x=1").arg(port)));
    request.setRawHeader("Authorization", "Token abc");
    r.opened = co_await ws.open(request, std::chrono::seconds(5));
    r.error = ws.errorString();
    r.handshakeStatus = ws.handshakeStatus();
    if (!r.opened)
        co_return r;
    for (const QByteArray &t : texts)
        ws.sendText(QString::fromUtf8(t));
    if (closeFirst)
        co_await ws.close(1000, QStringLiteral("bye"), std::chrono::seconds(5));
    const ExecutionClock::time_point deadline = ExecutionClock::now() + 5s;
    while (ws.state() != WebSocketTransport::State::Closed && ExecutionClock::now() < deadline)
        co_await ctx.waitEvent(ws, deadline, TraceNames::intern("test ws"));
    while (auto m = ws.takeMessage())
        r.messages.append({m->kind == WebSocketTransport::MessageKind::Binary, m->data});
    r.closeCode = ws.closeCode();
    r.closeReason = ws.closeReason();
    r.pings = ws.pingsAnswered();
    if (r.error.isEmpty())
        r.error = ws.errorString();
    co_return r;
}

struct HttpResult
{
    int status = 0;
    QList<QByteArray> pieces; // body as delivered to the reader, piece by piece
    bool succeeded = false;
    QString error;
    QByteArray header;
};

QCoro::Task<HttpResult> fetch(quint16 port, QByteArray method)
{
    HttpResult r;
    ExecutionContext ctx(blockingConfig());
    BlockingHttpCall call(&ctx);
    HttpCall::Request request;
    request.method = method;
    request.url = QUrl(QStringLiteral("http://127.0.0.1:%1/v1/chat?stream=true").arg(port));
    request.body = method == "POST" ? QByteArray("{\"hello\":1}") : QByteArray();
    call.start(request);
    const ExecutionClock::time_point deadline = ExecutionClock::now() + 5s;
    while (!call.isFinished() && ExecutionClock::now() < deadline) {
        co_await ctx.waitEvent(call, deadline, TraceNames::intern("test http"));
        const QByteArray piece = call.readBody();
        if (!piece.isEmpty())
            r.pieces.append(piece);
    }
    const QByteArray rest = call.readBody();
    if (!rest.isEmpty())
        r.pieces.append(rest);
    r.status = call.status();
    r.succeeded = call.succeeded();
    r.error = call.errorString();
    r.header = call.header("X-Test");
    co_return r;
}

} // namespace

class TestBlockingTransports : public QObject
{
    Q_OBJECT

private slots:
    void codecRoundTripsAnySplit_data();
    void codecRoundTripsAnySplit();
    void codecRejectsWhatNoPeerSends_data();
    void codecRejectsWhatNoPeerSends();
    void httpParserFramesBodies_data();
    void httpParserFramesBodies();
    void httpParserRejectsBrokenResponses_data();
    void httpParserRejectsBrokenResponses();

    void webSocketReassemblesAnswersPingsAndCloses();
    void webSocketRejectsMaskedServerFrames();
    void webSocketReportsRefusedUpgrade();
    void webSocketClosingHandshakeFromClient();
    void webSocketDropIsAbnormalClosure();
    void httpChunkedBodyArrivesIncrementally();
    void httpCloseDelimitedAndContentLength_data();
    void httpCloseDelimitedAndContentLength();
    void blockingCallHonoursCancelFromAnotherThread();
};

void TestBlockingTransports::codecRoundTripsAnySplit_data()
{
    QTest::addColumn<int>("size");
    QTest::addColumn<bool>("masked");
    for (int size : {0, 1, 125, 126, 1000, 65535, 65536, 70000}) {
        QTest::addRow("%d bytes masked", size) << size << true;
        QTest::addRow("%d bytes unmasked", size) << size << false;
    }
}

void TestBlockingTransports::codecRoundTripsAnySplit()
{
    QFETCH(int, size);
    QFETCH(bool, masked);
    QByteArray payload(size, Qt::Uninitialized);
    for (int i = 0; i < size; ++i)
        payload[i] = char(i * 7 + 3);
    const QByteArray wire = WebSocketFrameCodec::encode(WebSocketFrameCodec::Binary, payload, true,
                                                        masked ? std::optional<quint32>(0xA1B2C3D4u) : std::nullopt);
    // Whole, and split into pieces of 1, 2, 3 and 7 bytes (1-byte pieces only for small frames).
    for (int piece : {0, 1, 2, 3, 7}) {
        if (piece == 1 && size > 2000)
            continue;
        WebSocketFrameCodec codec;
        Frame frame;
        int frames = 0;
        for (qsizetype at = 0; at < wire.size();) {
            const qsizetype n = piece ? std::min<qsizetype>(piece, wire.size() - at) : wire.size();
            codec.feed(QByteArrayView(wire).sliced(at, n));
            at += n;
            while (codec.next(&frame) == WebSocketFrameCodec::Result::Frame)
                ++frames;
        }
        QCOMPARE(frames, 1);
        QCOMPARE(frame.payload, payload);
        QCOMPARE(frame.masked, masked);
        QCOMPARE(frame.opcode, quint8(WebSocketFrameCodec::Binary));
        QCOMPARE(codec.bufferedBytes(), 0);
    }
}

void TestBlockingTransports::codecRejectsWhatNoPeerSends_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<int>("closeCode");
    QTest::newRow("reserved bit") << QByteArray::fromHex("c100") << 1002;
    QTest::newRow("unknown opcode 3") << QByteArray::fromHex("8300") << 1002;
    QTest::newRow("fragmented ping") << QByteArray::fromHex("0900") << 1002;
    QTest::newRow("close longer than 125") << (QByteArray::fromHex("887e007e") + QByteArray(126, 'x')) << 1002;
    QTest::newRow("non-minimal 16-bit length") << (QByteArray::fromHex("827e0005") + QByteArray(5, 'x')) << 1002;
    QTest::newRow("non-minimal 64-bit length") << QByteArray::fromHex("827f0000000000000005") << 1002;
    QTest::newRow("length with the top bit set") << QByteArray::fromHex("827f8000000000000000") << 1002;
    QTest::newRow("larger than the cap") << QByteArray::fromHex("827f0000000100000000") << 1009;
}

void TestBlockingTransports::codecRejectsWhatNoPeerSends()
{
    QFETCH(QByteArray, wire);
    QFETCH(int, closeCode);
    WebSocketFrameCodec codec(1 << 20);
    codec.feed(wire);
    Frame frame;
    QCOMPARE(codec.next(&frame), WebSocketFrameCodec::Result::Error);
    QCOMPARE(codec.errorCloseCode(), closeCode);
    QVERIFY(!codec.errorString().isEmpty());
    codec.feed(QByteArray::fromHex("8100")); // stays failed
    QCOMPARE(codec.next(&frame), WebSocketFrameCodec::Result::Error);
}

void TestBlockingTransports::httpParserFramesBodies_data()
{
    QTest::addColumn<QByteArray>("response");
    QTest::addColumn<bool>("head");
    QTest::addColumn<bool>("needsClose"); // body ends with the connection
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("content-length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello") << false << false
                                    << 200 << QByteArray("hello");
    QTest::newRow("chunked with extension and trailer")
        << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=x\r\nhello\r\n7\r\n, "
                      "world\r\n0\r\nX-Trailer: 1\r\n\r\n")
        << false << false << 200 << QByteArray("hello, world");
    QTest::newRow("chunked with uppercase hex")
        << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n") << false
        << false << 200 << QByteArray("0123456789");
    QTest::newRow("close-delimited") << QByteArray(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: 1\n\ndata: 2\n\n")
                                     << false << true << 200 << QByteArray("data: 1\n\ndata: 2\n\n");
    QTest::newRow("204 has no body") << QByteArray("HTTP/1.1 204 No Content\r\n\r\n") << false << false << 204
                                     << QByteArray();
    QTest::newRow("HEAD has no body") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n") << true << false
                                      << 200 << QByteArray();
    QTest::newRow("100 Continue then 201")
        << QByteArray("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok") << false
        << false << 201 << QByteArray("ok");
    QTest::newRow("LF-only line ends") << QByteArray("HTTP/1.1 200 OK\nContent-Length: 3\n\nabc") << false << false
                                       << 200 << QByteArray("abc");
}

void TestBlockingTransports::httpParserFramesBodies()
{
    QFETCH(QByteArray, response);
    QFETCH(bool, head);
    QFETCH(bool, needsClose);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    for (int piece : {0, 1, 3}) {
        HttpResponseParser parser(head);
        QByteArray got;
        for (qsizetype at = 0; at < response.size();) {
            const qsizetype n = piece ? std::min<qsizetype>(piece, response.size() - at) : response.size();
            parser.feed(QByteArrayView(response).sliced(at, n));
            at += n;
            got += parser.takeBody();
        }
        QVERIFY2(!parser.hasError(), qPrintable(parser.errorString()));
        QCOMPARE(parser.isDone(), !needsClose);
        parser.finish();
        QVERIFY(parser.isDone());
        QCOMPARE(parser.status(), status);
        QCOMPARE(got + parser.takeBody(), body);
    }
}

void TestBlockingTransports::httpParserRejectsBrokenResponses_data()
{
    QTest::addColumn<QByteArray>("response");
    QTest::addColumn<bool>("atEof");
    QTest::addColumn<QString>("errorContains");
    QTest::newRow("not HTTP") << QByteArray("SSH-2.0-OpenSSH\r\n\r\n") << false << QStringLiteral("status line");
    QTest::newRow("bad chunk size") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
                                    << false << QStringLiteral("chunk size");
    QTest::newRow("chunk without CRLF") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX")
                                        << false << QStringLiteral("CRLF");
    QTest::newRow("short body at EOF") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc") << true
                                       << QStringLiteral("7 missing");
    QTest::newRow("truncated chunked at EOF")
        << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab") << true
        << QStringLiteral("middle");
    QTest::newRow("no response at all") << QByteArray() << true << QStringLiteral("without a response");
    QTest::newRow("invalid content-length")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n") << false << QStringLiteral("Content-Length");
    QTest::newRow("headers too large") << (QByteArray("HTTP/1.1 200 OK\r\nX: ") + QByteArray(70000, 'a')) << false
                                       << QStringLiteral("longer than");
}

void TestBlockingTransports::httpParserRejectsBrokenResponses()
{
    QFETCH(QByteArray, response);
    QFETCH(bool, atEof);
    QFETCH(QString, errorContains);
    HttpResponseParser parser;
    parser.feed(response);
    if (atEof)
        parser.finish();
    QVERIFY(parser.hasError());
    QVERIFY2(parser.errorString().contains(errorContains), qPrintable(parser.errorString()));
}

void TestBlockingTransports::webSocketReassemblesAnswersPingsAndCloses()
{
    QList<Frame> fromClient;
    ScriptedServer server([&](QTcpSocket &s) {
        ScriptedServer::acceptWebSocket(s);
        using C = WebSocketFrameCodec;
        // A text message in three fragments with a ping between them, then a binary message, then close.
        ScriptedServer::send(s, C::encode(C::Text, "hel", false, std::nullopt));
        ScriptedServer::send(s, C::encode(C::Ping, "p1", true, std::nullopt), 20);
        ScriptedServer::send(s, C::encode(C::Continuation, "lo ", false, std::nullopt), 20);
        ScriptedServer::send(s, C::encode(C::Continuation, "world", true, std::nullopt), 20);
        ScriptedServer::send(s, C::encode(C::Binary, QByteArray("\x00\x01\x02", 3), true, std::nullopt));
        fromClient = ScriptedServer::readFrames(s, 2); // the client's text and the pong
        ScriptedServer::send(
            s, C::encode(C::Close, C::closePayload(1011, QStringLiteral("NET-0001")), true, std::nullopt));
        fromClient += ScriptedServer::readFrames(s, 1); // the close echo
    });
    const WsResult r = QCoro::waitFor(converse(server.port(), {QByteArray("{\"type\":\"KeepAlive\"}")}, false));
    QVERIFY2(r.opened, qPrintable(r.error));
    QCOMPARE(r.messages.size(), 2);
    QCOMPARE(r.messages[0], std::make_pair(false, QByteArray("hello world")));
    QCOMPARE(r.messages[1], std::make_pair(true, QByteArray("\x00\x01\x02", 3)));
    QCOMPARE(r.pings, quint64(1));
    QCOMPARE(r.closeCode, 1011);
    QCOMPARE(r.closeReason, QStringLiteral("NET-0001"));
    // What the server got: masked frames (a client must mask), the pong with the ping's payload, the close echo.
    QVERIFY(server.waitCompleted(1)); // the script runs on the server's thread
    QCOMPARE(fromClient.size(), 3);
    for (const Frame &f : fromClient)
        QVERIFY(f.masked);
    QList<quint8> opcodes;
    for (const Frame &f : fromClient)
        opcodes << f.opcode;
    QVERIFY(opcodes.contains(quint8(WebSocketFrameCodec::Pong)));
    QVERIFY(opcodes.contains(quint8(WebSocketFrameCodec::Text)));
    QCOMPARE(opcodes.last(), quint8(WebSocketFrameCodec::Close));
    for (const Frame &f : fromClient) {
        if (f.opcode == WebSocketFrameCodec::Pong)
            QCOMPARE(f.payload, QByteArray("p1"));
        if (f.opcode == WebSocketFrameCodec::Text)
            QCOMPARE(f.payload, QByteArray("{\"type\":\"KeepAlive\"}"));
    }
}

void TestBlockingTransports::webSocketRejectsMaskedServerFrames()
{
    ScriptedServer server([](QTcpSocket &s) {
        ScriptedServer::acceptWebSocket(s);
        ScriptedServer::send(s, WebSocketFrameCodec::encode(WebSocketFrameCodec::Text, "sneaky", true, 0x01020304u));
        ScriptedServer::readFrames(s, 1);
    });
    const WsResult r = QCoro::waitFor(converse(server.port(), {}, false));
    QVERIFY(r.opened);
    QVERIFY(r.messages.isEmpty());
    QCOMPARE(r.closeCode, 1002);
    QVERIFY2(r.error.contains(QStringLiteral("masked")), qPrintable(r.error));
}

void TestBlockingTransports::webSocketReportsRefusedUpgrade()
{
    ScriptedServer server([](QTcpSocket &s) {
        ScriptedServer::readHead(s);
        ScriptedServer::send(s, "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n");
    });
    const WsResult r = QCoro::waitFor(converse(server.port(), {}, false));
    QVERIFY(!r.opened);
    QCOMPARE(r.handshakeStatus, 401);
    QVERIFY2(r.error.contains(QStringLiteral("HTTP 401")), qPrintable(r.error));
}

void TestBlockingTransports::webSocketClosingHandshakeFromClient()
{
    QList<Frame> fromClient;
    ScriptedServer server([&](QTcpSocket &s) {
        ScriptedServer::acceptWebSocket(s);
        fromClient = ScriptedServer::readFrames(s, 1);
        ScriptedServer::send(s,
                             WebSocketFrameCodec::encode(WebSocketFrameCodec::Close,
                                                         WebSocketFrameCodec::closePayload(1000, QString()), true,
                                                         std::nullopt));
    });
    const WsResult r = QCoro::waitFor(converse(server.port(), {}, true));
    QVERIFY(r.opened);
    QVERIFY(server.waitCompleted(1));
    QCOMPARE(fromClient.size(), 1);
    QCOMPARE(fromClient[0].opcode, quint8(WebSocketFrameCodec::Close));
    int code = 0;
    QString reason;
    QVERIFY(WebSocketFrameCodec::parseClosePayload(fromClient[0].payload, &code, &reason));
    QCOMPARE(code, 1000);
    QCOMPARE(reason, QStringLiteral("bye"));
    QCOMPARE(r.closeCode, 1000);
}

void TestBlockingTransports::webSocketDropIsAbnormalClosure()
{
    ScriptedServer server([](QTcpSocket &s) {
        ScriptedServer::acceptWebSocket(s);
        ScriptedServer::send(s,
                             WebSocketFrameCodec::encode(WebSocketFrameCodec::Text, "last words", true, std::nullopt));
        s.abort();
    });
    const WsResult r = QCoro::waitFor(converse(server.port(), {}, false));
    QVERIFY(r.opened);
    QCOMPARE(r.messages.size(), 1); // what arrived before the drop is kept
    QCOMPARE(r.closeCode, 1006);
}

void TestBlockingTransports::httpChunkedBodyArrivesIncrementally()
{
    QByteArray request;
    ScriptedServer server([&](QTcpSocket &s) {
        request = ScriptedServer::readHead(s);
        while (!request.endsWith("{\"hello\":1}") && s.waitForReadyRead(2000))
            request += s.readAll();
        ScriptedServer::send(s, "HTTP/1.1 200 OK\r\nX-Test: yes\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (const char *event : {"data: one\n\n", "data: two\n\n", "data: [DONE]\n\n"}) {
            const QByteArray e(event);
            ScriptedServer::send(s, QByteArray::number(e.size(), 16) + "\r\n" + e + "\r\n", 30);
        }
        ScriptedServer::send(s, "0\r\n\r\n", 30);
    });
    const HttpResult r = QCoro::waitFor(fetch(server.port(), "POST"));
    QVERIFY(server.waitCompleted(1));
    QVERIFY2(r.succeeded, qPrintable(r.error));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header, QByteArray("yes"));
    QVERIFY(r.pieces.size() >= 3); // delivered as it came, not at the end
    QCOMPARE(r.pieces.join(), QByteArray("data: one\n\ndata: two\n\ndata: [DONE]\n\n"));
    QVERIFY(request.startsWith("POST /v1/chat?stream=true HTTP/1.1\r\n"));
    QVERIFY(request.contains("Content-Length: 11\r\n"));
    QVERIFY(request.contains("Host: 127.0.0.1:"));
}

void TestBlockingTransports::httpCloseDelimitedAndContentLength_data()
{
    QTest::addColumn<QByteArray>("response");
    QTest::addColumn<bool>("succeeds");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("close-delimited") << QByteArray("HTTP/1.1 200 OK\r\n\r\nuntil the end") << true
                                     << QByteArray("until the end");
    QTest::newRow("content-length") << QByteArray("HTTP/1.1 429 Too Many Requests\r\nContent-Length: 4\r\n\r\nslow")
                                    << true << QByteArray("slow");
    QTest::newRow("short content-length")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\nshort") << false << QByteArray("short");
}

void TestBlockingTransports::httpCloseDelimitedAndContentLength()
{
    QFETCH(QByteArray, response);
    QFETCH(bool, succeeds);
    QFETCH(QByteArray, body);
    ScriptedServer server([response](QTcpSocket &s) {
        ScriptedServer::readHead(s);
        ScriptedServer::send(s, response);
    });
    const HttpResult r = QCoro::waitFor(fetch(server.port(), "GET"));
    QCOMPARE(r.succeeded, succeeds);
    QCOMPARE(r.pieces.join(), body);
    if (!succeeds)
        QVERIFY2(r.error.contains(QStringLiteral("missing")), qPrintable(r.error));
}

void TestBlockingTransports::blockingCallHonoursCancelFromAnotherThread()
{
    // The server accepts and never answers; only cancellation can end the wait before 5 s.
    ScriptedServer server([](QTcpSocket &s) {
        ScriptedServer::readHead(s);
        QThread::msleep(1500);
    });
    auto cancel = CancelToken::create();
    std::unique_ptr<QThread> canceller(QThread::create([cancel] {
        QThread::msleep(100);
        cancel->cancel();
    }));
    canceller->start();
    auto task = [](quint16 port, std::shared_ptr<CancelToken> cancel) -> QCoro::Task<WaitOutcome> {
        ExecutionContext::Config c = blockingConfig();
        c.cancel = cancel;
        ExecutionContext ctx(std::move(c));
        BlockingHttpCall call(&ctx);
        HttpCall::Request request;
        request.url = QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(port));
        call.start(request);
        co_return co_await ctx.waitEvent(call, ExecutionClock::now() + 5s, TraceNames::intern("test"));
    }(server.port(), cancel);
    QCOMPARE(QCoro::waitFor(task), WaitOutcome::Cancelled);
    canceller->wait();
}

QTEST_GUILESS_MAIN(TestBlockingTransports)
#include "tst_blockingtransports.moc"
