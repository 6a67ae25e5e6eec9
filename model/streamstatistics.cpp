#include "model/streamstatistics.h"

#include <QJsonValue>

namespace Taskscope::Model {

namespace {

void mergeFirst(qint64 &mine, qint64 theirs)
{
    if (theirs >= 0 && (mine < 0 || theirs < mine))
        mine = theirs;
}

QJsonValue ms(qint64 ns)
{
    return ns < 0 ? QJsonValue(-1) : QJsonValue(double(ns) / 1e6);
}

} // namespace

void StreamStatistics::merge(const StreamStatistics &o)
{
    sendLateness.merge(o.sendLateness);
    transcriptLatency.merge(o.transcriptLatency);
    requestLatency.merge(o.requestLatency);
    interTokenGap.merge(o.interTokenGap);
    mergeFirst(timeToFirstAudioNs, o.timeToFirstAudioNs);
    mergeFirst(timeToFirstTokenNs, o.timeToFirstTokenNs);
    mergeFirst(timeToFirstResultNs, o.timeToFirstResultNs);
    bytesSent += o.bytesSent;
    bytesReceived += o.bytesReceived;
    chunksSent += o.chunksSent;
    chunksReplayed += o.chunksReplayed;
    keepAlives += o.keepAlives;
    interims += o.interims;
    finals += o.finals;
    tokens += o.tokens;
    requests += o.requests;
    reconnects += o.reconnects;
    retries += o.retries;
    errors += o.errors;
    malformedMessages += o.malformedMessages;
    underruns += o.underruns;
    underrunNs += o.underrunNs;
    flowsSkipped += o.flowsSkipped;
    audioSentS += o.audioSentS;
    durationS = std::max(durationS, o.durationS);
}

QJsonObject StreamStatistics::histogramMs(const LatencyHistogram &h)
{
    QJsonObject o;
    o.insert(QStringLiteral("count"), qint64(h.count()));
    if (h.isEmpty()) {
        for (const char *key : {"p50", "p95", "p99", "max", "mean"})
            o.insert(QLatin1StringView(key), QJsonValue::Null);
        return o;
    }
    const QList<quint64> p = h.percentiles({50, 95, 99});
    o.insert(QStringLiteral("p50"), double(p[0]) / 1e6);
    o.insert(QStringLiteral("p95"), double(p[1]) / 1e6);
    o.insert(QStringLiteral("p99"), double(p[2]) / 1e6);
    o.insert(QStringLiteral("max"), double(h.max()) / 1e6);
    o.insert(QStringLiteral("mean"), h.mean() / 1e6);
    return o;
}

QJsonObject StreamStatistics::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("sendLatenessMs"), histogramMs(sendLateness));
    o.insert(QStringLiteral("transcriptLatencyMs"), histogramMs(transcriptLatency));
    o.insert(QStringLiteral("requestLatencyMs"), histogramMs(requestLatency));
    o.insert(QStringLiteral("interTokenGapMs"), histogramMs(interTokenGap));
    o.insert(QStringLiteral("timeToFirstAudioMs"), ms(timeToFirstAudioNs));
    o.insert(QStringLiteral("timeToFirstTokenMs"), ms(timeToFirstTokenNs));
    o.insert(QStringLiteral("timeToFirstResultMs"), ms(timeToFirstResultNs));
    o.insert(QStringLiteral("bytesSent"), bytesSent);
    o.insert(QStringLiteral("bytesReceived"), bytesReceived);
    o.insert(QStringLiteral("chunksSent"), chunksSent);
    o.insert(QStringLiteral("chunksReplayed"), chunksReplayed);
    o.insert(QStringLiteral("keepAlives"), keepAlives);
    o.insert(QStringLiteral("interims"), interims);
    o.insert(QStringLiteral("finals"), finals);
    o.insert(QStringLiteral("tokens"), tokens);
    o.insert(QStringLiteral("requests"), requests);
    o.insert(QStringLiteral("reconnects"), reconnects);
    o.insert(QStringLiteral("retries"), retries);
    o.insert(QStringLiteral("errors"), errors);
    o.insert(QStringLiteral("malformedMessages"), malformedMessages);
    o.insert(QStringLiteral("underruns"), underruns);
    o.insert(QStringLiteral("underrunMs"), double(underrunNs) / 1e6);
    o.insert(QStringLiteral("flowsSkipped"), flowsSkipped);
    o.insert(QStringLiteral("audioSentS"), audioSentS);
    o.insert(QStringLiteral("durationS"), durationS);
    return o;
}

} // namespace Taskscope::Model
