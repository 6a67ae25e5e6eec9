#include "app/probe/probereceiver.h"

#include "model/trace/laneregistry.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracestore.h"

#include <QEvent>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMetaEnum>

#include <algorithm>
#include <bit>
#include <cstring>

using Taskscope::Model::AlertRecord;
using Taskscope::Trace::EventKind;
using Taskscope::Trace::LaneId;
using Taskscope::Trace::LaneInfo;
using Taskscope::Trace::LaneKind;
using Taskscope::Trace::NoLane;
using Taskscope::Trace::StoredSpan;
using Taskscope::Trace::TraceEvent;
using Taskscope::Trace::TraceNames;
using Taskscope::Trace::TraceStore;

namespace Taskscope::Probe {

QString ProbeReceiver::eventTypeName(quint16 type)
{
    if (const char *key = QMetaEnum::fromType<QEvent::Type>().valueToKey(type))
        return QString::fromLatin1(key);
    return type >= QEvent::User ? QStringLiteral("User+%1").arg(type - QEvent::User)
                                : QStringLiteral("Event %1").arg(type);
}

ProbeReceiver::ProbeReceiver(TraceStore *store)
    : m_store(store)
{
}

void ProbeReceiver::feed(QByteArrayView bytes)
{
    if (failed())
        return;
    m_reader.feed(bytes);
    ProbeFrameReader::Frame frame;
    while (!failed() && m_reader.next(&frame))
        handle(frame);
    if (m_reader.failed() && m_error.isEmpty())
        m_error = m_reader.error();
}

void ProbeReceiver::handle(const ProbeFrameReader::Frame &frame)
{
    if (frame.type == MessageType::Events) {
        handleEvents(frame.payload);
        return;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(frame.payload, &parseError);
    if (!document.isObject()) {
        m_error = QStringLiteral("message of type %1 is not a JSON object: %2")
                      .arg(int(frame.type))
                      .arg(parseError.errorString());
        return;
    }
    const QJsonObject object = document.object();
    switch (frame.type) {
    case MessageType::Hello:
        m_hello = object;
        break;
    case MessageType::Names:
        handleNames(object);
        break;
    case MessageType::Lanes:
        handleLanes(object);
        break;
    case MessageType::Alert:
        handleAlert(object);
        break;
    case MessageType::Stats:
        m_stats = object;
        break;
    case MessageType::Bye:
        m_byeReason = object.value(u"reason").toString(QStringLiteral("unknown"));
        break;
    case MessageType::Events:
        break;
    }
}

void ProbeReceiver::handleNames(const QJsonObject &object)
{
    const int first = object.value(u"first").toInt(-1);
    const int refused = m_names.append(first, object.value(u"names").toArray());
    if (refused == ProbeNameTable::OutOfOrder) { // the probe sends every name once, in order
        m_error = QStringLiteral("names from %1 expected, got %2").arg(m_names.size()).arg(first);
        return;
    }
    m_rejected += quint64(refused);
}

void ProbeReceiver::handleLanes(const QJsonObject &object)
{
    for (const QJsonValue &value : object.value(u"lanes").toArray()) {
        const QJsonObject lane = value.toObject();
        const qint64 id = lane.value(u"id").toInteger();
        const int kind = lane.value(u"kind").toInt();
        if (id <= 0 || id >= MaxLanes || kind < 0 || kind > int(LaneKind::Process)) {
            ++m_rejected;
            continue;
        }
        LaneInfo info;
        info.id = LaneId(id);
        info.kind = LaneKind(kind);
        info.name = TraceNames::intern(lane.value(u"name").toString());
        info.osThreadId = quint64(lane.value(u"tid").toInteger());
        info.createdNs = lane.value(u"createdNs").toInteger();
        info.endedNs = lane.value(u"endedNs").toInteger(-1);
        m_store->setLane(info);
    }
}

void ProbeReceiver::handleAlert(const QJsonObject &object)
{
    AlertRecord record;
    QString error;
    if (!AlertRecord::fromJson(object.value(u"alert").toObject(), &record, &error)) {
        ++m_rejected;
        return;
    }
    const int phase = object.value(u"phase").toInt();
    if (!m_alerts.contains(record.id) && m_alerts.size() >= MaxAlerts) {
        ++m_rejected;
        return;
    }
    if (phase < 2 && record.isOngoing())
        m_seenOngoing.insert(record.id);
    m_alerts.insert(record.id, record);
}

void ProbeReceiver::ensureLane(LaneId lane)
{
    if (m_store->hasLane(lane))
        return;
    LaneInfo info;
    info.id = lane;
    info.name = TraceNames::intern(QStringLiteral("lane %1").arg(lane));
    m_store->setLane(info);
}

void ProbeReceiver::handleEvents(const QByteArray &payload)
{
    if (payload.size() < qsizetype(sizeof(LaneId))
        || (payload.size() - qsizetype(sizeof(LaneId))) % qsizetype(sizeof(TraceEvent)) != 0) {
        m_error = QStringLiteral("event batch of %1 bytes is not a whole number of events").arg(payload.size());
        return;
    }
    const auto count = std::size_t(payload.size() - qsizetype(sizeof(LaneId))) / sizeof(TraceEvent);
    const char *data = payload.constData() + sizeof(LaneId);
    for (std::size_t i = 0; i < count; ++i) {
        TraceEvent event;
        std::memcpy(&event, data + i * sizeof(TraceEvent), sizeof event);
        if (event.lane == NoLane || event.lane >= MaxLanes) {
            ++m_rejected;
            continue;
        }
        ensureLane(event.lane);
        const auto ns = qint64(event.ticks);
        switch (event.kind) {
        case EventKind::Begin:
            if (event.arg & ProbeWire::DispatchArgFlag)
                m_store->beginSpan(event.lane, ns, m_names.dispatch(event.name, quint16(event.arg)),
                                   quint16(event.arg));
            else
                m_store->beginSpan(event.lane, ns, m_names.local(event.name), std::uint32_t(event.arg));
            break;
        case EventKind::End:
            m_store->endSpan(event.lane, ns, m_names.local(event.name));
            break;
        case EventKind::Complete:
            m_store->addSpan(event.lane, ns, qint64(event.arg), m_names.local(event.name));
            break;
        case EventKind::Instant:
            m_store->addInstant(event.lane, ns, m_names.local(event.name), std::uint32_t(event.arg));
            break;
        case EventKind::Counter:
            m_store->addCounter(event.lane, m_names.local(event.name), ns, std::bit_cast<double>(event.arg));
            break;
        case EventKind::Alert:
            m_store->setAlert(event.lane, event.aux, m_names.local(event.name), ns,
                              event.arg == 0 ? StoredSpan::OpenEnd : qint64(event.arg));
            break;
        default: // flows and coroutine states: the probe records none yet
            ++m_rejected;
            continue;
        }
        ++m_eventsReceived;
    }
    m_store->afterIngest();
}

QStringList ProbeReceiver::threadNames() const
{
    QList<LaneInfo> lanes = m_store->lanes();
    std::sort(lanes.begin(), lanes.end(), [](const LaneInfo &a, const LaneInfo &b) { return a.id < b.id; });
    QStringList names;
    for (const LaneInfo &lane : std::as_const(lanes)) {
        if (lane.kind == LaneKind::Thread)
            names.append(TraceNames::name(lane.name));
    }
    return names;
}

} // namespace Taskscope::Probe
