#pragma once

#include "app/probe/probestreamdecoder.h"
#include "model/alertrecord.h"
#include "model/trace/tracetypes.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QObject>
#include <QString>

#include <vector>

class QLocalServer;
class QLocalSocket;

namespace Taskscope::Probe {

/// One event of a watched process, already in this process's lanes, names and clock.
struct LiveProbeItem
{
    qint64 ns = 0;
    qint64 endNs = 0; ///< Complete and Alert items (Alert: StoredSpan::OpenEnd while open)
    double value = 0; ///< Counter items
    Trace::LaneId lane = Trace::NoLane;
    Trace::NameId name = 0;
    std::uint32_t arg = 0;
    std::uint32_t aux = 0; ///< Alert items: the alert id
    Trace::EventKind kind = Trace::EventKind::Instant;
};

/// The window's reader of one probe's stream. It lives on its own thread (the socket and the
/// decoding never touch the UI thread); the UI thread takes the decoded items at frame rate.
///
/// The probe's lanes become lanes of this process (LaneRegistry), grouped under the watched
/// process's name, so they sit beside the window's own lanes; the probe's clock (nanoseconds since
/// its own origin) becomes ours through the steady-clock origins in its greeting. Bounded: past
/// MaxPendingItems, items wait for no one and are counted as dropped.
class ProbeLiveReader final
    : public QObject
    , private ProbeStreamSink
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProbeLiveReader)

public:
    static constexpr std::size_t MaxPendingItems = 1u << 20;
    static constexpr int MaxLanes = 4096;

    explicit ProbeLiveReader(QObject *parent = nullptr);
    ~ProbeLiveReader() override;

    /// Any thread, before the probe connects: the lane group's name ("program (pid)").
    void setGroup(const QString &group);

    /// Any thread: moves the items decoded since the last call into `out` (cleared first).
    void takeItems(std::vector<LiveProbeItem> *out);
    /// Any thread: this process's lanes for the probe's lanes, the UI thread's first.
    QList<Trace::LaneId> lanes() const;
    Trace::LaneId uiLane() const;
    quint64 droppedItems() const;
    quint64 receivedEvents() const;
    /// The socket's full name once listening (any thread).
    QString serverName() const;
    /// Converts a nanosecond time of the probe to ours (after the greeting; identity before).
    qint64 toLocalNs(qint64 probeNs) const;

public Q_SLOTS:
    /// On the reader's thread: starts listening (listening() says where, or why not).
    void listen(const QString &path);
    /// On the reader's thread: closes the socket and the server (the probe keeps running, idle).
    void close();

Q_SIGNALS:
    void listening(const QString &serverName, const QString &error);
    void greeted(const QJsonObject &hello);
    /// An alert of the probe, its times in our clock, tagged with the group (culprit and notes).
    void alertChanged(const Model::AlertRecord &alert);
    void probeSaidBye(const QString &reason);
    void disconnected();
    void streamFailed(const QString &error);

private:
    void onNewConnection();
    void onReadyRead();
    void probeHello(const QJsonObject &hello) override;
    void probeLane(const DecodedProbeLane &lane) override;
    void probeEvent(const DecodedProbeEvent &event) override;
    void probeAlert(const Model::AlertRecord &alert, int phase) override;
    void probeBye(const QString &reason) override;
    Trace::LaneId localLane(Trace::LaneId remote, Trace::LaneKind kind = Trace::LaneKind::Thread,
                            const QString &name = {});
    void push(const LiveProbeItem &item);
    std::uint32_t localAlertId(std::uint32_t remote) const;

    QString group() const;

    QLocalServer *m_server = nullptr;
    QLocalSocket *m_socket = nullptr;
    ProbeStreamDecoder m_decoder {this}; // names past TraceNames' cap read as unnamed
    bool m_failed = false;
    QHash<Trace::LaneId, Trace::LaneId> m_laneMap; // reader thread only

    mutable QMutex m_mutex; // guards what other threads read
    std::vector<LiveProbeItem> m_pending;
    QList<Trace::LaneId> m_lanes;
    Trace::LaneId m_uiLane = Trace::NoLane;
    quint64 m_dropped = 0;
    quint64 m_received = 0;
    qint64 m_offsetNs = 0;
    QString m_serverName;
    QString m_group;
    const std::uint32_t m_alertIdBase;
};

} // namespace Taskscope::Probe
