#pragma once

#include "app/probe/probestreamdecoder.h"
#include "model/alertrecord.h"
#include "model/trace/tracetypes.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QSet>
#include <QStringList>

namespace Taskscope::Trace {
class TraceStore;
} // namespace Taskscope::Trace

namespace Taskscope::Probe {

/// Turns one probe's stream into a timeline and a list of alerts.
///
/// The probe's lanes keep their ids in `store` (its UI thread is lane 1, as in our own traces);
/// its names are interned here. A dispatch span is named "Receiver "objectName" · EventType".
/// Bounded: names past TraceNames' cap and lanes past MaxLanes are refused and counted; the store
/// applies its own item cap. A malformed stream stops the receiver (error() says why).
class ProbeReceiver final : private ProbeStreamSink
{
public:
    static constexpr Trace::LaneId MaxLanes = ProbeStreamDecoder::MaxLanes;
    static constexpr int MaxAlerts = 1000;

    explicit ProbeReceiver(Trace::TraceStore *store);

    /// "MouseButtonPress", "User+3", "Event 1234": how a dispatch span names its event type.
    static QString eventTypeName(quint16 type);

    void feed(QByteArrayView bytes) { m_decoder.feed(bytes); }
    bool failed() const { return m_decoder.failed(); }
    QString error() const { return m_decoder.error(); }

    bool greeted() const { return !m_hello.isEmpty(); }
    QJsonObject hello() const { return m_hello; }
    QJsonObject lastStats() const { return m_stats; }
    bool saidBye() const { return !m_byeReason.isNull(); }
    QString byeReason() const { return m_byeReason; }

    quint64 eventsReceived() const { return m_eventsReceived; }
    quint64 rejected() const { return m_rejected + m_decoder.rejected(); }
    /// Every alert's latest state, by id.
    QList<Model::AlertRecord> alerts() const { return m_alerts.values(); }
    /// Alerts whose start arrived before their end: evidence that left while the UI was blocked.
    int alertsSeenWhileOngoing() const { return int(m_seenOngoing.size()); }
    /// The thread lanes' names, in lane order (the UI thread first).
    QStringList threadNames() const;

private:
    void probeHello(const QJsonObject &hello) override { m_hello = hello; }
    void probeLane(const DecodedProbeLane &lane) override;
    void probeEvent(const DecodedProbeEvent &event) override;
    void probeEventsDone() override;
    void probeAlert(const Model::AlertRecord &alert, int phase) override;
    void probeStats(const QJsonObject &stats) override { m_stats = stats; }
    void probeBye(const QString &reason) override { m_byeReason = reason; }
    void ensureLane(Trace::LaneId lane);

    Trace::TraceStore *m_store;
    ProbeStreamDecoder m_decoder {this};
    QJsonObject m_hello;
    QJsonObject m_stats;
    QString m_byeReason;
    QMap<quint32, Model::AlertRecord> m_alerts;
    QSet<quint32> m_seenOngoing;
    quint64 m_eventsReceived = 0;
    quint64 m_rejected = 0;
};

} // namespace Taskscope::Probe
