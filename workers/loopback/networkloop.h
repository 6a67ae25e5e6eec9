#pragma once
// One network thread's share of the service: it adopts accepted sockets, owns their connection objects,
// and runs two shared timers instead of one timer per stream: a 5 ms pacer for token streams and a
// 50 ms housekeeping sweep (idle timeouts).
#include <QObject>
#include <QSet>
#include <QTimer>

#include <algorithm>
#include <limits>
#include <vector>

namespace Taskscope::Loopback {

class ServiceContext;

class NetworkLoop final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NetworkLoop)

public:
    class Ticker
    {
    public:
        virtual ~Ticker() = default;
        virtual void tick(qint64 nowMs) = 0;
    };

    NetworkLoop(ServiceContext *context, int index);
    ~NetworkLoop() override;

    int index() const { return m_index; }
    ServiceContext *context() const { return m_context; }
    // Monotonic milliseconds, shared by all threads.
    static qint64 nowMs();
    // Milliseconds clamped to what QTimer takes (an int): 2^32 ms must not become 0 ms, nor 2^31 negative.
    static int timerMs(qint64 ms) { return int(std::clamp<qint64>(ms, 0, std::numeric_limits<int>::max())); }

    // Loop thread only.
    void adoptSocket(qintptr descriptor);
    void addPacer(Ticker *ticker);
    void removePacer(Ticker *ticker);
    void addHousekeeper(Ticker *ticker);
    void removeHousekeeper(Ticker *ticker);
    void registerConnection(QObject *connection);
    void closeAll();
    int connectionCount() const { return int(m_connections.size()); }

private:
    static void runTickers(std::vector<Ticker *> &tickers, int &depth);

    ServiceContext *m_context;
    int m_index;
    QTimer m_pacer;
    QTimer m_housekeeping;
    // Loop 0 only: hands freed memory back to the system when clients leave (glibc keeps freed
    // pages of its per-thread arenas otherwise, so the server's RSS would stay at its peak).
    QTimer m_memoryReturn;
    qint64 m_lastOpenConnections = 0;
    qint64 m_lastBufferedBytes = 0;
    std::vector<Ticker *> m_pacers;
    std::vector<Ticker *> m_housekeepers;
    int m_pacerDepth = 0;
    int m_housekeeperDepth = 0;
    QSet<QObject *> m_connections;
};

} // namespace Taskscope::Loopback
