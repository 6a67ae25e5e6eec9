#include "workers/loopback/networkloop.h"

#include "workers/loopback/http/httpconnection.h"
#include "workers/loopback/servicecontext.h"

#include <QTcpSocket>

#include <algorithm>
#include <chrono>

namespace Taskscope::Loopback {

#ifdef __GLIBC__
#include <malloc.h>
#endif

NetworkLoop::NetworkLoop(ServiceContext *context, int index)
    : m_context(context)
    , m_index(index)
    , m_pacer(this) // parented, so moveToThread() takes the timers along
    , m_housekeeping(this)
    , m_memoryReturn(this)
{
    m_pacer.setTimerType(Qt::PreciseTimer);
    m_pacer.setInterval(5);
    connect(&m_pacer, &QTimer::timeout, this, [this] {
        runTickers(m_pacers, m_pacerDepth);
        if (m_pacers.empty())
            m_pacer.stop();
    });
    m_housekeeping.setInterval(50);
    connect(&m_housekeeping, &QTimer::timeout, this, [this] {
        runTickers(m_housekeepers, m_housekeeperDepth);
        if (m_housekeepers.empty())
            m_housekeeping.stop();
    });
    m_memoryReturn.setInterval(2000);
    connect(&m_memoryReturn, &QTimer::timeout, this, [this] {
        const qint64 open = m_context->stats().connectionsOpen.load() + m_context->stats().webSocketsOpen.load();
        const qint64 buffered = m_context->memory().used();
        const bool quieter = open < m_lastOpenConnections || buffered + 8 * 1024 * 1024 < m_lastBufferedBytes;
        m_lastOpenConnections = open;
        m_lastBufferedBytes = buffered;
#ifdef __GLIBC__
        if (quieter)
            malloc_trim(0);
#else
        Q_UNUSED(quieter);
#endif
    });
}

NetworkLoop::~NetworkLoop()
{
    closeAll();
}

qint64 NetworkLoop::nowMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

void NetworkLoop::runTickers(std::vector<Ticker *> &tickers, int &depth)
{
    // Tickers may add or remove tickers while running: removals null the slot, compaction happens after.
    const qint64 now = nowMs();
    ++depth;
    const std::size_t count = tickers.size();
    for (std::size_t i = 0; i < count; ++i) {
        if (Ticker *t = tickers[i])
            t->tick(now);
    }
    --depth;
    if (depth == 0)
        tickers.erase(std::remove(tickers.begin(), tickers.end(), nullptr), tickers.end());
}

void NetworkLoop::addPacer(Ticker *ticker)
{
    if (std::find(m_pacers.begin(), m_pacers.end(), ticker) == m_pacers.end())
        m_pacers.push_back(ticker);
    if (!m_pacer.isActive())
        m_pacer.start();
}

void NetworkLoop::removePacer(Ticker *ticker)
{
    auto it = std::find(m_pacers.begin(), m_pacers.end(), ticker);
    if (it == m_pacers.end())
        return;
    if (m_pacerDepth > 0)
        *it = nullptr;
    else
        m_pacers.erase(it);
}

void NetworkLoop::addHousekeeper(Ticker *ticker)
{
    if (std::find(m_housekeepers.begin(), m_housekeepers.end(), ticker) == m_housekeepers.end())
        m_housekeepers.push_back(ticker);
    if (!m_housekeeping.isActive())
        m_housekeeping.start();
}

void NetworkLoop::removeHousekeeper(Ticker *ticker)
{
    auto it = std::find(m_housekeepers.begin(), m_housekeepers.end(), ticker);
    if (it == m_housekeepers.end())
        return;
    if (m_housekeeperDepth > 0)
        *it = nullptr;
    else
        m_housekeepers.erase(it);
}

void NetworkLoop::registerConnection(QObject *connection)
{
    m_connections.insert(connection);
    connect(connection, &QObject::destroyed, this, [this](QObject *gone) { m_connections.remove(gone); });
}

void NetworkLoop::adoptSocket(qintptr descriptor)
{
    if (m_index == 0 && !m_memoryReturn.isActive())
        m_memoryReturn.start();
    auto *socket = new QTcpSocket;
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    auto *connection = new HttpConnection(socket, m_context, this);
    registerConnection(connection);
    connection->start();
}

void NetworkLoop::closeAll()
{
    const QList<QObject *> connections = m_connections.values();
    for (QObject *c : connections)
        delete c;
    m_connections.clear();
    m_pacers.clear();
    m_housekeepers.clear();
    m_pacer.stop();
    m_housekeeping.stop();
    m_memoryReturn.stop();
}

} // namespace Taskscope::Loopback
