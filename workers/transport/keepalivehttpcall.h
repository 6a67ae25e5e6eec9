#pragma once

#include "workers/transport/httpcall.h"
#include "workers/transport/httpresponseparser.h"

#include <QPointer>

class QTcpSocket;

namespace Taskscope::Transport {

/// HttpCall over a reused HTTP/1.1 keep-alive connection of this thread (KeepAliveConnectionPool):
/// plain `http://` only, one request in flight per connection, TCP_NODELAY. What a request-rate
/// client needs and QNetworkAccessManager is too heavy for: QNAM spends ~0.4 ms of CPU per request
/// here and caps a host at 6 connections, which made the burst 3-5 % of `wrk`. A reused connection
/// that the server had closed is retried once on a fresh one (nothing was answered on it).
/// Used by the request burst in the thread, coroutine and offload models; the Blocking model keeps
/// BlockingHttpCall.
class KeepAliveHttpCall final : public HttpCall
{
public:
    explicit KeepAliveHttpCall(Execution::ExecutionContext *context);
    ~KeepAliveHttpCall() override;
    Q_DISABLE_COPY_MOVE(KeepAliveHttpCall)

    /// True for URLs this call can fetch (http://).
    static bool supports(const QUrl &url);

    void start(const Request &request) override;
    void abort() override;
    QByteArray readBody() override;

private:
    void open(bool reuse);
    void onReadyRead();
    void onClosed(const QString &why);
    void finish(const QString &error, bool reusable);
    void detach();

    QPointer<QTcpSocket> m_socket;
    QString m_key;
    QString m_host;
    quint16 m_port = 80;
    QByteArray m_head;
    HttpResponseParser m_parser;
    bool m_reused = false;
    bool m_retried = false;
    bool m_gotBytes = false;
};

} // namespace Taskscope::Transport
