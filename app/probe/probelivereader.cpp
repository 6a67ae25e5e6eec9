#include "app/probe/probelivereader.h"

#include "model/trace/laneregistry.h"
#include "model/trace/traceclock.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracestore.h"

#include <QLocalServer>
#include <QLocalSocket>
#include <QMutexLocker>

#include <atomic>

using Taskscope::Model::AlertRecord;
using Taskscope::Trace::EventKind;
using Taskscope::Trace::LaneId;
using Taskscope::Trace::LaneKind;
using Taskscope::Trace::LaneRegistry;
using Taskscope::Trace::NoLane;
using Taskscope::Trace::StoredSpan;
using Taskscope::Trace::TraceClock;
using Taskscope::Trace::TraceEvent;
using Taskscope::Trace::UiThreadLane;

namespace Taskscope::Probe {
namespace {

std::atomic<std::uint32_t> g_readers {0};

} // namespace

ProbeLiveReader::ProbeLiveReader(QObject *parent)
    : QObject(parent)
    // Alert ids of watched programs: the top bit set and 11 bits of reader, so a band clicked on the
    // timeline finds its own alert, not the window's (small sequential ids) or another program's.
    , m_alertIdBase((1u << 31) | ((g_readers.fetch_add(1) & 0x7FFu) << 20))
{
}

std::uint32_t ProbeLiveReader::localAlertId(std::uint32_t remote) const
{
    return m_alertIdBase | (remote & 0xFFFFFu);
}

void ProbeLiveReader::setGroup(const QString &group)
{
    QMutexLocker lock(&m_mutex);
    m_group = group;
}

QString ProbeLiveReader::group() const
{
    QMutexLocker lock(&m_mutex);
    return m_group;
}

ProbeLiveReader::~ProbeLiveReader() = default;

void ProbeLiveReader::takeItems(std::vector<LiveProbeItem> *out)
{
    out->clear();
    QMutexLocker lock(&m_mutex);
    out->swap(m_pending);
}

QList<LaneId> ProbeLiveReader::lanes() const
{
    QMutexLocker lock(&m_mutex);
    return m_lanes;
}

LaneId ProbeLiveReader::uiLane() const
{
    QMutexLocker lock(&m_mutex);
    return m_uiLane;
}

quint64 ProbeLiveReader::droppedItems() const
{
    QMutexLocker lock(&m_mutex);
    return m_dropped;
}

quint64 ProbeLiveReader::receivedEvents() const
{
    QMutexLocker lock(&m_mutex);
    return m_received;
}

QString ProbeLiveReader::serverName() const
{
    QMutexLocker lock(&m_mutex);
    return m_serverName;
}

qint64 ProbeLiveReader::toLocalNs(qint64 probeNs) const
{
    QMutexLocker lock(&m_mutex);
    return probeNs + m_offsetNs;
}

void ProbeLiveReader::listen(const QString &path)
{
    m_server = new QLocalServer(this);
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    if (!m_server->listen(path)) {
        Q_EMIT listening({}, QStringLiteral("cannot listen on %1: %2").arg(path, m_server->errorString()));
        return;
    }
    connect(m_server, &QLocalServer::newConnection, this, &ProbeLiveReader::onNewConnection);
    {
        QMutexLocker lock(&m_mutex);
        m_serverName = m_server->fullServerName();
    }
    Q_EMIT listening(m_server->fullServerName(), {});
}

void ProbeLiveReader::close()
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
    if (m_server) {
        m_server->close();
        m_server->deleteLater();
        m_server = nullptr;
    }
}

void ProbeLiveReader::onNewConnection()
{
    while (QLocalSocket *socket = m_server->nextPendingConnection()) {
        if (m_socket) { // a child that inherited the probe: only the watched process is shown
            socket->abort();
            socket->deleteLater();
            continue;
        }
        m_socket = socket;
        connect(socket, &QLocalSocket::readyRead, this, &ProbeLiveReader::onReadyRead);
        connect(socket, &QLocalSocket::disconnected, this, [this] {
            onReadyRead();
            Q_EMIT disconnected();
        });
        onReadyRead();
    }
}

