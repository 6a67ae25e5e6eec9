#pragma once

#include <QHash>
#include <QList>
#include <QObject>
#include <QString>

class QTcpSocket;

namespace Taskscope::Transport {

/// Idle HTTP/1.1 keep-alive connections of one thread, by "host:port" (plain HTTP only). A child of
/// the thread's ThreadServices, so it lives and dies with the thread; sockets are used only on it.
/// Bounded: at most MaxIdlePerHost idle connections per host are kept, extra ones are closed.
class KeepAliveConnectionPool final : public QObject
{
    Q_OBJECT
public:
    static constexpr int MaxIdlePerHost = 512;

    /// The calling thread's pool (created on first use; the thread needs an event loop).
    static KeepAliveConnectionPool *current();

    /// An idle connected socket for host:port, or null. The caller owns it until release().
    QTcpSocket *take(const QString &key);
    /// Gives a socket back for reuse (closed and deleted if it cannot be reused).
    void release(const QString &key, QTcpSocket *socket);

    int idleCount() const;
    quint64 reused() const { return m_reused; }

    ~KeepAliveConnectionPool() override;
    Q_DISABLE_COPY_MOVE(KeepAliveConnectionPool)

private:
    explicit KeepAliveConnectionPool(QObject *parent);

    QHash<QString, QList<QTcpSocket *>> m_idle;
    quint64 m_reused = 0;
};

} // namespace Taskscope::Transport
