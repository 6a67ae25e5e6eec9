#include "workers/loopback/servicestats.h"

#include "workers/loopback/memorybudget.h"

#include <QJsonArray>
#include <QMutexLocker>

namespace Taskscope::Loopback {

QJsonObject StreamRecord::toJson() const
{
    QJsonObject o {{QStringLiteral("id"), id},
                   {QStringLiteral("kind"), kind},
                   {QStringLiteral("tag"), tag},
                   {QStringLiteral("model"), model},
                   {QStringLiteral("peer"), peer},
                   {QStringLiteral("started"), started.toString(Qt::ISODateWithMs)},
                   {QStringLiteral("open"), open.load()},
                   {QStringLiteral("bytes_received"), double(payloadBytesReceived.load())},
                   {QStringLiteral("binary_messages_received"), double(binaryMessagesReceived.load())},
                   {QStringLiteral("text_messages_received"), double(textMessagesReceived.load())},
                   {QStringLiteral("messages_sent"), double(messagesSent.load())},
                   {QStringLiteral("bytes_sent"), double(payloadBytesSent.load())},
                   {QStringLiteral("audio_bytes_dropped"), double(audioBytesDropped.load())}};
    if (!open.load()) {
        o.insert(QStringLiteral("ended"), ended.toString(Qt::ISODateWithMs));
        o.insert(QStringLiteral("close_code"), closeCode);
        o.insert(QStringLiteral("close_reason"), closeReason);
    }
    return o;
}

ServiceStats::ServiceStats(int finishedRetention)
    : m_finishedRetention(finishedRetention)
{
}

ServiceStats::Totals ServiceStats::totals() const
{
    Totals t;
    t.connectionsAccepted = connectionsAccepted.load();
    t.connectionsOpen = connectionsOpen.load();
    t.httpRequests = httpRequests.load();
    t.httpErrors = httpErrors.load();
    t.webSocketsOpened = webSocketsOpened.load();
    t.webSocketsOpen = webSocketsOpen.load();
    t.bytesReceived = bytesReceived.load();
    t.bytesSent = bytesSent.load();
    t.audioBytesReceived = audioBytesReceived.load();
    t.audioBytesDropped = audioBytesDropped.load();
    t.faultsApplied = faultsApplied.load();
    t.chatTokensSent = chatTokensSent.load();
    t.utterancesFinalized = utterancesFinalized.load();
    t.languageModelFallbacks = languageModelFallbacks.load();
    t.recognitionRejected = recognitionRejected.load();
    t.decodersCreated = decodersCreated.load();
    t.speechMsSynthesized = speechMsSynthesized.load();
    t.slowClientsCutOff = slowClientsCutOff.load();
    t.handshakesTimedOut = handshakesTimedOut.load();
    t.memoryRefused = memoryRefused.load();
    if (m_memory) {
        t.memoryBufferedBytes = m_memory->used();
        t.memoryBufferedPeakBytes = m_memory->peak();
        t.memoryBudgetBytes = m_memory->limit();
    }
    QMutexLocker locker(&m_lock);
    t.finishedStreamsForgotten = m_forgotten;
    return t;
}

std::shared_ptr<StreamRecord> ServiceStats::openStream(const QString &id, const QString &kind, const QString &tag,
                                                       const QString &model, const QString &peer)
{
    auto record = std::make_shared<StreamRecord>();
    record->id = id;
    record->kind = kind;
    record->tag = tag;
    record->model = model;
    record->peer = peer;
    record->started = QDateTime::currentDateTimeUtc();
    QMutexLocker locker(&m_lock);
    m_open.insert(id, record);
    return record;
}

void ServiceStats::closeStream(const std::shared_ptr<StreamRecord> &record, int closeCode, const QString &reason)
{
    if (!record)
        return;
    QMutexLocker locker(&m_lock);
    if (!record->open.load())
        return;
    record->ended = QDateTime::currentDateTimeUtc();
    record->closeCode = closeCode;
    record->closeReason = reason;
    record->open.store(false);
    m_open.remove(record->id);
    m_finished.push_back(record);
    while (int(m_finished.size()) > m_finishedRetention) {
        m_finished.pop_front();
        ++m_forgotten;
    }
}

std::shared_ptr<const StreamRecord> ServiceStats::stream(const QString &id) const
{
    QMutexLocker locker(&m_lock);
    if (auto it = m_open.constFind(id); it != m_open.cend())
        return *it;
    for (auto it = m_finished.rbegin(); it != m_finished.rend(); ++it) {
        if ((*it)->id == id)
            return *it;
    }
    return nullptr;
}

QList<std::shared_ptr<const StreamRecord>> ServiceStats::streams(const QString &tag) const
{
    QList<std::shared_ptr<const StreamRecord>> out;
    QMutexLocker locker(&m_lock);
    QList<std::shared_ptr<StreamRecord>> open = m_open.values();
    std::sort(open.begin(), open.end(), [](const auto &a, const auto &b) { return a->started < b->started; });
    for (const auto &r : std::as_const(open)) {
        if (tag.isEmpty() || r->tag == tag)
            out.append(r);
    }
    for (const auto &r : m_finished) {
        if (tag.isEmpty() || r->tag == tag)
            out.append(r);
    }
    return out;
}

QJsonObject ServiceStats::toJson(const QString &tagFilter, const QString &idFilter) const
{
    const Totals t = totals();
    QJsonObject totalsJson {{QStringLiteral("connections_accepted"), double(t.connectionsAccepted)},
                            {QStringLiteral("connections_open"), double(t.connectionsOpen)},
                            {QStringLiteral("http_requests"), double(t.httpRequests)},
                            {QStringLiteral("http_errors"), double(t.httpErrors)},
                            {QStringLiteral("websockets_opened"), double(t.webSocketsOpened)},
                            {QStringLiteral("websockets_open"), double(t.webSocketsOpen)},
                            {QStringLiteral("bytes_received"), double(t.bytesReceived)},
                            {QStringLiteral("bytes_sent"), double(t.bytesSent)},
                            {QStringLiteral("audio_bytes_received"), double(t.audioBytesReceived)},
                            {QStringLiteral("audio_bytes_dropped"), double(t.audioBytesDropped)},
                            {QStringLiteral("faults_applied"), double(t.faultsApplied)},
                            {QStringLiteral("chat_tokens_sent"), double(t.chatTokensSent)},
                            {QStringLiteral("utterances_finalized"), double(t.utterancesFinalized)},
                            {QStringLiteral("language_model_fallbacks"), double(t.languageModelFallbacks)},
                            {QStringLiteral("recognition_rejected"), double(t.recognitionRejected)},
                            {QStringLiteral("decoders_created"), double(t.decodersCreated)},
                            {QStringLiteral("speech_ms_synthesized"), double(t.speechMsSynthesized)},
                            {QStringLiteral("slow_clients_cut_off"), double(t.slowClientsCutOff)},
                            {QStringLiteral("handshakes_timed_out"), double(t.handshakesTimedOut)},
                            {QStringLiteral("finished_streams_forgotten"), double(t.finishedStreamsForgotten)},
                            {QStringLiteral("memory_refused"), double(t.memoryRefused)},
                            {QStringLiteral("memory_buffered_bytes"), double(t.memoryBufferedBytes)},
                            {QStringLiteral("memory_buffered_peak_bytes"), double(t.memoryBufferedPeakBytes)},
                            {QStringLiteral("memory_budget_bytes"), double(t.memoryBudgetBytes)}};
    QJsonArray list;
    if (!idFilter.isEmpty()) {
        if (const auto r = stream(idFilter))
            list.append(r->toJson());
    } else {
        const auto all = streams(tagFilter);
        for (const auto &r : all)
            list.append(r->toJson());
    }
    return QJsonObject {{QStringLiteral("totals"), totalsJson}, {QStringLiteral("streams"), list}};
}

} // namespace Taskscope::Loopback
