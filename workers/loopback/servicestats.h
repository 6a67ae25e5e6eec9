#pragma once
// Counters of the loopback service, updated lock-free from the network and recognition threads, and a
// registry of WebSocket streams (open ones and the most recent finished ones) with the bytes each one
// received, so a client can check that the server saw exactly what it sent (after a reconnect too).
// Read it in-process through LoopbackService::stats() or over HTTP at GET /v1/stats.
#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QString>

#include <atomic>
#include <deque>
#include <memory>

namespace Taskscope::Loopback {

class MemoryBudget;

struct StreamRecord
{
    QString id; // the Deepgram request_id
    QString kind; // "listen" or "speak"
    QString tag; // the client's ?tag= query parameter
    QString model; // what served it, e.g. "pocketsphinx-en-us" or "taskscope-load-sink"
    QString peer;
    QDateTime started;
    std::atomic<qint64> payloadBytesReceived {0}; // binary message payload (audio for listen)
    std::atomic<qint64> binaryMessagesReceived {0};
    std::atomic<qint64> textMessagesReceived {0};
    std::atomic<qint64> messagesSent {0};
    std::atomic<qint64> payloadBytesSent {0};
    std::atomic<qint64> audioBytesDropped {0}; // accepted but not decoded (decoder backlog cap)
    std::atomic<bool> open {true};
    // Written once, when the stream ends (under ServiceStats' lock).
    QDateTime ended;
    int closeCode = 0;
    QString closeReason;

    QJsonObject toJson() const;
};

class ServiceStats
{
public:
    struct Totals
    {
        qint64 connectionsAccepted = 0;
        qint64 connectionsOpen = 0;
        qint64 httpRequests = 0;
        qint64 httpErrors = 0; // 4xx/5xx answers, faults included
        qint64 webSocketsOpened = 0;
        qint64 webSocketsOpen = 0;
        qint64 bytesReceived = 0; // on the sockets, all protocols
        qint64 bytesSent = 0;
        qint64 audioBytesReceived = 0; // listen audio payload
        qint64 audioBytesDropped = 0;
        qint64 faultsApplied = 0;
        qint64 chatTokensSent = 0;
        qint64 utterancesFinalized = 0;
        qint64 languageModelFallbacks = 0;
        qint64 recognitionRejected = 0; // streams refused at maxRecognitionStreams
        qint64 decodersCreated = 0;
        qint64 speechMsSynthesized = 0;
        qint64 slowClientsCutOff = 0; // connections aborted because their unsent output passed the cap
        qint64 handshakesTimedOut = 0; // WebSocket upgrades not answered within the handshake timeout
        qint64 finishedStreamsForgotten = 0; // beyond the retention of finished streams
        qint64 memoryRefused = 0; // requests, upgrades and messages refused because the budget was spent
        qint64 memoryBufferedBytes = 0; // bytes buffered for clients now (MemoryBudget::used)
        qint64 memoryBufferedPeakBytes = 0;
        qint64 memoryBudgetBytes = 0;
    };

    std::atomic<qint64> connectionsAccepted {0};
    std::atomic<qint64> connectionsOpen {0};
    std::atomic<qint64> httpRequests {0};
    std::atomic<qint64> httpErrors {0};
    std::atomic<qint64> webSocketsOpened {0};
    std::atomic<qint64> webSocketsOpen {0};
    std::atomic<qint64> bytesReceived {0};
    std::atomic<qint64> bytesSent {0};
    std::atomic<qint64> audioBytesReceived {0};
    std::atomic<qint64> audioBytesDropped {0};
    std::atomic<qint64> faultsApplied {0};
    std::atomic<qint64> chatTokensSent {0};
    std::atomic<qint64> utterancesFinalized {0};
    std::atomic<qint64> languageModelFallbacks {0};
    std::atomic<qint64> recognitionRejected {0};
    std::atomic<qint64> decodersCreated {0};
    std::atomic<qint64> speechMsSynthesized {0};
    std::atomic<qint64> slowClientsCutOff {0};
    std::atomic<qint64> handshakesTimedOut {0};
    std::atomic<qint64> memoryRefused {0};

    explicit ServiceStats(int finishedRetention = 4096);

    // The budget whose figures totals() reports (the service context's).
    void setMemoryBudget(const MemoryBudget *budget) { m_memory = budget; }
    Totals totals() const;
    std::shared_ptr<StreamRecord> openStream(const QString &id, const QString &kind, const QString &tag,
                                             const QString &model, const QString &peer);
    void closeStream(const std::shared_ptr<StreamRecord> &record, int closeCode, const QString &reason);
    std::shared_ptr<const StreamRecord> stream(const QString &id) const;
    // Open streams first, then finished ones, newest last; filtered by tag when `tag` is not empty.
    QList<std::shared_ptr<const StreamRecord>> streams(const QString &tag = QString()) const;
    QJsonObject toJson(const QString &tagFilter = QString(), const QString &idFilter = QString()) const;

private:
    mutable QMutex m_lock;
    int m_finishedRetention;
    QHash<QString, std::shared_ptr<StreamRecord>> m_open;
    std::deque<std::shared_ptr<StreamRecord>> m_finished;
    qint64 m_forgotten = 0;
    const MemoryBudget *m_memory = nullptr;
};

} // namespace Taskscope::Loopback
