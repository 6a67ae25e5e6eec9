#pragma once
// The built-in loopback service, embeddable: the app (or a test) creates one, calls start() and gets
// the bound port; the service runs on its own threads (one accept/network thread per core, a
// recognition pool, the shared synthesis thread) and never blocks the caller's thread after start().
//
//   LoopbackConfig config;              // 127.0.0.1, free port, no key, 10 s idle timeout ...
//   LoopbackService service(config);
//   if (!service.start()) qWarning() << service.errorString();
//   QUrl ws = service.webSocketUrl(QStringLiteral("/v1/listen?encoding=linear16&sample_rate=16000"));
//   ServiceStats::Totals t = service.stats().totals();
//   service.stop();                     // also done by the destructor
//
// Endpoints: GET /v1/listen (WebSocket, Deepgram listen v1), POST /v1/listen (prerecorded),
// GET /v1/speak (WebSocket, Deepgram speak v1), POST /v1/speak, POST /v1/chat/completions (OpenAI,
// SSE), GET /v1/models, GET|POST /v1/echo?latency_ms=&bytes=, GET /v1/stats?tag=&id=, GET /healthz.
// Faults: see faultspec.h.
#include "workers/loopback/faultspec.h"
#include "workers/loopback/loopbackconfig.h"
#include "workers/loopback/servicestats.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QUrl>

#include <memory>

class QThread;

namespace Taskscope::Loopback {

class ConnectionAcceptor;
class NetworkLoop;
class ServiceContext;

class LoopbackService final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LoopbackService)

public:
    explicit LoopbackService(const LoopbackConfig &config = LoopbackConfig {}, QObject *parent = nullptr);
    ~LoopbackService() override;

    // Starts the threads and binds. Returns the port, or 0 with errorString() set. Blocks briefly.
    quint16 start();
    // Closes every connection, then stops the threads. Idempotent.
    void stop();
    bool isRunning() const { return m_port != 0; }
    quint16 port() const { return m_port; }
    QString errorString() const { return m_error; }
    // http://HOST:PORT and ws://HOST:PORT plus `pathAndQuery` (e.g. "/v1/listen?encoding=linear16").
    QUrl httpUrl(const QString &pathAndQuery = QString()) const;
    QUrl webSocketUrl(const QString &pathAndQuery = QString()) const;

    const LoopbackConfig &config() const { return m_config; }
    // Thread-safe counters and per-stream byte counts (also served at GET /v1/stats). Valid while running.
    ServiceStats &stats();
    // Replaces the server-wide fault spec at run time (thread-safe).
    void setFaults(const FaultSpec &faults);
    // Why parts of the service are degraded (missing models, sentences left out of the grammar).
    QStringList warnings() const;

private:
    LoopbackConfig m_config;
    std::unique_ptr<ServiceContext> m_context;
    QList<QThread *> m_threads;
    QList<NetworkLoop *> m_loops;
    ConnectionAcceptor *m_acceptor = nullptr;
    quint16 m_port = 0;
    QString m_error;
    std::unique_ptr<ServiceStats> m_idleStats;
};

} // namespace Taskscope::Loopback
