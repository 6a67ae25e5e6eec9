#pragma once
// Accepts TCP connections and deals them round-robin to the network loops (each on its own thread),
// so one accept thread can feed all cores.
#include <QList>
#include <QTcpServer>

namespace Taskscope::Loopback {

class NetworkLoop;
class ServiceContext;

class ConnectionAcceptor final : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionAcceptor)

public:
    ConnectionAcceptor(ServiceContext *context, QList<NetworkLoop *> loops, QObject *parent = nullptr);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    ServiceContext *m_context;
    QList<NetworkLoop *> m_loops;
    int m_next = 0;
};

} // namespace Taskscope::Loopback
