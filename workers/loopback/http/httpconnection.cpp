#include "workers/loopback/http/httpconnection.h"

#include "workers/loopback/endpoints/chatcompletionstream.h"
#include "workers/loopback/endpoints/listensession.h"
#include "workers/loopback/endpoints/prerecordedtranscription.h"
#include "workers/loopback/endpoints/speakrestresponse.h"
#include "workers/loopback/endpoints/speaksession.h"
#include "workers/loopback/loopbacklog.h"
#include "workers/loopback/networkloop.h"
#include "workers/loopback/servicecontext.h"
#include "workers/loopback/websocket/websocketconnection.h"
#include "workers/loopback/websocket/websockethandshake.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QUuid>

namespace Taskscope::Loopback {

namespace {

constexpr qint64 drainedWatermark = 64 * 1024;
// The socket's read buffer while a body streams in (until then it holds a head's worth), and on a
// WebSocket, where it is reserved for the connection's life: 1,000 streams take 128 MiB of the budget.
constexpr qint64 readBufferBytes = 256 * 1024;
constexpr qint64 webSocketReadBufferBytes = 64 * 1024;
constexpr qint64 maxEchoBytes = 64 * 1024 * 1024;
// A large response body goes out in pieces of this size while the socket holds less than the watermark.
constexpr qint64 bodyPieceBytes = 64 * 1024;
constexpr qint64 bodyWatermark = 256 * 1024;
constexpr qsizetype maxTagLength = 256;

// The control endpoints answer even when the memory budget is spent (they buffer next to nothing).
bool isControlPath(const QString &path)
{
    return path == u"/healthz" || path == u"/v1/stats";
}

HttpRequestParser::Limits parserLimits(const LoopbackConfig &config)
{
    HttpRequestParser::Limits limits;
    limits.maxHeaderBytes = config.maxHeaderBytes;
    limits.maxBodyBytes = config.maxRequestBodyBytes;
    return limits;
}

QByteArray truncatedForFault(const QByteArray &body)
{
    return body.left(std::max<qsizetype>(1, body.size() / 2));
}

} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, ServiceContext *context, NetworkLoop *loop)
    : QObject(loop)
    , m_socket(socket)
    , m_context(context)
    , m_loop(loop)
    , m_parser(parserLimits(context->config()))
    , m_headReadBytes(context->config().maxHeaderBytes + 1024)
    , m_charge(&context->memory())
{
    socket->setParent(this);
    socket->setReadBufferSize(m_headReadBytes);
    m_peer = socket->peerAddress().toString() + QLatin1Char(':') + QString::number(socket->peerPort());
    m_context->stats().connectionsOpen.fetch_add(1, std::memory_order_relaxed);
    m_idleTimer.setSingleShot(true);
    connect(&m_idleTimer, &QTimer::timeout, this, [this] {
        // Idle keep-alive connection or a request head that never completed.
        if (!m_busy && m_socket) {
            if (!m_input.isEmpty() || m_parser.headersComplete())
                respondError(408, QStringLiteral("request not completed in time"), true);
            else
                m_socket->disconnectFromHost();
        }
    });
    m_dropTimer.setSingleShot(true);
    connect(&m_dropTimer, &QTimer::timeout, this, [this] { dropConnection(QStringLiteral("drop-after-ms")); });
    m_latencyTimer.setSingleShot(true);
    m_latencyTimer.setTimerType(Qt::PreciseTimer); // a coarse timer may fire up to 5 % early
    connect(&m_latencyTimer, &QTimer::timeout, this, &HttpConnection::dispatch);
    m_handshakeTimer.setSingleShot(true);
    connect(&m_handshakeTimer, &QTimer::timeout, this, &HttpConnection::handshakeTimedOut);
    connect(&m_slowReadTimer, &QTimer::timeout, this, [this] {
        readFromSocket(std::max<qint64>(1, m_slowReadRate / 10));
        processInput();
    });
    connect(socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(socket, &QTcpSocket::bytesWritten, this, [this] {
        QPointer<HttpConnection> self(this);
        if (!m_pendingBody.isEmpty() || m_pendingFill > 0)
            pumpBody();
        if (!self)
            return;
        accountMemory();
        if (m_socket && m_socket->bytesToWrite() < drainedWatermark)
            emit writeBufferDrained();
    });
    connect(socket, &QTcpSocket::disconnected, this, [this] {
        m_gone = true;
        emit responseAborted();
        deleteLater();
    });
}

HttpConnection::~HttpConnection()
{
    m_context->stats().connectionsOpen.fetch_sub(1, std::memory_order_relaxed);
    if (!m_gone) {
        m_gone = true;
        emit responseAborted();
    }
    if (m_socket) {
        m_socket->disconnect(this);
        delete m_socket;
    }
}

void HttpConnection::start()
{
    // The head's room is reserved before anything is read; without it the service is full.
    if (!m_charge.reserve(headShare())) {
        refuseForMemory();
        return;
    }
    m_idleTimer.start(m_context->config().headerTimeoutMs);
    if (m_socket && m_socket->bytesAvailable() > 0)
        onReadyRead();
}

qint64 HttpConnection::pendingWriteBytes() const
{
    return (m_socket ? m_socket->bytesToWrite() : 0) + m_eventBatch.size();
}

void HttpConnection::accountMemory()
{
    qint64 bytes = m_input.size() + m_parser.currentRequest().body.capacity() + m_request.body.capacity()
        + m_eventBatch.size() + m_pendingBody.size();
    if (m_socket)
        bytes += m_socket->bytesToWrite() + m_socket->bytesAvailable();
    m_charge.set(bytes);
}

void HttpConnection::onReadyRead()
{
    QPointer<HttpConnection> self(this);
    while (self && m_socket && !m_gone && !m_slowReadTimer.isActive() && m_socket->bytesAvailable() > 0) {
        // While a response is in progress, pipelined input waits in the socket (bounded by its read buffer).
        if (m_busy && m_input.size() > m_context->config().maxHeaderBytes)
            return;
        // Until the head is parsed, read only a head's worth: the request's faults (slow-read) apply to its body.
        readFromSocket(m_parser.headersComplete() ? -1 : m_context->config().maxHeaderBytes + 1024);
        processInput();
    }
    if (self)
        accountMemory();
}

void HttpConnection::readFromSocket(qint64 maxBytes)
{
    if (!m_socket)
        return;
    const QByteArray data = maxBytes < 0 ? m_socket->readAll() : m_socket->read(maxBytes);
    m_context->stats().bytesReceived.fetch_add(data.size(), std::memory_order_relaxed);
    m_input += data;
}

void HttpConnection::processInput()
{
    QPointer<HttpConnection> self(this);
    while (self && !m_busy && m_socket && !m_gone) {
        if (m_input.isEmpty() && !m_parser.headersComplete())
            return;
        const auto state = m_parser.feed(m_input);
        if (state == HttpRequestParser::State::Error) {
            respondError(m_parser.errorStatus(), m_parser.errorMessage(), true);
            return;
        }
        if (m_parser.headersComplete() && !m_faultsEvaluated) {
            if (!admitBody()) {
                refuseForMemory();
                return;
            }
            m_parser.reserveBody();
            evaluateFaults();
            if (!self || m_busy)
                return;
            // From here the body has its own timer, restarted whenever a byte of it arrives.
            m_bodyProgress = 0;
            m_idleTimer.start(m_context->config().headerTimeoutMs);
        }
        if (state == HttpRequestParser::State::NeedMoreData) {
            if (!m_parser.headersComplete())
                return;
            const HttpRequest &head = m_parser.currentRequest();
            const qint64 received = head.body.size();
            if (received > m_bodyProgress) {
                m_bodyProgress = received;
                m_idleTimer.start(m_context->config().headerTimeoutMs);
                // A chunked body has no length to reserve up front: its room grows with it.
                if (head.hasHeader("transfer-encoding")
                    && !m_charge.reserve(headShare() + head.body.capacity() + 2 * readBufferBytes,
                                         isControlPath(head.path) ? 0 : m_context->memory().headroom())) {
                    refuseForMemory();
                    return;
                }
            }
            if (m_faults.dropAfterRxBytes >= 0 && received >= m_faults.dropAfterRxBytes)
                dropConnection(QStringLiteral("drop-after-rx-bytes"));
            return;
        }
        handleRequest(m_parser.takeRequest());
    }
}

bool HttpConnection::admitBody()
{
    // The announced body and the read buffer it streams through are reserved in one atomic step
    // before the buffer may fill: two network threads cannot both take the last room.
    const HttpRequest &head = m_parser.currentRequest();
    const bool chunked = head.hasHeader("transfer-encoding");
    const qint64 announced = std::max<qint64>(0, head.header("content-length").toLongLong());
    if (announced == 0 && !chunked)
        return true;
    const qint64 share = headShare() + announced + 2 * readBufferBytes;
    if (!m_charge.reserve(share, isControlPath(head.path) ? 0 : m_context->memory().headroom()))
        return false;
    if (m_socket)
        m_socket->setReadBufferSize(readBufferBytes);
    return true;
}

void HttpConnection::evaluateFaults()
{
    m_faultsEvaluated = true;
    const HttpRequest &head = m_parser.currentRequest();
    m_faultError.clear();
    if (!m_context->faultsFor(head, &m_faults, &m_faultError))
        m_faults = FaultSpec {};
    if (m_faults.slowReadBytesPerSecond > 0 && m_socket) {
        m_slowReadRate = m_faults.slowReadBytesPerSecond;
        m_socket->setReadBufferSize(std::max<qint64>(512, m_slowReadRate / 10));
        m_slowReadTimer.start(100);
        m_context->stats().faultsApplied.fetch_add(1, std::memory_order_relaxed);
    }
    // Tell a client that waits for it to send the body (curl does for bodies over 1 KiB).
    if (head.headerHasToken("expect", "100-continue") && !m_continueSent && m_socket && head.versionMinor == 1) {
        static const QByteArray continueLine = QByteArrayLiteral("HTTP/1.1 100 Continue\r\n\r\n");
        m_socket->write(continueLine);
        m_continueSent = true;
    }
}

void HttpConnection::handleRequest(HttpRequest request)
{
    m_idleTimer.stop();
    m_busy = true;
    m_request = std::move(request);
    m_faultsEvaluated = false;
    m_continueSent = false;
    m_requestClock.start();
    m_responseStatus = 0;
    m_responseBodyBytes = 0;
    m_eventsWritten = 0;
    m_bodyProgress = -1;
    m_context->stats().httpRequests.fetch_add(1, std::memory_order_relaxed);
    if (!m_faultError.isEmpty()) {
        respondError(400, QStringLiteral("bad fault spec: %1").arg(m_faultError));
        return;
    }
    if (m_faults.dropAfterMs >= 0)
        m_dropTimer.start(NetworkLoop::timerMs(m_faults.dropAfterMs));
    if (m_request.isWebSocketUpgrade())
        m_handshakeTimer.start(m_context->config().handshakeTimeoutMs);
    if (m_faults.latencyMs > 0) {
        m_context->stats().faultsApplied.fetch_add(1, std::memory_order_relaxed);
        m_latencyTimer.start(NetworkLoop::timerMs(m_faults.latencyMs));
        return;
    }
    dispatch();
}

void HttpConnection::handshakeTimedOut()
{
    // Still an HTTP connection: the 101 was not written in time (a latency fault holds it back).
    if (m_gone || !m_socket)
        return;
    m_latencyTimer.stop();
    m_context->stats().handshakesTimedOut.fetch_add(1, std::memory_order_relaxed);
    HttpResponse response = HttpResponse::error(
        503,
        QStringLiteral("WebSocket handshake not completed within %1 ms").arg(m_context->config().handshakeTimeoutMs));
    m_closeAfterResponse = true;
    respond(response);
}

void HttpConnection::dispatch()
{
    if (m_gone)
        return;
    const QString &path = m_request.path;
    const QByteArray &method = m_request.method;
    if (!isControlPath(path) && m_context->memory().isExhausted())
        return refuseForMemory();
    if (m_faults.httpStatus != 0) {
        m_context->stats().faultsApplied.fetch_add(1, std::memory_order_relaxed);
        HttpResponse response = HttpResponse::error(m_faults.httpStatus,
                                                    QStringLiteral("injected fault: HTTP %1").arg(m_faults.httpStatus));
        if (m_faults.httpStatus == 429 || m_faults.httpStatus == 503)
            response.setHeader("Retry-After", QByteArray::number(m_faults.retryAfterSeconds));
        respond(response);
        return;
    }
    const bool get = method == "GET" || method == "HEAD";
    const bool post = method == "POST";
    auto wrongMethod = [this](const QByteArray &allow) {
        HttpResponse response = HttpResponse::error(
            405,
            QStringLiteral("method %1 not allowed here; use %2")
                .arg(QString::fromLatin1(m_request.method), QString::fromLatin1(allow)));
        response.setHeader("Allow", allow);
        respond(response);
    };
    if (path == u"/healthz") {
        if (!get)
            return wrongMethod("GET");
        respond(HttpResponse::json(200, "{\"status\":\"ok\"}"));
    } else if (path == u"/") {
        if (!get)
            return wrongMethod("GET");
        const QJsonObject about {
            {QStringLiteral("service"), QStringLiteral("taskscope-loopback")},
            {QStringLiteral("endpoints"),
             QJsonArray {QStringLiteral("GET /v1/listen (WebSocket, Deepgram listen v1)"),
                         QStringLiteral("POST /v1/listen (prerecorded)"),
                         QStringLiteral("GET /v1/speak (WebSocket, Deepgram speak v1)"),
                         QStringLiteral("POST /v1/speak (audio)"),
                         QStringLiteral("POST /v1/chat/completions (OpenAI-compatible, SSE)"),
                         QStringLiteral("GET /v1/models"), QStringLiteral("GET|POST /v1/echo?latency_ms=&bytes="),
                         QStringLiteral("GET /v1/stats?tag=&id="), QStringLiteral("GET /healthz")}}};
        respond(HttpResponse::json(200, QJsonDocument(about).toJson(QJsonDocument::Compact)));
    } else if (path == u"/v1/stats") {
        if (!get)
            return wrongMethod("GET");
        handleStats();
    } else if (path == u"/v1/echo") {
        if (!get && !post)
            return wrongMethod("GET, POST");
        handleEcho();
    } else if (path == u"/v1/listen") {
        if (!m_context->isAuthorized(m_request))
            return respondUnauthorized(true);
        if (m_request.isWebSocketUpgrade())
            return upgradeToWebSocket(true);
        if (post)
            return PrerecordedTranscription::start(this);
        if (get) {
            HttpResponse response = HttpResponse::error(
                426,
                QStringLiteral("GET /v1/listen needs a WebSocket upgrade; POST audio for prerecorded transcription"));
            response.setHeader("Upgrade", "websocket");
            return respond(response);
        }
        return wrongMethod("GET, POST");
    } else if (path == u"/v1/speak") {
        if (!m_context->isAuthorized(m_request))
            return respondUnauthorized(true);
        if (m_request.isWebSocketUpgrade())
            return upgradeToWebSocket(false);
        if (post)
            return SpeakRestResponse::start(this);
        return wrongMethod("GET (WebSocket), POST");
    } else if (path == u"/v1/chat/completions") {
        if (!post)
            return wrongMethod("POST");
        if (!m_context->isAuthorized(m_request))
            return respondUnauthorized(false);
        ChatCompletionStream::start(this);
    } else if (path == u"/v1/models") {
        if (!get)
            return wrongMethod("GET");
        if (!m_context->isAuthorized(m_request))
            return respondUnauthorized(false);
        handleModels();
    } else {
        respondError(404, QStringLiteral("no endpoint at %1").arg(path));
    }
}

void HttpConnection::respondUnauthorized(bool deepgramStyle)
{
    if (deepgramStyle) {
        const QJsonObject body {{QStringLiteral("err_code"), QStringLiteral("INVALID_AUTH")},
                                {QStringLiteral("err_msg"), QStringLiteral("Invalid credentials.")},
                                {QStringLiteral("request_id"), QUuid::createUuid().toString(QUuid::WithoutBraces)}};
        HttpResponse response = HttpResponse::json(401, QJsonDocument(body).toJson(QJsonDocument::Compact));
        response.setHeader("WWW-Authenticate", "Token");
        respond(response);
        return;
    }
    HttpResponse response = HttpResponse::error(401, QStringLiteral("Incorrect API key provided."),
                                                "invalid_request_error");
    response.setHeader("WWW-Authenticate", "Bearer");
    respond(response);
}

void HttpConnection::upgradeToWebSocket(bool listen)
{
    int status = 400;
    const QString problem = WebSocketHandshake::validate(m_request, &status);
    if (!problem.isEmpty()) {
        HttpResponse response = HttpResponse::error(status, problem);
        if (status == 426)
            response.setHeader("Sec-WebSocket-Version", "13");
        m_closeAfterResponse = true;
        respond(response);
        return;
    }
    if (m_request.queryValue(QStringLiteral("tag")).size() > maxTagLength) {
        respond(HttpResponse::error(400, QStringLiteral("tag longer than %1 characters").arg(maxTagLength)));
        return;
    }
    ListenOptions listenOptions;
    SpeakOptions speakOptions;
    QString optionsError;
    if (listen ? !ListenOptions::parse(m_request, &listenOptions, &optionsError)
               : !SpeakOptions::parse(m_request, &speakOptions, &optionsError)) {
        respond(HttpResponse::error(400, optionsError));
        return;
    }
    const bool loadSink = listen && ListenSession::wantsLoadSink(m_context, listenOptions);
    bool holdsRecognitionSlot = false;
    if (listen && !loadSink) {
        holdsRecognitionSlot = m_context->tryAcquireRecognitionSlot();
        if (!holdsRecognitionSlot) {
            m_context->stats().recognitionRejected.fetch_add(1, std::memory_order_relaxed);
            HttpResponse response = HttpResponse::error(
                503,
                QStringLiteral("recognition capacity reached (%1 live streams); use model=taskscope-load-sink "
                               "for scale runs")
                    .arg(m_context->config().maxRecognitionStreams));
            response.setHeader("Retry-After", "1");
            respond(response);
            return;
        }
    }
    // The WebSocket's read buffer is reserved before the 101 (and handed to the connection below).
    if (!m_charge.reserve(2 * webSocketReadBufferBytes, m_context->memory().headroom())) {
        if (holdsRecognitionSlot)
            m_context->releaseRecognitionSlot();
        refuseForMemory();
        return;
    }
    const QByteArray requestId = QUuid::createUuid().toString(QUuid::WithoutBraces).toLatin1();
    m_dropTimer.stop(); // the WebSocket connection runs its own drop timer from the handshake
    m_handshakeTimer.stop();
    QTcpSocket *socket = m_socket;
    socket->disconnect(this);
    m_socket = nullptr;
    m_slowReadTimer.stop();
    // Bounded: a client sending faster than we read sees TCP backpressure.
    socket->setReadBufferSize(webSocketReadBufferBytes);
    auto *ws = new WebSocketConnection(socket, std::exchange(m_input, QByteArray()), m_faults, m_context, m_loop,
                                       m_request.path, m_loop);
    ws->adoptMemoryReservation(m_charge);
    m_loop->registerConnection(ws);
    std::unique_ptr<WebSocketSession> session;
    if (listen)
        session = std::make_unique<ListenSession>(ws, m_context, listenOptions, QString::fromLatin1(requestId),
                                                  loadSink, holdsRecognitionSlot);
    else
        session = std::make_unique<SpeakSession>(ws, m_context, speakOptions, QString::fromLatin1(requestId),
                                                 m_request.queryValue(QStringLiteral("tag")));
    ws->setSession(std::move(session));
    ws->start(WebSocketHandshake::accept(m_request, requestId));
    m_gone = true;
    deleteLater();
}

void HttpConnection::handleStats()
{
    const QJsonObject stats = m_context->stats().toJson(m_request.queryValue(QStringLiteral("tag")),
                                                        m_request.queryValue(QStringLiteral("id")));
    respond(HttpResponse::json(200, QJsonDocument(stats).toJson(QJsonDocument::Compact)));
}

void HttpConnection::handleEcho()
{
    bool ok = true;
    qint64 latency = 0;
    qint64 bytes = -1;
    if (m_request.query.hasQueryItem(QStringLiteral("latency_ms"))) {
        latency = m_request.queryValue(QStringLiteral("latency_ms")).toLongLong(&ok);
        if (!ok || latency < 0 || latency > 600'000)
            return respondError(400, QStringLiteral("latency_ms must be 0-600000"));
    }
    if (m_request.query.hasQueryItem(QStringLiteral("bytes"))) {
        bytes = m_request.queryValue(QStringLiteral("bytes")).toLongLong(&ok);
        if (!ok || bytes < 0 || bytes > maxEchoBytes)
            return respondError(400, QStringLiteral("bytes must be 0-%1").arg(maxEchoBytes));
    }
    auto reply = [this, bytes] {
        if (m_gone)
            return;
        if (bytes >= 0) {
            HttpResponse response;
            response.setHeader("Content-Type", "application/octet-stream");
            respondFilled(response, bytes);
            return;
        }
        QJsonObject query;
        const auto items = m_request.query.queryItems(QUrl::FullyDecoded);
        for (const auto &[key, value] : items)
            query.insert(key, value);
        const QJsonObject body {
            {QStringLiteral("method"), QString::fromLatin1(m_request.method)},
            {QStringLiteral("path"), m_request.path},
            {QStringLiteral("query"), query},
            {QStringLiteral("body_bytes"), double(m_request.body.size())},
            {QStringLiteral("received_at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)}};
        respond(HttpResponse::json(200, QJsonDocument(body).toJson(QJsonDocument::Compact)));
    };
    if (latency > 0)
        QTimer::singleShot(NetworkLoop::timerMs(latency), this, reply);
    else
        reply();
}

void HttpConnection::handleModels()
{
    const QJsonObject model {{QStringLiteral("id"), m_context->config().chatModel},
                             {QStringLiteral("object"), QStringLiteral("model")},
                             {QStringLiteral("created"), 1735689600},
                             {QStringLiteral("owned_by"), QStringLiteral("taskscope")}};
    const QJsonObject body {{QStringLiteral("object"), QStringLiteral("list")},
                            {QStringLiteral("data"), QJsonArray {model}}};
    respond(HttpResponse::json(200, QJsonDocument(body).toJson(QJsonDocument::Compact)));
}

void HttpConnection::respondError(int status, const QString &message, bool closeAfter)
{
    if (closeAfter)
        m_closeAfterResponse = true;
    adoptBareRequest();
    respond(HttpResponse::error(status, message));
}

void HttpConnection::adoptBareRequest()
{
    if (m_busy)
        return;
    // A parse error or a refusal before the request is whole: answer all the same.
    m_busy = true;
    m_request = HttpRequest {};
    m_request.versionMinor = 1;
    m_requestClock.start();
    m_context->stats().httpRequests.fetch_add(1, std::memory_order_relaxed);
}

void HttpConnection::refuseForMemory()
{
    m_context->stats().memoryRefused.fetch_add(1, std::memory_order_relaxed);
    m_closeAfterResponse = true;
    adoptBareRequest();
    HttpResponse response = HttpResponse::error(
        503,
        QStringLiteral("the server's memory budget (%1 MiB for all clients) is spent; retry later")
            .arg(m_context->memory().limit() / (1024 * 1024)));
    response.setHeader("Retry-After", "1");
    respond(response);
}

void HttpConnection::respond(HttpResponse response)
{
    respondFilled(std::move(response), 0);
}

void HttpConnection::respondFilled(HttpResponse response, qint64 fillBytes)
{
    if (m_gone || !m_socket || m_streaming || !m_pendingBody.isEmpty() || m_pendingFill > 0)
        return;
    m_responseStatus = response.status;
    if (response.status >= 400)
        m_context->stats().httpErrors.fetch_add(1, std::memory_order_relaxed);
    if (m_faults.malformedJsonMessage == 1 && !response.body.isEmpty()
        && response.headers.contains({QByteArray("Content-Type"), QByteArray("application/json")})) {
        m_context->stats().faultsApplied.fetch_add(1, std::memory_order_relaxed);
        response.body = truncatedForFault(response.body);
    }
    // A refused upgrade ends the connection: the client was about to switch protocols.
    if (m_request.isWebSocketUpgrade())
        m_closeAfterResponse = true;
    const bool keepAlive = !m_closeAfterResponse && m_request.keepAlive();
    if (!keepAlive)
        m_closeAfterResponse = true;
    if (fillBytes > 0)
        response.setHeader("Content-Length", QByteArray::number(fillBytes));
    const QByteArray head = response.serializeHead(keepAlive, fillBytes > 0);
    if (m_request.method == "HEAD")
        startBody(head, QByteArray(), 0);
    else
        startBody(head, std::move(response.body), fillBytes);
}

void HttpConnection::startBody(QByteArray head, QByteArray body, qint64 fillBytes)
{
    // drop-after-tx-bytes: the body is cut there and the connection dropped once it is out.
    m_dropAfterBody = m_faults.dropAfterTxBytes >= 0 && body.size() + fillBytes >= m_faults.dropAfterTxBytes;
    if (m_dropAfterBody) {
        body.truncate(qsizetype(std::min<qint64>(body.size(), m_faults.dropAfterTxBytes)));
        fillBytes = std::min(fillBytes, m_faults.dropAfterTxBytes - body.size());
    }
    // Small bodies go out with the head in one write.
    if (body.size() <= bodyPieceBytes && fillBytes == 0) {
        writeRaw(head + body, body.size());
        body.clear();
    } else {
        writeRaw(head, 0);
    }
    m_pendingBody = std::move(body);
    m_pendingBodyOffset = 0;
    m_pendingFill = fillBytes;
    pumpBody();
}

void HttpConnection::pumpBody()
{
    while (m_socket && !m_gone && m_socket->bytesToWrite() < bodyWatermark
           && (m_pendingBodyOffset < m_pendingBody.size() || m_pendingFill > 0)) {
        if (m_pendingBodyOffset < m_pendingBody.size()) {
            const QByteArray piece = m_pendingBody.mid(qsizetype(m_pendingBodyOffset), qsizetype(bodyPieceBytes));
            m_pendingBodyOffset += piece.size();
            writeRaw(piece, piece.size());
        } else {
            const qint64 n = std::min(m_pendingFill, bodyPieceBytes);
            m_pendingFill -= n;
            writeRaw(QByteArray(qsizetype(n), 'x'), n);
        }
    }
    if (m_gone) {
        m_pendingBody.clear();
        m_pendingFill = 0;
        return;
    }
    if (m_pendingBodyOffset < m_pendingBody.size() || m_pendingFill > 0)
        return; // the rest when the client has read this
    m_pendingBody.clear();
    m_pendingBodyOffset = 0;
    if (m_dropAfterBody) {
        m_dropAfterBody = false;
        dropConnection(QStringLiteral("drop-after-tx-bytes"));
        return;
    }
    finishResponse();
}

void HttpConnection::writeRaw(const QByteArray &bytes, qint64 payloadBytes)
{
    if (!m_socket)
        return;
    m_socket->write(bytes);
    m_responseBodyBytes += payloadBytes;
    m_context->stats().bytesSent.fetch_add(bytes.size(), std::memory_order_relaxed);
    if (m_socket->bytesToWrite() > m_context->config().maxPendingWriteBytes) {
        m_context->stats().slowClientsCutOff.fetch_add(1, std::memory_order_relaxed);
        m_gone = true;
        m_socket->abort();
        emit responseAborted();
    }
}

void HttpConnection::beginStream(HttpResponse head)
{
    if (m_gone || !m_socket || m_streaming)
        return;
    m_streaming = true;
    m_responseStatus = head.status;
    m_streamChunked = m_request.versionMinor >= 1;
    if (m_streamChunked)
        head.setHeader("Transfer-Encoding", "chunked");
    else
        m_closeAfterResponse = true;
    const bool keepAlive = m_streamChunked && !m_closeAfterResponse && m_request.keepAlive();
    if (!keepAlive)
        m_closeAfterResponse = true;
    writeRaw(head.serializeHead(keepAlive, true), 0);
}

void HttpConnection::writeEvent(const QByteArray &data)
{
    if (!m_streaming || m_gone)
        return;
    ++m_eventsWritten;
    const qint64 sentSoFar = m_responseBodyBytes + m_eventBatch.size();
    if (m_faults.dropAfterTxBytes >= 0 && sentSoFar + data.size() >= m_faults.dropAfterTxBytes) {
        m_eventBatch += data.left(qsizetype(m_faults.dropAfterTxBytes - sentSoFar));
        flushEvents();
        dropConnection(QStringLiteral("drop-after-tx-bytes"));
        return;
    }
    m_eventBatch += data;
    if (m_faults.dropAfterMessages >= 0 && m_eventsWritten >= m_faults.dropAfterMessages) {
        flushEvents();
        dropConnection(QStringLiteral("drop-after-messages"));
    }
}

void HttpConnection::flushEvents()
{
    if (m_eventBatch.isEmpty() || !m_streaming || !m_socket)
        return;
    const QByteArray batch = std::exchange(m_eventBatch, QByteArray());
    if (m_request.method == "HEAD")
        return;
    writeRaw(m_streamChunked ? HttpResponse::chunk(batch) : batch, batch.size());
}

void HttpConnection::endStream()
{
    if (!m_streaming || m_gone)
        return;
    flushEvents();
    if (m_streamChunked)
        writeRaw(HttpResponse::lastChunk(), 0);
    m_streaming = false;
    finishResponse();
}

void HttpConnection::finishResponse()
{
    m_dropTimer.stop();
    logRequest(m_responseStatus, m_responseBodyBytes);
    m_busy = false;
    m_request.body = QByteArray(); // responders that still need it hold their own copy
    // Back to a head's worth until the next request is admitted.
    m_charge.reserve(headShare());
    accountMemory();
    m_faults = FaultSpec {};
    m_faultError.clear();
    m_slowReadTimer.stop();
    if (m_socket)
        m_socket->setReadBufferSize(m_headReadBytes);
    if (m_closeAfterResponse) {
        m_gone = true;
        if (m_socket)
            m_socket->disconnectFromHost();
        return;
    }
    m_idleTimer.start(m_context->config().keepAliveTimeoutMs);
    // Pipelined requests already buffered are answered next, after this call stack unwinds.
    QTimer::singleShot(0, this, [this] {
        if (m_socket && m_socket->bytesAvailable() > 0)
            readFromSocket(-1);
        processInput();
    });
}

void HttpConnection::dropConnection(const QString &why)
{
    if (m_gone)
        return;
    m_context->stats().faultsApplied.fetch_add(1, std::memory_order_relaxed);
    logRequest(m_responseStatus ? m_responseStatus : 0, m_responseBodyBytes);
    m_gone = true;
    m_streaming = false;
    if (m_socket) {
        m_socket->flush();
        m_socket->disconnectFromHost();
    }
    emit responseAborted();
    if (m_context->config().logConnections)
        qCInfo(lcLoopback).noquote() << QStringLiteral("%1 dropped by fault %2").arg(m_peer, why);
}

void HttpConnection::logRequest(int status, qint64 bytes)
{
    if (!m_context->config().logConnections)
        return;
    qCInfo(lcLoopback).noquote() << QStringLiteral("%1 %2 %3 %4 %5B %6ms")
                                        .arg(m_peer, QString::fromLatin1(m_request.method),
                                             m_request.path.isEmpty() ? QStringLiteral("-") : m_request.path)
                                        .arg(status)
                                        .arg(bytes)
                                        .arg(m_requestClock.isValid() ? m_requestClock.elapsed() : 0);
}

} // namespace Taskscope::Loopback
