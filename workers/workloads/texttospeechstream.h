#pragma once

#include "model/streamstatistics.h"
#include "workers/workloads/workload.h"

#include <chrono>

namespace Taskscope::Audio {
class AudioPlayback;
}
namespace Taskscope::Transport {
class WebSocketTransport;
}
namespace Taskscope::Execution {
class ExecutionContext;
} // namespace Taskscope::Execution

namespace Taskscope::Workloads {

/// One text-to-speech stream (Deepgram speak v1 over WebSocket), written once for every execution
/// model: Speak(text) + Flush, binary linear16 audio back until Flushed, then Close. The audio is
/// played as it arrives (AudioPlayback: a QAudioSink when an output device exists, else a real-time
/// clock at spec.speed), and the stream ends when the last byte has been played.
///
/// Figures: time to first audio byte (from the Speak send), underruns and their length, bytes and
/// seconds of audio, time to Flushed as "requestLatencyMs". A drop or a close before Flushed fails
/// the stream with the reason (a partial utterance cannot be resumed); 401/403 is reported as an
/// authentication failure. Timeline: spans "connect", "synthesize" (Speak -> Flushed), "play"
/// (first byte -> end of playback); instants "first audio", "underrun", "flushed"; counter
/// "buffered audio ms".
class TextToSpeechStream final
{
public:
    struct Options
    {
        std::chrono::nanoseconds connectTimeout = std::chrono::seconds(10);
        std::chrono::nanoseconds synthesisTimeout = std::chrono::seconds(30);
        std::chrono::nanoseconds closeTimeout = std::chrono::seconds(5);
        bool useAudioDevice = true;
    };
    static QString defaultText();

    TextToSpeechStream(StreamHandle handle, Options options);
    Q_DISABLE_COPY_MOVE(TextToSpeechStream)
    ~TextToSpeechStream() = default;

    QCoro::Task<void> run();

private:
    /// Plays the audio that has arrived and reads the messages; sets *flushed at Flushed and
    /// *playing at the first audio.
    void takeMessages(Transport::WebSocketTransport &ws, Audio::AudioPlayback &playback, qint64 speakNs, bool *flushed,
                      bool *playing);
    void publish(double audioS);

    StreamHandle m_s;
    Options m_options;
    Execution::ExecutionContext &m_ctx;
    Trace::LaneId m_lane;
    Model::StreamStatistics m_stats;
    qint64 m_startNs = 0;
    QString m_tag;
};

} // namespace Taskscope::Workloads
