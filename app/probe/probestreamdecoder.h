#pragma once

#include "app/probe/probenametable.h"
#include "model/alertrecord.h"
#include "model/protocol/probeframereader.h"
#include "model/trace/tracetypes.h"

#include <QByteArrayView>
#include <QJsonObject>
#include <QString>

namespace Taskscope::Probe {

/// One event of a probe's stream, checked and with its name in this process's TraceNames; lane and
/// times still the probe's.
struct DecodedProbeEvent
{
    qint64 ns = 0;
    qint64 endNs = 0; ///< Complete and Alert (Alert: StoredSpan::OpenEnd while open)
    double value = 0; ///< Counter
    Trace::LaneId lane = Trace::NoLane; ///< the probe's lane id
    Trace::NameId name = 0;
    std::uint32_t arg = 0; ///< dispatch spans: the event type
    std::uint32_t aux = 0; ///< Alert: the probe's alert id
    Trace::EventKind kind = Trace::EventKind::Instant;
};

/// A lane the probe announced, checked.
struct DecodedProbeLane
{
    Trace::LaneId id = Trace::NoLane;
    Trace::LaneKind kind = Trace::LaneKind::Thread;
    QString name;
    quint64 osThreadId = 0;
    qint64 createdNs = 0;
    qint64 endedNs = -1;
};

/// Where a decoded stream goes: the headless receiver stores it, the window's reader queues it.
class ProbeStreamSink
{
public:
    virtual ~ProbeStreamSink() = default;
    virtual void probeHello(const QJsonObject &hello) = 0;
    virtual void probeLane(const DecodedProbeLane &lane) = 0;
    virtual void probeEvent(const DecodedProbeEvent &event) = 0;
    /// After each batch of events.
    virtual void probeEventsDone() { }
    /// phase: 0 started, 1 updated, 2 ended.
    virtual void probeAlert(const Model::AlertRecord &alert, int phase) = 0;
    virtual void probeStats(const QJsonObject &stats) { Q_UNUSED(stats) }
    virtual void probeBye(const QString &reason) = 0;
};

/// Reads one probe's byte stream: frames, names (mapped onto TraceNames), lanes, events, alerts,
/// counts and goodbye, and hands each to a sink. The one place that switches over the probe's
/// message types. What it cannot use it refuses and counts; a malformed stream stops it (error()).
class ProbeStreamDecoder final
{
public:
    static constexpr Trace::LaneId MaxLanes = 1 << 16;

    explicit ProbeStreamDecoder(ProbeStreamSink *sink);

    void feed(QByteArrayView bytes);
    bool failed() const { return !m_error.isEmpty(); }
    QString error() const { return m_error; }
    /// Names past TraceNames' cap, lanes and events with bad ids, alerts that do not parse, event
    /// kinds the probe does not record.
    quint64 rejected() const { return m_rejected; }

private:
    void handle(const ProbeFrameReader::Frame &frame);
    void handleEvents(const QByteArray &payload);
    void handleNames(const QJsonObject &object);
    void handleLanes(const QJsonObject &object);
    void handleAlert(const QJsonObject &object);

    ProbeStreamSink *m_sink;
    ProbeFrameReader m_reader;
    ProbeNameTable m_names;
    QString m_error;
    quint64 m_rejected = 0;
};

} // namespace Taskscope::Probe
