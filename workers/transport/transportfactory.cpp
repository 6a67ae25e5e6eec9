#include "workers/transport/transportfactory.h"

#include "workers/execution/executioncontext.h"
#include "workers/transport/asynchttpcall.h"
#include "workers/transport/asyncwebsocket.h"
#include "workers/transport/blockinghttpcall.h"
#include "workers/transport/blockingwebsocket.h"

using Taskscope::Execution::ExecutionContext;

namespace Taskscope::Transport {

std::unique_ptr<WebSocketTransport> createWebSocket(ExecutionContext &context)
{
    if (context.blocksThread())
        return std::make_unique<BlockingWebSocket>(&context);
    return std::make_unique<AsyncWebSocket>(&context);
}

std::unique_ptr<HttpCall> createHttpCall(ExecutionContext &context)
{
    if (context.blocksThread())
        return std::make_unique<BlockingHttpCall>(&context);
    return std::make_unique<AsyncHttpCall>(&context);
}

} // namespace Taskscope::Transport
