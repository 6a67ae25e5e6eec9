#pragma once
// Shared pieces of the loopback network tests (header-only; each tst_*.cpp is its own executable):
// a running service, the bundled samples, a Qt WebSocket client that records everything it receives,
// and small synchronous HTTP helpers over a real QNetworkAccessManager or a raw QTcpSocket.
#include "workers/loopback/audio/wavheader.h"
#include "workers/loopback/loopbackservice.h"
#include "workers/loopback/websocket/websocketframeparser.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <QWebSocket>

#include <memory>
#include <optional>

namespace LoopbackTest {

inline std::unique_ptr<Taskscope::Loopback::LoopbackService> startService(
    Taskscope::Loopback::LoopbackConfig config = Taskscope::Loopback::LoopbackConfig {})
{
    auto service = std::make_unique<Taskscope::Loopback::LoopbackService>(config);
    if (!service->start())
        qWarning() << "loopback service did not start:" << service->errorString();
    return service;
}

// The PCM bytes (16 kHz mono linear16) of a bundled sample.
inline QByteArray samplePcm(const QString &name)
{
    QFile file(QStringLiteral(":/speech/%1.wav").arg(name));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray bytes = file.readAll();
    const Taskscope::Loopback::WavHeader header = Taskscope::Loopback::WavHeader::parse(bytes);
    return header.status == Taskscope::Loopback::WavHeader::Status::Ok ? bytes.mid(header.dataOffset) : QByteArray();
}

inline QByteArray sampleWav(const QString &name)
{
    QFile file(QStringLiteral(":/speech/%1.wav").arg(name));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

inline QStringList sampleText(const QString &name)
{
    QFile file(QStringLiteral(":/speech/%1.txt").arg(name));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

inline QByteArray silence(int milliseconds)
{
    return QByteArray(qsizetype(milliseconds) * 32, '\0');
}

// A WebSocket client that keeps every message and how the connection ended.
class RecordingClient : public QObject
{
public:
    QWebSocket socket;
    QList<QJsonObject> messages; // parsed text messages, in order
    QList<QByteArray> rawTexts;
    QByteArray audio; // concatenated binary messages
    int binaryMessages = 0;
    bool connected = false;
    bool disconnected = false;
    int closeCode = -1;
    QString closeReason;
    QString errorText;
    // Set when the connection ended without a close frame (QWebSocket then still reports closeCode 1000).
    std::optional<QAbstractSocket::SocketError> socketError;

    RecordingClient()
    {
        connect(&socket, &QWebSocket::connected, this, [this] { connected = true; });
        connect(&socket, &QWebSocket::disconnected, this, [this] {
            disconnected = true;
            closeCode = socket.closeCode();
            closeReason = socket.closeReason();
        });
        connect(&socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
            rawTexts << text.toUtf8();
            messages << QJsonDocument::fromJson(text.toUtf8()).object();
        });
        connect(&socket, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &data) {
            audio += data;
            ++binaryMessages;
        });
        connect(&socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
                [this](QAbstractSocket::SocketError e) {
                    socketError = e;
                    errorText = socket.errorString();
                });
    }

    bool open(const QUrl &url, const QByteArray &authorization = QByteArray(), int timeoutMs = 5000)
    {
        QNetworkRequest request(url);
        if (!authorization.isEmpty())
            request.setRawHeader("Authorization", authorization);
        socket.open(request);
        return QTest::qWaitFor([this] { return connected || disconnected; }, timeoutMs) && connected;
    }

    void sendAudio(const QByteArray &pcm, int chunkBytes)
    {
        for (qsizetype at = 0; at < pcm.size(); at += chunkBytes)
            socket.sendBinaryMessage(pcm.mid(at, chunkBytes));
    }

    void sendJson(const char *type)
    {
        socket.sendTextMessage(QStringLiteral("{\"type\":\"%1\"}").arg(QLatin1String(type)));
    }

    QList<QJsonObject> ofType(const QString &type) const
    {
        QList<QJsonObject> out;
        for (const QJsonObject &m : messages) {
            if (m.value(QStringLiteral("type")).toString() == type)
                out << m;
        }
        return out;
    }

    bool waitFor(const std::function<bool()> &condition, int timeoutMs = 10000)
    {
        return QTest::qWaitFor(condition, timeoutMs);
    }

    bool waitForType(const QString &type, int count = 1, int timeoutMs = 10000)
    {
        return QTest::qWaitFor([&] { return ofType(type).size() >= count; }, timeoutMs);
    }

    bool waitClosed(int timeoutMs = 10000)
    {
        return QTest::qWaitFor([this] { return disconnected; }, timeoutMs);
    }

    // Finals with a non-empty transcript, in order.
    QStringList finalTranscripts() const
    {
        QStringList out;
        for (const QJsonObject &m : ofType(QStringLiteral("Results"))) {
            const QString t = transcriptOf(m);
            if (m.value(QStringLiteral("is_final")).toBool() && !t.isEmpty())
                out << t;
        }
        return out;
    }

    static QString transcriptOf(const QJsonObject &results)
    {
        return results.value(QStringLiteral("channel"))
            .toObject()
            .value(QStringLiteral("alternatives"))
            .toArray()
            .first()
            .toObject()
            .value(QStringLiteral("transcript"))
            .toString();
    }

    static QJsonArray wordsOf(const QJsonObject &results)
    {
        return results.value(QStringLiteral("channel"))
            .toObject()
            .value(QStringLiteral("alternatives"))
            .toArray()
            .first()
            .toObject()
            .value(QStringLiteral("words"))
            .toArray();
    }
};

struct HttpResult
{
    int status = 0;
    QByteArray body;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QList<QNetworkReply::RawHeaderPair> headers;
    qint64 elapsedMs = 0;

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[k, v] : headers) {
            if (k.compare(name, Qt::CaseInsensitive) == 0)
                return v;
        }
        return {};
    }
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

