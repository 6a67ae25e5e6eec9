#pragma once

#include <memory>

namespace Taskscope::Execution {
class ExecutionContext;
} // namespace Taskscope::Execution

namespace Taskscope::Transport {

class HttpCall;
class WebSocketTransport;

/// The WebSocket / HTTP client for a context's execution model, living on the context's thread:
/// QWebSocket / the thread's QNetworkAccessManager in the thread, coroutine and offload models,
/// BlockingWebSocket / BlockingHttpCall (a socket that really blocks) in the blocking model.
/// The choice lives here, not in the execution layer, so execution never depends on transports.
/// Destroy the client before the context.
std::unique_ptr<WebSocketTransport> createWebSocket(Execution::ExecutionContext &context);
std::unique_ptr<HttpCall> createHttpCall(Execution::ExecutionContext &context);

} // namespace Taskscope::Transport
