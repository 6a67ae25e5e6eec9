#include "model/protocol/probewire.h"

#include <QJsonDocument>

#include <cstring>

using Taskscope::Trace::LaneId;
using Taskscope::Trace::TraceEvent;

namespace Taskscope::Probe {

void ProbeWire::appendFrame(QByteArray &out, MessageType type, const char *payload, qsizetype size)
{
    const auto length = quint32(size);
    char header[HeaderBytes];
    std::memcpy(header, &length, sizeof length);
    header[4] = char(type);
    out.append(header, HeaderBytes);
    out.append(payload, size);
}

void ProbeWire::appendJson(QByteArray &out, MessageType type, const QJsonObject &object)
{
    const QByteArray json = QJsonDocument(object).toJson(QJsonDocument::Compact);
    appendFrame(out, type, json.constData(), json.size());
}

void ProbeWire::appendEvents(QByteArray &out, LaneId threadLane, const TraceEvent *events, std::size_t count)
{
    const auto length = quint32(sizeof(LaneId) + count * sizeof(TraceEvent));
    char header[HeaderBytes];
    std::memcpy(header, &length, sizeof length);
    header[4] = char(MessageType::Events);
    out.append(header, HeaderBytes);
    out.append(reinterpret_cast<const char *>(&threadLane), sizeof threadLane);
    out.append(reinterpret_cast<const char *>(events), qsizetype(count * sizeof(TraceEvent)));
}

} // namespace Taskscope::Probe
