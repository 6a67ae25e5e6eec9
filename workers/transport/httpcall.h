#pragma once

#include "workers/execution/eventsource.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QUrl>
#include <qcoro/qcorotask.h>

#include <chrono>
#include <utility>

namespace Taskscope::Execution {
class ExecutionContext;
} // namespace Taskscope::Execution

namespace Taskscope::Transport {

/// One HTTP request/response as a workload sees it, the same in every execution model. Made by
/// createHttpCall() (transportfactory.h): an AsyncHttpCall (the thread's QNetworkAccessManager) or,
/// in the Blocking model, a BlockingHttpCall (HTTP/1.1 over a blocking socket). The body can be
/// read incrementally while it arrives (SSE) or all at once:
///
///     auto call = createHttpCall(ctx);
///     call->start({"POST", url, {{"Authorization", "Bearer " + key}}, body});
///     while (!call->isFinished()) {
///         parser.feed(call->readBody());
///         if (co_await ctx.waitEvent(*call, idleDeadline, names.replyData) != WaitOutcome::Event) { call->abort();
///         break; }
///     }
///     parser.feed(call->readBody());
///
/// or `QByteArray body = co_await call->readAll(30s);`. status() is the HTTP status (0 when no
/// response came); errorString() is set only for transport failures (refused, reset, timeout,
/// cancelled, malformed response), never for a 4xx/5xx response, which is a response like any other.
class HttpCall : public Execution::EventSource
{
public:
    struct Request
    {
        QByteArray method = "GET";
        QUrl url;
        QList<std::pair<QByteArray, QByteArray>> headers;
        QByteArray body;
        std::chrono::nanoseconds timeout = std::chrono::seconds(
            30); ///< connect + send (blocking) / idle transfer (async)
    };

    explicit HttpCall(Execution::ExecutionContext *context)
        : m_context(context)
    {
    }
    ~HttpCall() override = default;
    Q_DISABLE_COPY_MOVE(HttpCall)

    /// Starts the request. The Blocking model connects and sends here (bounded by timeout).
    virtual void start(const Request &request) = 0;
    /// Ends the exchange at once; isFinished() becomes true with errorString() "aborted" (unless done).
    virtual void abort() = 0;
    /// Body bytes received since the last call.
    virtual QByteArray readBody() = 0;

    /// Waits until the response is complete (or `timeout` passes: aborted, error set; or the stream
    /// is cancelled) and returns the body bytes not read yet.
    QCoro::Task<QByteArray> readAll(std::chrono::nanoseconds timeout);

    bool headersReceived() const { return m_status != 0; }
    int status() const { return m_status; }
    QByteArray header(QByteArrayView name) const;
    bool isFinished() const { return m_finished; }
    bool succeeded() const { return m_finished && m_error.isEmpty(); }
    QString errorString() const { return m_error; }
    qint64 bodyBytesReceived() const { return m_bodyBytes; }

protected:
    void setHeaders(int status, QList<std::pair<QByteArray, QByteArray>> headers);
    void setFinished(const QString &error);

    Execution::ExecutionContext *m_context;
    qint64 m_bodyBytes = 0;

private:
    int m_status = 0;
    QList<std::pair<QByteArray, QByteArray>> m_headers;
    bool m_finished = false;
    QString m_error;
};

} // namespace Taskscope::Transport
