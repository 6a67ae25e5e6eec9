#include "workers/audio/audioplayback.h"

#include "workers/audio/audiosource.h"

#include <QAudioDevice>
#include <QAudioFormat>
#include <QAudioSink>
#include <QMediaDevices>

namespace Taskscope::Audio {

namespace {

qint64 bytesToNs(qint64 bytes, double speed)
{
    return qint64(double(bytes) * 1e9 / AudioSource::BytesPerSecond / speed);
}

} // namespace

AudioPlayback::AudioPlayback(double speed, bool useDevice)
    : m_speed(std::clamp(speed, 0.1, 100.0))
{
    if (!useDevice)
        return;
    const QAudioDevice device = QMediaDevices::defaultAudioOutput();
    if (device.isNull())
        return;
    QAudioFormat format;
    format.setSampleRate(AudioSource::SampleRate);
    format.setChannelCount(1);
    format.setSampleFormat(QAudioFormat::Int16);
    if (!device.isFormatSupported(format))
        return; // keep the clock: converting formats is not what this workload measures
    m_sink = std::make_unique<QAudioSink>(device, format);
    m_device = m_sink->start();
    if (!m_device)
        m_sink.reset();
}

AudioPlayback::~AudioPlayback()
{
    if (m_sink)
        m_sink->stop();
}

void AudioPlayback::push(const QByteArray &pcm, qint64 arrivalNs)
{
    if (pcm.isEmpty())
        return;
    if (m_firstNs < 0) {
        m_firstNs = arrivalNs;
        m_playStartNs = arrivalNs;
    } else {
        // Where the virtual playhead stands: if it ran past the audio we had, that was an underrun.
        const qint64 dryAt = m_playStartNs + bytesToNs(m_bytes, m_speed);
        if (arrivalNs > dryAt) {
            ++m_underruns;
            m_underrunNs += arrivalNs - dryAt;
            m_playStartNs += arrivalNs - dryAt;
        }
    }
    m_bytes += pcm.size();
    if (m_sink) {
        m_backlog += pcm;
        const qint64 written = m_device->write(m_backlog);
        if (written > 0)
            m_backlog.remove(0, written);
    }
}

void AudioPlayback::end()
{
    m_ended = true;
    if (m_sink && !m_backlog.isEmpty()) {
        const qint64 written = m_device->write(m_backlog);
        if (written > 0)
            m_backlog.remove(0, written);
    }
}

qint64 AudioPlayback::playbackEndNs() const
{
    if (m_firstNs < 0)
        return 0;
    return m_playStartNs + bytesToNs(m_bytes, m_speed);
}

} // namespace Taskscope::Audio
