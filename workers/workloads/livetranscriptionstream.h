#pragma once

#include "model/streamstatistics.h"
#include "model/trace/tracetypes.h"
#include "workers/audio/audiosource.h"
#include "workers/workloads/workload.h"

#include <QByteArray>
#include <QString>

#include <chrono>
#include <deque>
#include <memory>
#include <vector>

namespace Taskscope::Audio {
class MicrophoneCapture;
}
namespace Taskscope::Protocol {
class DeepgramMessage;
}
namespace Taskscope::Transport {
class WebSocketTransport;
}
namespace Taskscope::Execution {
class ExecutionContext;
} // namespace Taskscope::Execution

namespace Taskscope::Workloads {

/// One live-transcription stream (Deepgram listen v1 over WebSocket), written once for every
/// execution model against ExecutionContext.
///
/// Audio (AudioSource, decoded in a blocking part) is cut into spec.chunkMs chunks sent on a
/// real-time schedule (chunk k at t0 + k * chunk / spec.speed; t0 on a whole millisecond so streams
/// share pacer wake-ups), each flushed at once. One coroutine per stream waits for "the next
/// chunk's deadline or a message" in a single await, so messages are handled as they arrive and
/// chunks leave on time, with no second coroutine. KeepAlive goes out after keepAlive without any
/// frame (the spec's pause, waiting for late results). At the end: Finalize, CloseStream, then wait
/// for Metadata and the close.
///
/// Reconnects: a drop (socket error or close 1006/1011/1012/1013, or
/// a refused/failed connect other than 401/403/400) opens a new connection after exponential
/// backoff with jitter, replays the audio not yet covered by a final result (from the last final's
/// end; at most maxReplayS) at <= replaySpeed x real time until it is back on schedule, and offsets
/// the new connection's timestamps by where its audio starts, so the transcript stays continuous.
/// Spec faults go to the first connection only (a transient incident; set persistent faults on
/// the server). Gives up after maxAttempts consecutive failed connections.
///
/// Failures (stream marked failed with the reason): 401/403 ("authentication failed"), other
/// refusals, a normal close before CloseStream, a protocol close (1002/1003/1007/1008/...), no
/// Metadata within closeTimeout after CloseStream or the last result after it (see
/// closeDeadlineNs), unreadable audio. A malformed message is
/// counted ("malformedMessages", "errors"), marked on the timeline and skipped.
///
/// Timeline: spans "connect", "send chunk" (arg: chunk index), "parse", "await final results",
/// "reconnect" (arg: attempt), "backoff"; instants "interim"/"final" (arg: words), "metadata",
/// "speech started", "utterance end", "keepalive", "connection lost: ..."; counter
/// "bytes in flight"; a flow from each chunk to the first result whose audio reaches into it (at
/// most maxPendingFlows pending per stream, the rest counted as flowsSkipped).
class LiveTranscriptionStream final
{
public:
    struct Options
    {
        std::chrono::nanoseconds connectTimeout = std::chrono::seconds(10);
        std::chrono::nanoseconds closeTimeout = std::chrono::seconds(15);
        std::chrono::nanoseconds keepAlive = std::chrono::seconds(3);
        std::chrono::nanoseconds backoffBase = std::chrono::milliseconds(250);
        std::chrono::nanoseconds backoffCap = std::chrono::seconds(8);
        int maxAttempts = 6;
        double replaySpeed = 1.25;
        double maxReplayS = 60;
        int maxPendingFlows = 256;
        int maxPendingChunks = 512;
        std::chrono::nanoseconds publishEvery = std::chrono::milliseconds(500);
    };

    LiveTranscriptionStream(StreamHandle handle, Options options);
    ~LiveTranscriptionStream();
    Q_DISABLE_COPY_MOVE(LiveTranscriptionStream)

    QCoro::Task<void> run();

    /// When to stop waiting for Metadata after CloseStream: `timeout` after it, or after the
    /// server's last message while results keep coming (a service still decoding queued audio is
    /// behind, not gone), but no later than `timeout` plus four times the audio's length (at least
    /// a minute) after CloseStream.
    static qint64 closeDeadlineNs(qint64 closeSentNs, qint64 lastMessageNs, std::chrono::nanoseconds timeout,
                                  std::chrono::nanoseconds audio);

private:
    enum class ConnectionEnd { Done, Dropped, Failed, Cancelled };
    struct PendingChunk
    {
        qint64 startByte;
        qint64 endByte;
        qint64 sendNs;
        quint64 flowId; ///< 0: no flow arrow
    };

    QCoro::Task<ConnectionEnd> streamOnce(bool firstConnection);
    ConnectionEnd handshakeRefused(const Transport::WebSocketTransport &ws);
    void beginConnection(bool firstConnection);
    qint64 nextChunkDueNs();
    ConnectionEnd closedEnd(const Transport::WebSocketTransport &ws, bool closeStreamSent);
    qint64 scheduleNs(qint64 chunkIndex) const;
    bool sendChunk(Transport::WebSocketTransport &ws);
    void sendControl(Transport::WebSocketTransport &ws, const QString &message, Trace::NameId instant);
    void handleMessage(const QByteArray &data, qint64 arrivalNs, bool binary);
    void handleResults(const Protocol::DeepgramMessage &message, qint64 arrivalNs);
    void publish(bool force);
    void fail(const QString &reason);

    StreamHandle m_s;
    Options m_options;
    Execution::ExecutionContext &m_ctx;
    Trace::LaneId m_lane;
    Model::StreamStatistics m_stats;
    QString m_tag;

    /// The audio: shared decoded audio, or what the microphone has captured so far.
    // Bytes [from, to) of what is sent: the microphone's recording, or the looped source.
    QByteArray audioBytes(qint64 from, qint64 to) const;
    qint64 totalBytes() const;
    qint64 availableBytes() const;

    Audio::AudioSource::Loaded m_source;
    std::unique_ptr<Audio::MicrophoneCapture> m_microphone;
    qint64 m_chunkBytes = 640;
    qint64 m_chunkNs = 20'000'000; ///< schedule spacing (chunkMs / speed)
    qint64 m_t0 = 0;
    qint64 m_pauseFromChunk = -1;
    qint64 m_pauseNs = 0;

    qint64 m_sendPos = 0; ///< next audio byte to send (on the whole stream's timeline)
    qint64 m_highWater = 0; ///< furthest byte ever sent (replays below it)
    qint64 m_ackBytes = 0; ///< end of the last final result
    qint64 m_offsetBytes = 0; ///< where the current connection's audio starts
    /// Per open connection: where its audio started and how many bytes were written to it. With the
    /// server's own counts this proves that no audio was lost across reconnects (see the tests).
    QList<StreamExtras::Live::Connection>
        m_connections; ///< at most 1024 (a stream that reconnects forever must not grow it)
    bool m_catchingUp = false;
    bool m_reconnecting =
        false; ///< a "reconnect" span is open   ///< replaying / behind schedule after a reconnect: <= replaySpeed
    qint64 m_lastFrameNs = 0; ///< any frame (audio or control) on this connection
    qint64 m_lastChunkNs = 0;
    qint64 m_firstChunkNs = -1;
    qint64 m_startNs = 0;
    bool m_metadata = false;
    qint64 m_lastPublishNs = 0;
    qint64 m_lastBytesInFlight = -1;
    int m_pendingFlows = 0;
    std::deque<PendingChunk> m_pending;
    QString m_finalText;
    QString m_lastDropReason;
};

} // namespace Taskscope::Workloads
