#pragma once

#include <QMutex>
#include <QtGlobal>

#include <atomic>
#include <memory>
#include <vector>

class QObject;

namespace Taskscope::Execution {

/// Cancellation for a stream and every coroutine it runs (QCoro 0.8 has none, upstream #107).
///
/// cancel() may be called from any thread: it sets an atomic flag that every await checks, and
/// asks each registered ExecutionContext (on its own thread, through a queued call) to wake the
/// awaits it has pending, so a coroutine suspended on a socket, a reply, a pool job or a pacer
/// wait resumes at once with WaitOutcome::Cancelled. Blocking waits poll the flag at least every
/// 50 ms. Shared by a stream's root context and its children (ExecutionContext::spawn).
class CancelToken final
{
public:
    CancelToken() = default;
    Q_DISABLE_COPY_MOVE(CancelToken)

    static std::shared_ptr<CancelToken> create() { return std::make_shared<CancelToken>(); }

    void cancel();
    bool isCancelled() const noexcept { return m_cancelled.load(std::memory_order_acquire); }
    const std::atomic<bool> &flag() const noexcept { return m_cancelled; }

    /// Registration of a context's wake-up (its anchor QObject lives in the context's thread and
    /// is unregistered before it is destroyed, so the queued call never reaches a dead object).
    using WakeFunction = void (*)(QObject *anchor);
    void attach(QObject *anchor, WakeFunction wake);
    void detach(QObject *anchor);

private:
    std::atomic<bool> m_cancelled {false};
    QMutex m_mutex;
    struct Attached
    {
        QObject *anchor;
        WakeFunction wake;
    };
    std::vector<Attached> m_attached;
};

} // namespace Taskscope::Execution
