#pragma once

#include "model/latencyhistogram.h"

#include <QJsonObject>

namespace Taskscope::Model {

/// Per-stream figures of a workload run, in plain data: what the stream panel, the metrics charts
/// and the headless report show. One writer (the stream's thread); copy or merge() to aggregate.
/// Durations are recorded in nanoseconds and reported in milliseconds.
///
/// JSON keys (toJson): histograms as {"count","p50","p95","p99","max","mean"} in ms --
/// "sendLatenessMs" (chunk send time against the real-time schedule; live chunks only, replays are
/// counted apart), "transcriptLatencyMs" (result arrival minus the time the last audio it covers
/// was sent), "requestLatencyMs", "interTokenGapMs", "timeToFirstResultMs"; single figures
/// "timeToFirstAudioMs", "timeToFirstTokenMs" (-1 when none); counters "bytesSent",
/// "bytesReceived", "chunksSent", "chunksReplayed", "keepAlives", "interims", "finals", "tokens",
/// "requests", "reconnects", "retries", "errors", "malformedMessages", "underruns", "underrunMs",
/// "audioSentS", "durationS".
class StreamStatistics
{
public:
    LatencyHistogram sendLateness;
    LatencyHistogram transcriptLatency;
    LatencyHistogram requestLatency;
    LatencyHistogram interTokenGap;
    qint64 timeToFirstAudioNs = -1;
    qint64 timeToFirstTokenNs = -1;
    qint64 timeToFirstResultNs = -1;

    qint64 bytesSent = 0;
    qint64 bytesReceived = 0;
    qint64 chunksSent = 0;
    qint64 chunksReplayed = 0;
    qint64 keepAlives = 0;
    qint64 interims = 0;
    qint64 finals = 0;
    qint64 tokens = 0;
    qint64 requests = 0;
    qint64 reconnects = 0;
    qint64 retries = 0;
    qint64 errors = 0;
    qint64 malformedMessages = 0;
    qint64 underruns = 0;
    qint64 underrunNs = 0;
    qint64 flowsSkipped = 0; ///< chunks sent without a flow arrow (pending-flow cap reached)
    double audioSentS = 0;
    double durationS = 0;

    /// Adds another stream's figures (histograms merge exactly; firsts keep the smallest).
    void merge(const StreamStatistics &other);
    QJsonObject toJson() const;
    /// {"count","p50","p95","p99","max","mean"} in ms (empty histogram: count 0, the rest null).
    static QJsonObject histogramMs(const LatencyHistogram &nanoseconds);
};

} // namespace Taskscope::Model
