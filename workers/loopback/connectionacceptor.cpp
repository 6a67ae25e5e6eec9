#include "workers/loopback/connectionacceptor.h"

#include "workers/loopback/networkloop.h"
#include "workers/loopback/servicecontext.h"

namespace Taskscope::Loopback {

ConnectionAcceptor::ConnectionAcceptor(ServiceContext *context, QList<NetworkLoop *> loops, QObject *parent)
    : QTcpServer(parent)
    , m_context(context)
    , m_loops(std::move(loops))
{
    setMaxPendingConnections(4096);
    setListenBacklogSize(4096); // bursts of a thousand connects must not hit SYN retries
}

void ConnectionAcceptor::incomingConnection(qintptr descriptor)
{
    m_context->stats().connectionsAccepted.fetch_add(1, std::memory_order_relaxed);
    NetworkLoop *loop = m_loops.at(m_next);
    m_next = (m_next + 1) % int(m_loops.size());
    if (loop->thread() == thread())
        loop->adoptSocket(descriptor);
    else
        QMetaObject::invokeMethod(
            loop, [loop, descriptor] { loop->adoptSocket(descriptor); }, Qt::QueuedConnection);
}

} // namespace Taskscope::Loopback
