#pragma once

#include "model/trace/tracetypes.h"

#include <QByteArray>
#include <QJsonObject>

#include <cstddef>

namespace Taskscope::Probe {

/// What a probe inside another process sends to the window (or to `taskscope launch`).
enum class MessageType : quint8 {
    Hello = 1, ///< JSON: pid, program, Qt version, probe version, UI thread id
    Names = 2, ///< JSON {"first": id, "names": [...]}: interned strings from id `first` on
    Lanes = 3, ///< JSON {"lanes": [{id, kind, name, tid, ended}]}: new or changed lanes
    Events = 4, ///< binary: u32 thread lane, then TraceEvents with nanoseconds in place of ticks
    Alert = 5, ///< JSON {"phase": 0 started / 1 updated / 2 ended, "alert": AlertRecord}
    Stats = 6, ///< JSON: events sent and dropped, recorder drops, bytes sent
    Bye = 7, ///< JSON {"reason": ...}: the probe stops (the application object is gone)
};

/// The byte format between a probe and its reader, both on one machine (native byte order).
///
/// A frame is a 32-bit payload length, a type byte and the payload. Span records are fixed-size
/// (TraceEvent, 32 bytes) in batches; names and lanes are sent once when they appear; alerts,
/// stats and greetings are small JSON objects.
class ProbeWire final
{
public:
    ProbeWire() = delete;

    static constexpr int HeaderBytes = 5;
    /// Larger frames are refused by the reader (a corrupt or hostile stream).
    static constexpr quint32 MaxPayloadBytes = 16u << 20;
    /// Bumped when the layout changes; in Hello.
    static constexpr int Version = 1;
    /// Set in the argument of a span the probe recorded for an event dispatch (the low 16 bits
    /// carry the event type), so the reader can name it after the receiver and the event.
    static constexpr std::uint64_t DispatchArgFlag = std::uint64_t(1) << 63;

    static void appendJson(QByteArray &out, MessageType type, const QJsonObject &object);
    /// `events` must already carry nanoseconds (ticks converted by the sender).
    static void appendEvents(QByteArray &out, Trace::LaneId threadLane, const Trace::TraceEvent *events,
                             std::size_t count);
    static void appendFrame(QByteArray &out, MessageType type, const char *payload, qsizetype size);
};

} // namespace Taskscope::Probe
