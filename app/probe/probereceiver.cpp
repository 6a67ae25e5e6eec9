#include "app/probe/probereceiver.h"

#include "model/trace/laneregistry.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracestore.h"

#include <QEvent>
#include <QMetaEnum>

#include <algorithm>

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

void ProbeReceiver::probeLane(const DecodedProbeLane &lane)
{
    Trace::LaneInfo info;
    info.id = lane.id;
    info.kind = lane.kind;
    info.name = Trace::TraceNames::intern(lane.name);
    info.osThreadId = lane.osThreadId;
    info.createdNs = lane.createdNs;
    info.endedNs = lane.endedNs;
    m_store->setLane(info);
}

void ProbeReceiver::probeAlert(const Model::AlertRecord &alert, int phase)
{
    if (!m_alerts.contains(alert.id) && m_alerts.size() >= MaxAlerts) {
        ++m_rejected;
        return;
    }
    if (phase < 2 && alert.isOngoing())
        m_seenOngoing.insert(alert.id);
    m_alerts.insert(alert.id, alert);
}

void ProbeReceiver::ensureLane(LaneId lane)
{
    if (m_store->hasLane(lane))
        return;
    Trace::LaneInfo info;
    info.id = lane;
    info.name = TraceNames::intern(QStringLiteral("lane %1").arg(lane));
    m_store->setLane(info);
}

void ProbeReceiver::probeEvent(const DecodedProbeEvent &event)
{
    ensureLane(event.lane);
    switch (event.kind) {
    case Trace::EventKind::Begin:
        m_store->beginSpan(event.lane, event.ns, event.name, event.arg);
        break;
    case Trace::EventKind::End:
        m_store->endSpan(event.lane, event.ns, event.name);
        break;
    case Trace::EventKind::Complete:
        m_store->addSpan(event.lane, event.ns, event.endNs, event.name);
        break;
    case Trace::EventKind::Instant:
        m_store->addInstant(event.lane, event.ns, event.name, event.arg);
        break;
    case Trace::EventKind::Counter:
        m_store->addCounter(event.lane, event.name, event.ns, event.value);
        break;
    case Trace::EventKind::Alert:
        m_store->setAlert(event.lane, event.aux, event.name, event.ns, event.endNs);
        break;
    default: // the decoder passes no other kind
        return;
    }
    ++m_eventsReceived;
}

void ProbeReceiver::probeEventsDone()
{
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
