#pragma once

#include "model/trace/tracetypes.h"
#include "workers/probe/dispatchclock.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace Taskscope::Model {
struct AlertRecord;
} // namespace Taskscope::Model

namespace Taskscope::Probe {

/// Streams what the probe records to a reader on a Unix domain socket, from its own thread.
///
/// Every interval the thread drains the trace recorder (events with ticks turned into
/// nanoseconds), sends names and lanes the reader has not seen, then the events; alerts go out
/// the moment they are posted. The socket is non-blocking and the pending output has a cap: when
/// the reader is absent or slow, event batches are dropped and counted, and the recorder is
/// drained anyway, so the target's threads never wait and its memory stays bounded. A reader that
/// goes away is retried every second; a new connection gets the names and lanes from the start.
class ProbeTransport final
{
public:
    struct Options
    {
        QString socketPath; ///< empty: record and drop (no reader)
        std::chrono::milliseconds interval {25};
        qsizetype maxPendingBytes = 8 << 20;
        int maxQueuedAlerts = 256;
    };

    struct Stats
    {
        quint64 eventsSent = 0;
        quint64 eventsDropped = 0; ///< drained while no reader listened or the reader lagged
        quint64 alertsSent = 0;
        quint64 alertsDropped = 0;
        quint64 bytesSent = 0;
        quint64 connects = 0;
        quint64 recorderDropped = 0; ///< events the recorder itself refused (buffer budget spent)
    };

    explicit ProbeTransport(Options options);
    ~ProbeTransport();
    Q_DISABLE_COPY_MOVE(ProbeTransport)

    /// Starts the thread. `hello` is the first message of every connection.
    void start(const QJsonObject &hello);
    /// Sends what is left (waiting at most `flushTimeout` for the reader), then Bye, and joins.
    void stop(std::chrono::milliseconds flushTimeout, const QString &reason);
    /// Any thread; never waits for the socket. phase: 0 started, 1 updated, 2 ended.
    void postAlert(const Model::AlertRecord &record, int phase);
    Stats stats() const;

private:
    void run();
    bool connectSocket();
    void disconnectSocket();
    void collect();
    void collectAlerts();
    void appendStats();
    /// A "dispatches/s" counter per thread lane over the last `seconds`, and a "posted events"
    /// counter: the deepest posted-event queue sampled since the last one.
    void appendDispatchRates(double seconds);
    void samplePostedEvents();
    bool flush();

    Options m_options;
    QJsonObject m_hello;
    std::thread m_thread;
    int m_wakeFd = -1;
    int m_socket = -1;
    std::atomic<bool> m_stop {false};
    std::chrono::milliseconds m_flushTimeout {0};
    QString m_stopReason;

    // The transport thread's own.
    QByteArray m_pending;
    qsizetype m_pendingOffset = 0;
    int m_namesSent = 0;
    quint64 m_laneGeneration = 0;

    mutable std::mutex m_mutex; // guards m_alerts and m_stats
    QList<QByteArray> m_alerts;
    Stats m_stats;
    std::unordered_map<Trace::LaneId, quint32> m_dispatches; // transport thread only: dispatches since the last rate
    Trace::NameId m_dispatchRateName = 0;
    std::unordered_map<Trace::LaneId, qsizetype> m_postedMax; // transport thread only: deepest since the last counter
    Trace::NameId m_postedName = 0;
    DispatchClock m_clock; // publishes a tick while dispatches flood (rate counted in collect())
    std::chrono::steady_clock::time_point m_lastCollect;
};

} // namespace Taskscope::Probe
