#include "workers/transport/asynchttpcall.h"

#include "workers/execution/executioncontext.h"
#include "workers/execution/threadservices.h"

#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>

using Taskscope::Execution::ExecutionContext;
using Taskscope::Execution::ThreadServices;

namespace Taskscope::Transport {

namespace {

/// The thread's one long-lived QNetworkAccessManager (never one per request: QCoro's replies
/// misbehave when their manager goes first). A child of the thread's services, so it is destroyed
/// with them on that thread.
QNetworkAccessManager &threadNetworkManager(ThreadServices &services)
{
    thread_local QPointer<QNetworkAccessManager> t_network;
    if (!t_network) {
        t_network = new QNetworkAccessManager(&services);
        // Workloads measure the network, not a cache or a proxy lookup.
        t_network->setProxy(QNetworkProxy::NoProxy);
        t_network->setAutoDeleteReplies(false);
    }
    return *t_network;
}

} // namespace

AsyncHttpCall::AsyncHttpCall(ExecutionContext *context)
    : HttpCall(context)
{
}

AsyncHttpCall::~AsyncHttpCall()
{
    if (m_reply) {
        m_reply->disconnect();
        m_reply->abort();
        // Never delete a reply synchronously (QCoro #231); its manager outlives it.
        m_reply->deleteLater();
    }
}

void AsyncHttpCall::start(const Request &request)
{
    QNetworkRequest r(request.url);
    for (const auto &[name, value] : request.headers)
        r.setRawHeader(name, value);
    if (!request.body.isEmpty() && !r.hasRawHeader("Content-Type"))
        r.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/octet-stream"));
    r.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    r.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    r.setTransferTimeout(int(std::clamp<qint64>(
        std::chrono::duration_cast<std::chrono::milliseconds>(request.timeout).count(), 1, 1 << 30)));
    QNetworkAccessManager &nam = threadNetworkManager(*m_context->services());
    m_reply = nam.sendCustomRequest(r, request.method, request.body);
    QObject::connect(m_reply, &QNetworkReply::metaDataChanged, m_reply, [this] { onMetaData(); });
    QObject::connect(m_reply, &QNetworkReply::readyRead, m_reply, [this] { notify(); });
    QObject::connect(m_reply, &QNetworkReply::finished, m_reply, [this] { onFinished(); });
}

void AsyncHttpCall::onMetaData()
{
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 0 || headersReceived())
        return;
    QList<std::pair<QByteArray, QByteArray>> headers;
    const QList<QNetworkReply::RawHeaderPair> &raw = m_reply->rawHeaderPairs();
    for (const auto &pair : raw)
        headers.append({pair.first, pair.second});
    setHeaders(status, std::move(headers));
}

void AsyncHttpCall::onFinished()
{
    onMetaData();
    const QNetworkReply::NetworkError error = m_reply->error();
    QString text;
    if (m_aborted)
        text = QStringLiteral("aborted");
    else if (error == QNetworkReply::OperationCanceledError)
        text = QStringLiteral("transfer timed out"); // setTransferTimeout fired
    else if (error != QNetworkReply::NoError && (!headersReceived() || int(error) < 100))
        text = m_reply->errorString(); // no response, or the connection broke mid-body
    // Other errors (2xx-4xx codes of NetworkError) only restate an HTTP status: a response, not a failure.
    setFinished(text);
}

void AsyncHttpCall::abort()
{
    if (!m_reply || isFinished())
        return;
    m_aborted = true;
    m_reply->abort(); // emits finished
    if (!isFinished())
        setFinished(QStringLiteral("aborted"));
}

QByteArray AsyncHttpCall::readBody()
{
    if (!m_reply || !m_reply->isOpen())
        return {};
    QByteArray bytes = m_reply->readAll();
    m_bodyBytes += bytes.size();
    return bytes;
}

} // namespace Taskscope::Transport
