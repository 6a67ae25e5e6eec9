#pragma once

#include "workers/transport/httpcall.h"

#include <QPointer>

class QNetworkReply;

namespace Taskscope::Transport {

/// HttpCall over the thread's long-lived QNetworkAccessManager (Thread, Coroutine, Offload models).
/// readyRead / metaDataChanged / finished notify the waiting coroutine.
class AsyncHttpCall final : public HttpCall
{
public:
    explicit AsyncHttpCall(Execution::ExecutionContext *context);
    ~AsyncHttpCall() override;
    Q_DISABLE_COPY_MOVE(AsyncHttpCall)

    void start(const Request &request) override;
    void abort() override;
    QByteArray readBody() override;

private:
    void onMetaData();
    void onFinished();
    QPointer<QNetworkReply> m_reply;
    bool m_aborted = false;
};

} // namespace Taskscope::Transport