void ProbeLiveReader::onReadyRead()
{
    if (!m_socket || m_failed)
        return;
    m_decoder.feed(m_socket->readAll());
    if (m_decoder.failed()) {
        m_failed = true;
        Q_EMIT streamFailed(m_decoder.error());
        m_socket->abort(); // a malformed stream cannot be resynchronized
    }
}

void ProbeLiveReader::probeHello(const QJsonObject &hello)
{
    const qint64 origin = hello.value(u"originSteadyNs").toInteger(0);
    {
        QMutexLocker lock(&m_mutex);
        // Both origins are CLOCK_MONOTONIC readings, so the difference maps one clock onto the other.
        m_offsetNs = origin > 0 ? origin - qint64(Trace::TraceClock::originSteadyNs()) : 0;
    }
    localLane(UiThreadLane);
    Q_EMIT greeted(hello);
}

void ProbeLiveReader::probeBye(const QString &reason)
{
    Q_EMIT probeSaidBye(reason);
}

LaneId ProbeLiveReader::localLane(LaneId remote, LaneKind kind, const QString &name)
{
    if (const auto it = m_laneMap.constFind(remote); it != m_laneMap.constEnd())
        return *it;
    if (remote != UiThreadLane && !m_laneMap.contains(UiThreadLane))
        localLane(UiThreadLane); // the UI thread's lane leads its group
    if (m_laneMap.size() >= MaxLanes)
        return NoLane;
    const LaneId ui = m_laneMap.value(UiThreadLane, NoLane);
    QString label = name;
    if (label.isEmpty())
        label = remote == UiThreadLane ? QStringLiteral("UI thread") : QStringLiteral("thread %1").arg(remote);
    // Other threads name the UI thread's lane as their parent: they follow it in the group.
    const LaneId lane = LaneRegistry::create(kind, label, group(), remote == UiThreadLane ? NoLane : ui);
    m_laneMap.insert(remote, lane);
    QMutexLocker lock(&m_mutex);
    m_lanes.append(lane);
    if (remote == UiThreadLane)
        m_uiLane = lane;
    return lane;
}

void ProbeLiveReader::probeLane(const DecodedProbeLane &info)
{
    const bool known = m_laneMap.contains(info.id);
    const Trace::LaneId lane = localLane(info.id, info.kind, info.name);
    if (lane == NoLane)
        return;
    if (known && !info.name.isEmpty())
        Trace::LaneRegistry::rename(lane, info.name);
    if (info.endedNs >= 0)
        Trace::LaneRegistry::end(lane);
}

void ProbeLiveReader::probeAlert(const Model::AlertRecord &alert, int phase)
{
    Q_UNUSED(phase)
    Model::AlertRecord record = alert;
    const qint64 offset = toLocalNs(0);
    record.id = localAlertId(record.id);
    record.startNs += offset;
    record.detectedNs += offset;
    if (record.dispatch.startNs != 0)
        record.dispatch.startNs += offset;
    const QString tag = group();
    record.culprit = QStringLiteral("%1: %2").arg(tag, record.culprit);
    record.notes.prepend(QStringLiteral("Watched process %1 (its own UI watchdog, through the probe).").arg(tag));
    Q_EMIT alertChanged(record);
}

void ProbeLiveReader::push(const LiveProbeItem &item)
{
    QMutexLocker lock(&m_mutex);
    if (m_pending.size() >= MaxPendingItems) {
        ++m_dropped;
        return;
    }
    m_pending.push_back(item);
    ++m_received;
}

void ProbeLiveReader::probeEvent(const DecodedProbeEvent &event)
{
    LiveProbeItem item;
    item.lane = localLane(event.lane);
    if (item.lane == NoLane)
        return;
    const qint64 offset = toLocalNs(0);
    item.kind = event.kind;
    item.ns = event.ns + offset;
    item.name = event.name;
    item.arg = event.arg;
    item.value = event.value;
    if (event.kind == Trace::EventKind::Complete)
        item.endNs = event.endNs + offset;
    if (event.kind == Trace::EventKind::Alert) {
        item.aux = localAlertId(event.aux);
        item.endNs = event.endNs == Trace::StoredSpan::OpenEnd ? Trace::StoredSpan::OpenEnd : event.endNs + offset;
    }
    push(item);
}

} // namespace Taskscope::Probe
