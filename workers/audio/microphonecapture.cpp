#include "workers/audio/microphonecapture.h"

#include "workers/audio/audiosource.h"

#include <QAudioDevice>
#include <QAudioFormat>
#include <QAudioSource>
#include <QMediaDevices>

namespace Taskscope::Audio {

MicrophoneCapture::MicrophoneCapture(double maxSeconds)
    : m_targetBytes((qint64(std::clamp(maxSeconds, 0.1, 3600.0) * AudioSource::SampleRate)) * 2)
{
}

MicrophoneCapture::~MicrophoneCapture()
{
    stop();
}

bool MicrophoneCapture::start()
{
    const QString unavailable = AudioSource::microphoneUnavailableReason();
    if (!unavailable.isEmpty()) {
        m_error = unavailable;
        return false;
    }
    const QAudioDevice device = QMediaDevices::defaultAudioInput();
    QAudioFormat format;
    format.setSampleRate(AudioSource::SampleRate);
    format.setChannelCount(1);
    format.setSampleFormat(QAudioFormat::Int16);
    if (!device.isFormatSupported(format)) {
        const QAudioFormat preferred = device.preferredFormat();
        m_error = QStringLiteral(
                      "the input device \"%1\" cannot record 16 kHz mono 16-bit (it prefers %2 Hz, %3 channels)")
                      .arg(device.description())
                      .arg(preferred.sampleRate())
                      .arg(preferred.channelCount());
        return false;
    }
    m_source = std::make_unique<QAudioSource>(device, format);
    m_audio.reserve(m_targetBytes);
    m_device = m_source->start();
    if (!m_device) {
        m_error = QStringLiteral("the input device \"%1\" could not be opened").arg(device.description());
        m_source.reset();
        return false;
    }
    QObject::connect(m_device, &QIODevice::readyRead, m_device, [this] { readAvailable(); });
    return true;
}

void MicrophoneCapture::readAvailable()
{
    if (!m_device || m_finished)
        return;
    const QByteArray bytes = m_device->readAll();
    m_audio.append(bytes.constData(), std::min<qint64>(bytes.size(), m_targetBytes - m_audio.size()) & ~qint64(1));
    if (m_audio.size() >= m_targetBytes - 1)
        stop();
}

void MicrophoneCapture::stop()
{
    if (m_source) {
        m_source->stop();
        m_source.reset();
        m_device = nullptr;
    }
    m_finished = true;
}

} // namespace Taskscope::Audio
