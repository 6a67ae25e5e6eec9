#include "app/probe/probelivereader.h"

#include "app/probe/probereceiver.h"
#include "model/protocol/probewire.h"
#include "model/trace/laneregistry.h"
#include "model/trace/traceclock.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracestore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLocalServer>
#include <QLocalSocket>
#include <QMutexLocker>

#include <atomic>
#include <bit>
#include <cstring>

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
    m_reader.feed(m_socket->readAll());
    ProbeFrameReader::Frame frame;
    while (!m_failed && m_reader.next(&frame))
        handle(frame);
    if (m_reader.failed() && !m_failed) {
        m_failed = true;
        Q_EMIT streamFailed(m_reader.error());
    }
    if (m_failed)
        m_socket->abort(); // a malformed stream cannot be resynchronized
}

void ProbeLiveReader::handle(const ProbeFrameReader::Frame &frame)
{
    if (frame.type == MessageType::Events) {
        handleEvents(frame.payload);
        return;
    }
    const QJsonDocument document = QJsonDocument::fromJson(frame.payload);
    if (!document.isObject()) {
        m_failed = true;
        Q_EMIT streamFailed(QStringLiteral("message of type %1 is not a JSON object").arg(int(frame.type)));
        return;
    }
    const QJsonObject object = document.object();
    switch (frame.type) {
    case MessageType::Hello: {
        const qint64 origin = object.value(u"originSteadyNs").toInteger(0);
        {
            QMutexLocker lock(&m_mutex);
            // Both origins are CLOCK_MONOTONIC readings, so the difference maps one clock onto the other.
            m_offsetNs = origin > 0 ? origin - qint64(TraceClock::originSteadyNs()) : 0;
        }
        localLane(UiThreadLane);
        Q_EMIT greeted(object);
        break;
    }
    case MessageType::Names:
        if (m_names.append(object.value(u"first").toInt(-1), object.value(u"names").toArray())
            == ProbeNameTable::OutOfOrder) {
            m_failed = true;
            Q_EMIT streamFailed(QStringLiteral("names out of order"));
            return;
        }
        break;
    case MessageType::Lanes:
        handleLanes(object);
        break;
    case MessageType::Alert:
        handleAlert(object);
        break;
    case MessageType::Bye:
        Q_EMIT probeSaidBye(object.value(u"reason").toString(QStringLiteral("unknown")));
        break;
    case MessageType::Stats:
    case MessageType::Events:
        break;
    }
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

void ProbeLiveReader::handleLanes(const QJsonObject &object)
{
    for (const QJsonValue &value : object.value(u"lanes").toArray()) {
        const QJsonObject info = value.toObject();
        const qint64 id = info.value(u"id").toInteger();
        const int kind = info.value(u"kind").toInt();
        if (id <= 0 || id >= ProbeReceiver::MaxLanes || kind < 0 || kind > int(LaneKind::Process))
            continue;
        const QString name = info.value(u"name").toString();
        const bool known = m_laneMap.contains(LaneId(id));
        const LaneId lane = localLane(LaneId(id), LaneKind(kind), name);
        if (lane == NoLane)
            continue;
        if (known && !name.isEmpty())
            LaneRegistry::rename(lane, name);
        if (info.value(u"endedNs").toInteger(-1) >= 0)
            LaneRegistry::end(lane);
    }
}

void ProbeLiveReader::handleAlert(const QJsonObject &object)
{
    AlertRecord record;
    if (!AlertRecord::fromJson(object.value(u"alert").toObject(), &record))
        return;
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

void ProbeLiveReader::handleEvents(const QByteArray &payload)
{
    if (payload.size() < qsizetype(sizeof(LaneId))
        || (payload.size() - qsizetype(sizeof(LaneId))) % qsizetype(sizeof(TraceEvent)) != 0) {
        m_failed = true;
        Q_EMIT streamFailed(
            QStringLiteral("event batch of %1 bytes is not a whole number of events").arg(payload.size()));
        return;
    }
    const qint64 offset = toLocalNs(0);
    const auto count = std::size_t(payload.size() - qsizetype(sizeof(LaneId))) / sizeof(TraceEvent);
    const char *data = payload.constData() + sizeof(LaneId);
    for (std::size_t i = 0; i < count; ++i) {
        TraceEvent event;
        std::memcpy(&event, data + i * sizeof(TraceEvent), sizeof event);
        if (event.lane == NoLane || event.lane >= ProbeReceiver::MaxLanes)
            continue;
        LiveProbeItem item;
        item.lane = localLane(event.lane);
        if (item.lane == NoLane)
            continue;
        item.kind = event.kind;
        item.ns = qint64(event.ticks) + offset;
        switch (event.kind) {
        case EventKind::Begin:
            if (event.arg & ProbeWire::DispatchArgFlag) {
                item.name = m_names.dispatch(event.name, quint16(event.arg));
                item.arg = quint16(event.arg);
            } else {
                item.name = m_names.local(event.name);
                item.arg = std::uint32_t(event.arg);
            }
            break;
        case EventKind::End:
            item.name = m_names.local(event.name);
            break;
        case EventKind::Complete:
            item.name = m_names.local(event.name);
            item.endNs = qint64(event.arg) + offset;
            break;
        case EventKind::Instant:
            item.name = m_names.local(event.name);
            item.arg = std::uint32_t(event.arg);
            break;
        case EventKind::Counter:
            item.name = m_names.local(event.name);
            item.value = std::bit_cast<double>(event.arg);
            break;
        case EventKind::Alert:
            item.name = m_names.local(event.name);
            item.aux = localAlertId(event.aux);
            item.endNs = event.arg == 0 ? StoredSpan::OpenEnd : qint64(event.arg) + offset;
            break;
        default: // flows and coroutine states: the probe records none
            continue;
        }
        push(item);
    }
}

} // namespace Taskscope::Probe
