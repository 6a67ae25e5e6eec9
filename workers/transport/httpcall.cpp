#include "workers/transport/httpcall.h"

#include "model/trace/tracenames.h"
#include "workers/execution/executioncontext.h"

using Taskscope::Execution::ExecutionContext;
using Taskscope::Execution::WaitOutcome;
using Taskscope::Trace::NameId;
using Taskscope::Trace::TraceNames;

namespace Taskscope::Transport {

QByteArray HttpCall::header(QByteArrayView name) const
{
    for (const auto &[n, v] : m_headers) {
        if (n.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    }
    return {};
}

void HttpCall::setHeaders(int status, QList<std::pair<QByteArray, QByteArray>> headers)
{
    m_status = status;
    m_headers = std::move(headers);
    notify();
}

void HttpCall::setFinished(const QString &error)
{
    if (m_finished)
        return;
    m_finished = true;
    m_error = error;
    notify();
}

QCoro::Task<QByteArray> HttpCall::readAll(std::chrono::nanoseconds timeout)
{
    static const NameId what = TraceNames::intern("reply finished");
    const Execution::ExecutionClock::time_point deadline = Execution::ExecutionClock::now() + timeout;
    QByteArray body;
    while (!isFinished()) {
        body += readBody();
        const WaitOutcome outcome = co_await m_context->waitEvent(*this, deadline, what);
        if (outcome == WaitOutcome::Cancelled) {
            abort();
            setFinished(QStringLiteral("cancelled"));
            break;
        }
        if (outcome == WaitOutcome::Deadline && !isFinished()) {
            abort();
            setFinished(QStringLiteral("no complete response within %1 ms")
                            .arg(std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count()));
            break;
        }
    }
    body += readBody();
    co_return body;
}

} // namespace Taskscope::Transport
