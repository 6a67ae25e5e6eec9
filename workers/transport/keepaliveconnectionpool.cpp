#include "workers/transport/keepaliveconnectionpool.h"

#include "workers/execution/threadservices.h"

#include <QTcpSocket>

using Taskscope::Execution::ThreadServices;

namespace Taskscope::Transport {

KeepAliveConnectionPool::KeepAliveConnectionPool(QObject *parent)
    : QObject(parent)
{
    setObjectName(QStringLiteral("taskscope keep-alive pool"));
}

KeepAliveConnectionPool::~KeepAliveConnectionPool()
{
    for (QList<QTcpSocket *> &sockets : m_idle)
        qDeleteAll(sockets);
}

KeepAliveConnectionPool *KeepAliveConnectionPool::current()
{
    ThreadServices *services = ThreadServices::current();
    auto *pool = services->findChild<KeepAliveConnectionPool *>(QString(), Qt::FindDirectChildrenOnly);
    return pool ? pool : new KeepAliveConnectionPool(services);
}

QTcpSocket *KeepAliveConnectionPool::take(const QString &key)
{
    auto it = m_idle.find(key);
    while (it != m_idle.end() && !it->isEmpty()) {
        QTcpSocket *socket = it->takeLast();
        socket->disconnect(this);
        if (socket->state() == QAbstractSocket::ConnectedState && socket->bytesAvailable() == 0) {
            ++m_reused;
            return socket;
        }
        socket->deleteLater(); // closed by the server while idle, or stray bytes: not reusable
    }
    return nullptr;
}

void KeepAliveConnectionPool::release(const QString &key, QTcpSocket *socket)
{
    if (!socket)
        return;
    socket->disconnect();
    QList<QTcpSocket *> &idle = m_idle[key];
    if (socket->state() != QAbstractSocket::ConnectedState || idle.size() >= MaxIdlePerHost) {
        socket->abort();
        socket->deleteLater();
        return;
    }
    // A server that closes an idle connection: forget it at once.
    connect(socket, &QTcpSocket::disconnected, this, [this, key, socket] {
        m_idle[key].removeOne(socket);
        socket->deleteLater();
    });
    idle.append(socket);
}

int KeepAliveConnectionPool::idleCount() const
{
    int n = 0;
    for (const QList<QTcpSocket *> &sockets : m_idle)
        n += int(sockets.size());
    return n;
}

} // namespace Taskscope::Transport
