#pragma once

#include "workers/transport/blockingsocket.h"
#include "workers/transport/httpcall.h"
#include "workers/transport/httpresponseparser.h"

namespace Taskscope::Transport {

/// A minimal HTTP/1.1 client whose waits really block the calling thread (the Blocking model's
/// analogue of Python's requests): one connection per call (Connection: close), the request written
/// in start(), the response read only inside blockUntil() while the coroutine waits on the call.
/// Content-Length, chunked and close-delimited bodies (HttpResponseParser), delivered incrementally.
class BlockingHttpCall final : public HttpCall
{
public:
    explicit BlockingHttpCall(Execution::ExecutionContext *context);
    ~BlockingHttpCall() override;
    Q_DISABLE_COPY_MOVE(BlockingHttpCall)

    void start(const Request &request) override;
    void abort() override;
    QByteArray readBody() override;
    Execution::WaitOutcome blockUntil(qint64 deadlineNs, const std::atomic<bool> &cancelled) override;

private:
    bool absorb(const QByteArray &bytes);

    BlockingSocket m_socket;
    HttpResponseParser m_parser;
};

} // namespace Taskscope::Transport
