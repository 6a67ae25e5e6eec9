#pragma once

#include <QByteArray>

#include <memory>

class QAudioSink;
class QIODevice;

namespace Taskscope::Audio {

/// Plays linear16 16 kHz mono audio as it arrives, and counts underruns (the buffer ran dry before
/// the stream ended) and time to first audio.
///
/// With an output device (QMediaDevices::defaultAudioOutput()) the audio goes to a QAudioSink on
/// the calling thread; without one (headless, CI) it is consumed against a real-time clock running
/// at `speed` x real time: playback starts when the first bytes arrive, each byte lasts
/// 1/32000 s / speed, and when the playhead catches up with the received audio before end() the
/// gap is an underrun (playback resumes when more arrives). Single-threaded.
class AudioPlayback
{
public:
    explicit AudioPlayback(double speed = 1.0, bool useDevice = true);
    ~AudioPlayback();
    Q_DISABLE_COPY_MOVE(AudioPlayback)

    /// Audio received at arrivalNs (ExecutionContext::nowNs()).
    void push(const QByteArray &pcm, qint64 arrivalNs);
    /// No more audio will come.
    void end();
    /// When the last received byte will have been played (nowNs domain; 0 before any audio).
    qint64 playbackEndNs() const;
    bool usesDevice() const { return m_sink != nullptr; }

    qint64 underruns() const { return m_underruns; }
    qint64 underrunNs() const { return m_underrunNs; }
    qint64 firstAudioNs() const { return m_firstNs; }
    qint64 bytesPlayed() const { return m_bytes; }

private:
    double m_speed;
    qint64 m_firstNs = -1;
    qint64 m_playStartNs = 0; ///< virtual clock origin (moved forward by each underrun)
    qint64 m_bytes = 0;
    qint64 m_underruns = 0;
    qint64 m_underrunNs = 0;
    bool m_ended = false;
    std::unique_ptr<QAudioSink> m_sink;
    QIODevice *m_device = nullptr;
    QByteArray m_backlog; ///< device mode: bytes the sink did not take yet
};

} // namespace Taskscope::Audio
