#pragma once

#include <QByteArray>
#include <QString>

#include <memory>

class QAudioSource;
class QIODevice;

namespace Taskscope::Audio {

/// Records the default input device as 16 kHz mono linear16 for a live-transcription stream, on
/// the calling thread (QAudioSource in pull mode). The captured audio is kept (up to maxSeconds) so
/// a reconnect can replay what no final result covered. Devices that cannot record 16 kHz mono
/// 16-bit are refused with their preferred format named (converting is not what this measures).
/// Not usable on machines without an input device: AudioSource::microphoneUnavailableReason().
class MicrophoneCapture
{
public:
    explicit MicrophoneCapture(double maxSeconds);
    ~MicrophoneCapture();
    Q_DISABLE_COPY_MOVE(MicrophoneCapture)

    bool start();
    void stop();
    QString errorString() const { return m_error; }
    /// Everything captured so far (grows while recording).
    const QByteArray &audio() const { return m_audio; }
    qint64 targetBytes() const { return m_targetBytes; }
    bool isFinished() const { return m_finished; }

private:
    void readAvailable();

    qint64 m_targetBytes;
    QByteArray m_audio;
    std::unique_ptr<QAudioSource> m_source;
    QIODevice *m_device = nullptr;
    QString m_error;
    bool m_finished = false;
};

} // namespace Taskscope::Audio
