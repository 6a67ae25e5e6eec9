#pragma once
// One accepted TCP connection speaking HTTP/1.1 (keep-alive, pipelining in order, chunked bodies,
// Expect: 100-continue): parses requests with hard limits, applies request faults, routes to the
// endpoints, and hands the socket to a WebSocketConnection on an upgrade. Responders (chat stream,
// prerecorded job) write through it, so faults and byte counts apply to every response alike.
#include "workers/loopback/faultspec.h"
#include "workers/loopback/http/httprequest.h"
#include "workers/loopback/http/httprequestparser.h"
#include "workers/loopback/http/httpresponse.h"
#include "workers/loopback/memorycharge.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QTcpSocket;

namespace Taskscope::Loopback {

class NetworkLoop;
class ServiceContext;

class HttpConnection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpConnection)

public:
    HttpConnection(QTcpSocket *socket, ServiceContext *context, NetworkLoop *loop);
    ~HttpConnection() override;

    void start();
    ServiceContext *context() const { return m_context; }
    NetworkLoop *loop() const { return m_loop; }
    // The request being answered and its fault spec.
    const HttpRequest &request() const { return m_request; }
    const FaultSpec &faults() const { return m_faults; }

    // A complete response (the malformed-json fault truncates a JSON body). A large body is written
    // piece by piece as the client reads, so a slow reader gets it later, whole.
    void respond(HttpResponse response);
    // A streamed response: chunked for HTTP/1.1 clients, close-delimited for HTTP/1.0.
    void beginStream(HttpResponse head);
    // Queues one event (an SSE event, an audio chunk); counts it for the message faults.
    void writeEvent(const QByteArray &data);
    qint64 queuedEventBytes() const { return m_eventBatch.size(); }
    // Writes queued events as one chunk.
    void flushEvents();
    void endStream();
    // Bytes written but not yet sent, plus queued events: producers stop while this is high.
    qint64 pendingWriteBytes() const;
    bool isGone() const { return m_gone; }

signals:
    void writeBufferDrained();
    // The client went away or a fault dropped the connection: responders must stop.
    void responseAborted();

private:
    void onReadyRead();
    void readFromSocket(qint64 maxBytes);
    void processInput();
    void evaluateFaults();
    // What is read before a head is parsed: the socket's buffer and our copy of it.
    qint64 headShare() const { return 2 * m_headReadBytes; }
    // Reserves the announced body's room in the memory budget; false if there is none.
    bool admitBody();
    void handleRequest(HttpRequest request);
    void dispatch();
    void upgradeToWebSocket(bool listen);
    void handshakeTimedOut();
    void handleStats();
    void handleEcho();
    void handleModels();
    void respondError(int status, const QString &message, bool closeAfter = false);
    // 503 + Retry-After and a close: the service's memory budget is spent.
    void refuseForMemory();
    void adoptBareRequest();
    // `response` with a body of `fillBytes` bytes 'x', made as they are written.
    void respondFilled(HttpResponse response, qint64 fillBytes);
    void startBody(QByteArray head, QByteArray body, qint64 fillBytes);
    void pumpBody();
    void accountMemory();
    void respondUnauthorized(bool deepgramStyle);
    void writeRaw(const QByteArray &bytes, qint64 payloadBytes);
    void finishResponse();
    void dropConnection(const QString &why);
    void logRequest(int status, qint64 bytes);

    QPointer<QTcpSocket> m_socket;
    ServiceContext *m_context;
    NetworkLoop *m_loop;
    QString m_peer;
    QByteArray m_input;
    HttpRequestParser m_parser;
    const qint64 m_headReadBytes; // the socket's read buffer until a body is admitted
    bool m_faultsEvaluated = false;
    bool m_continueSent = false;
    bool m_busy = false;
    bool m_gone = false;
    bool m_closeAfterResponse = false;
    bool m_streaming = false;
    bool m_streamChunked = false;
    HttpRequest m_request;
    FaultSpec m_faults;
    QString m_faultError;
    QElapsedTimer m_requestClock;
    int m_responseStatus = 0;
    qint64 m_responseBodyBytes = 0;
    qint64 m_eventsWritten = 0;
    QByteArray m_eventBatch;
    QTimer m_idleTimer;
    QTimer m_dropTimer;
    QTimer m_latencyTimer; // the latency fault: dispatch when it fires
    QTimer m_handshakeTimer; // an upgrade request not answered with 101 in time is refused
    QTimer m_slowReadTimer;
    qint64 m_slowReadRate = 0;
    qint64 m_bodyProgress = -1; // body bytes seen while the body arrives (its stall timer restarts on progress)
    QByteArray m_pendingBody; // the unsent rest of a large response body
    qint64 m_pendingBodyOffset = 0;
    qint64 m_pendingFill = 0; // ... or the count of filler bytes still to make
    bool m_dropAfterBody = false; // drop-after-tx-bytes: the body was cut at the drop point
    MemoryCharge m_charge;
};

} // namespace Taskscope::Loopback