inline HttpResult httpRequest(QNetworkAccessManager &nam, const QByteArray &method, const QUrl &url,
                              const QByteArray &body = QByteArray(),
                              const QList<std::pair<QByteArray, QByteArray>> &headers = {}, int timeoutMs = 15000)
{
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    for (const auto &[k, v] : headers)
        request.setRawHeader(k, v);
    if (!body.isEmpty() && !request.hasRawHeader("Content-Type"))
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QElapsedTimer clock;
    clock.start();
    QNetworkReply *reply = nam.sendCustomRequest(request, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec();
    HttpResult result;
    result.elapsedMs = clock.elapsed();
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.error = reply->error();
    result.headers = reply->rawHeaderPairs();
    reply->abort();
    reply->deleteLater();
    return result;
}

// Writes raw bytes to the server and collects what comes back until the server closes or the timeout.
inline QByteArray rawExchange(quint16 port, const QByteArray &bytes, int timeoutMs = 5000,
                              bool *closedByServer = nullptr)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(timeoutMs))
        return {};
    socket.write(bytes);
    QByteArray received;
    QElapsedTimer clock;
    clock.start();
    bool closed = false;
    while (clock.elapsed() < timeoutMs) {
        if (socket.state() != QAbstractSocket::ConnectedState) {
            closed = true;
            break;
        }
        if (socket.waitForReadyRead(50))
            received += socket.readAll();
    }
    received += socket.readAll();
    if (closedByServer)
        *closedByServer = closed;
    return received;
}

// A WebSocket client over a raw TCP socket, for frames a well-behaved client never sends.
class RawWebSocket
{
public:
    QTcpSocket socket;
    QByteArray handshakeReply;
    QByteArray input;

    bool open(quint16 port, const QByteArray &pathAndQuery, const QByteArray &extraHeaders = QByteArray(),
              int timeoutMs = 5000)
    {
        socket.connectToHost(QHostAddress::LocalHost, port);
        if (!socket.waitForConnected(timeoutMs))
            return false;
        socket.write("GET " + pathAndQuery
                     + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                       "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                     + extraHeaders + "\r\n");
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < timeoutMs && !input.contains("\r\n\r\n")) {
            if (socket.waitForReadyRead(50))
                input += socket.readAll();
            if (socket.state() != QAbstractSocket::ConnectedState)
                break;
        }
        const qsizetype end = input.indexOf("\r\n\r\n");
        if (end < 0)
            return false;
        handshakeReply = input.left(end + 4);
        input.remove(0, end + 4);
        return handshakeReply.startsWith("HTTP/1.1 101");
    }

    void send(quint8 opcode, const QByteArray &payload, bool fin = true, bool masked = true)
    {
        socket.write(masked ? Taskscope::Loopback::WebSocketFrameParser::encodeMasked(opcode, payload, 0x12345678u, fin)
                            : Taskscope::Loopback::WebSocketFrameParser::encode(opcode, payload, fin));
        socket.flush();
    }

    // Reads server frames until `until` says stop, the server closes, or the timeout.
    QList<Taskscope::Loopback::WebSocketFrameParser::Frame> readFrames(
        const std::function<bool(const QList<Taskscope::Loopback::WebSocketFrameParser::Frame> &)> &until,
        int timeoutMs = 5000)
    {
        QList<Taskscope::Loopback::WebSocketFrameParser::Frame> frames;
        Taskscope::Loopback::WebSocketFrameParser parser(64 * 1024 * 1024, false);
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < timeoutMs) {
            qsizetype offset = 0;
            Taskscope::Loopback::WebSocketFrameParser::Frame frame;
            while (parser.next(input, offset, frame) == Taskscope::Loopback::WebSocketFrameParser::Result::Frame)
                frames << frame;
            input.remove(0, offset);
            if (until(frames) || socket.state() != QAbstractSocket::ConnectedState)
                break;
            if (socket.waitForReadyRead(50))
                input += socket.readAll();
        }
        return frames;
    }

    static int closeCodeOf(const QList<Taskscope::Loopback::WebSocketFrameParser::Frame> &frames)
    {
        for (const auto &f : frames) {
            if (f.opcode == Taskscope::Loopback::WebSocketFrameParser::Close && f.payload.size() >= 2)
                return (quint8(f.payload[0]) << 8) | quint8(f.payload[1]);
        }
        return -1;
    }

    static bool hasClose(const QList<Taskscope::Loopback::WebSocketFrameParser::Frame> &frames)
    {
        return closeCodeOf(frames) >= 0;
    }
};

} // namespace LoopbackTest
