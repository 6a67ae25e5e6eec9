#include "app/probe/probestreamdecoder.h"

#include "model/protocol/probewire.h"
#include "model/trace/tracestore.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <bit>
#include <cstring>

namespace Taskscope::Probe {

ProbeStreamDecoder::ProbeStreamDecoder(ProbeStreamSink *sink)
    : m_sink(sink)
{
}

void ProbeStreamDecoder::feed(QByteArrayView bytes)
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

void ProbeStreamDecoder::handle(const ProbeFrameReader::Frame &frame)
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
        m_sink->probeHello(object);
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
        m_sink->probeStats(object);
        break;
    case MessageType::Bye:
        m_sink->probeBye(object.value(u"reason").toString(QStringLiteral("unknown")));
        break;
    case MessageType::Events:
        break;
    }
}

void ProbeStreamDecoder::handleNames(const QJsonObject &object)
{
    const int first = object.value(u"first").toInt(-1);
    const int refused = m_names.append(first, object.value(u"names").toArray());
    if (refused == ProbeNameTable::OutOfOrder) { // the probe sends every name once, in order
        m_error = QStringLiteral("names from %1 expected, got %2").arg(m_names.size()).arg(first);
        return;
    }
    m_rejected += quint64(refused);
}

void ProbeStreamDecoder::handleLanes(const QJsonObject &object)
{
    for (const QJsonValue &value : object.value(u"lanes").toArray()) {
        const QJsonObject lane = value.toObject();
        const qint64 id = lane.value(u"id").toInteger();
        const int kind = lane.value(u"kind").toInt();
        if (id <= 0 || id >= MaxLanes || kind < 0 || kind > int(Trace::LaneKind::Process)) {
            ++m_rejected;
            continue;
        }
        DecodedProbeLane decoded;
        decoded.id = Trace::LaneId(id);
        decoded.kind = Trace::LaneKind(kind);
        decoded.name = lane.value(u"name").toString();
        decoded.osThreadId = quint64(lane.value(u"tid").toInteger());
        decoded.createdNs = lane.value(u"createdNs").toInteger();
        decoded.endedNs = lane.value(u"endedNs").toInteger(-1);
        m_sink->probeLane(decoded);
    }
}

void ProbeStreamDecoder::handleAlert(const QJsonObject &object)
{
    Model::AlertRecord record;
    if (!Model::AlertRecord::fromJson(object.value(u"alert").toObject(), &record)) {
        ++m_rejected;
        return;
    }
    m_sink->probeAlert(record, object.value(u"phase").toInt());
}

void ProbeStreamDecoder::handleEvents(const QByteArray &payload)
{
    if (payload.size() < qsizetype(sizeof(Trace::LaneId))
        || (payload.size() - qsizetype(sizeof(Trace::LaneId))) % qsizetype(sizeof(Trace::TraceEvent)) != 0) {
        m_error = QStringLiteral("event batch of %1 bytes is not a whole number of events").arg(payload.size());
        return;
    }
    const auto count = std::size_t(payload.size() - qsizetype(sizeof(Trace::LaneId))) / sizeof(Trace::TraceEvent);
    const char *data = payload.constData() + sizeof(Trace::LaneId);
    for (std::size_t i = 0; i < count; ++i) {
        Trace::TraceEvent event;
        std::memcpy(&event, data + i * sizeof(Trace::TraceEvent), sizeof event);
        if (event.lane == Trace::NoLane || event.lane >= MaxLanes) {
            ++m_rejected;
            continue;
        }
        DecodedProbeEvent decoded;
        decoded.lane = event.lane;
        decoded.kind = event.kind;
        decoded.ns = qint64(event.ticks);
        switch (event.kind) {
        case Trace::EventKind::Begin:
            if (event.arg & ProbeWire::DispatchArgFlag) {
                decoded.name = m_names.dispatch(event.name, quint16(event.arg));
                decoded.arg = quint16(event.arg);
            } else {
                decoded.name = m_names.local(event.name);
                decoded.arg = std::uint32_t(event.arg);
            }
            break;
        case Trace::EventKind::End:
            decoded.name = m_names.local(event.name);
            break;
        case Trace::EventKind::Complete:
            decoded.name = m_names.local(event.name);
            decoded.endNs = qint64(event.arg);
            break;
        case Trace::EventKind::Instant:
            decoded.name = m_names.local(event.name);
            decoded.arg = std::uint32_t(event.arg);
            break;
        case Trace::EventKind::Counter:
            decoded.name = m_names.local(event.name);
            decoded.value = std::bit_cast<double>(event.arg);
            break;
        case Trace::EventKind::Alert:
            decoded.name = m_names.local(event.name);
            decoded.aux = event.aux;
            decoded.endNs = event.arg == 0 ? Trace::StoredSpan::OpenEnd : qint64(event.arg);
            break;
        default: // flows and coroutine states: the probe records none
            ++m_rejected;
            continue;
        }
        m_sink->probeEvent(decoded);
    }
    m_sink->probeEventsDone();
}

} // namespace Taskscope::Probe
