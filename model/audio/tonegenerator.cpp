#include "model/audio/tonegenerator.h"

#include <QtEndian>

#include <algorithm>
#include <cmath>

namespace Taskscope::Audio {

namespace {

qint64 msToSamples(qint64 ms, int rate)
{
    // Saturate rather than overflow for absurd durations.
    const qint64 limit = std::numeric_limits<qint64>::max() / rate;
    return ms >= limit ? std::numeric_limits<qint64>::max() / 1000 : ms * rate / 1000;
}

} // namespace

ToneGenerator::ToneGenerator()
    : ToneGenerator(Settings())
{
}

ToneGenerator::ToneGenerator(Settings settings)
    : m_settings(settings)
{
    Settings &s = m_settings;
    s.sampleRate = std::clamp(s.sampleRate, 1000, 768000);
    s.amplitude = std::isfinite(s.amplitude) ? std::clamp(s.amplitude, 0.0, 1.0) : 0.0;
    s.frequencyHz = std::isfinite(s.frequencyHz) ? std::clamp(s.frequencyHz, 0.0, s.sampleRate / 2.0) : 0.0;
    s.toneMs = std::max<qint64>(0, s.toneMs);
    s.silenceMs = std::max<qint64>(0, s.silenceMs);
    m_totalSamples = s.durationMs < 0 ? -1 : msToSamples(s.durationMs, s.sampleRate);
    m_silenceSamples = msToSamples(s.silenceMs, s.sampleRate);
    m_toneSamples = m_silenceSamples > 0 ? msToSamples(s.toneMs, s.sampleRate) : 0;
    m_peak = s.amplitude * 32767.0;
}

qint16 ToneGenerator::sampleAt(qint64 index) const
{
    if (m_peak == 0 || m_settings.frequencyHz == 0 || index < 0)
        return 0;
    if (m_silenceSamples > 0 && index % (m_toneSamples + m_silenceSamples) >= m_toneSamples)
        return 0;
    // The phase from the index alone (reduced modulo one second of samples, where a whole number of
    // cycles fits for integer frequencies), so long streams keep full precision and never drift.
    const double rate = m_settings.sampleRate;
    const double cycles = std::fmod(m_settings.frequencyHz * double(index % m_settings.sampleRate), rate) / rate
        + m_settings.frequencyHz * double(index / m_settings.sampleRate);
    const double phase = 2 * M_PI * (cycles - std::floor(cycles));
    return qint16(std::lrint(m_peak * std::sin(phase)));
}

QByteArray ToneGenerator::read(qint64 maxSamples)
{
    qint64 n = std::min(maxSamples, MaxSamplesPerRead);
    if (m_totalSamples >= 0)
        n = std::min(n, m_totalSamples - m_position);
    if (n <= 0)
        return QByteArray();
    QByteArray bytes(qsizetype(n) * 2, Qt::Uninitialized);
    char *out = bytes.data();
    for (qint64 i = 0; i < n; ++i, out += 2)
        qToLittleEndian<qint16>(sampleAt(m_position + i), out);
    m_position += n;
    return bytes;
}

QByteArray ToneGenerator::readDuration(qint64 durationMs)
{
    return read(durationMs <= 0 ? 0 : msToSamples(durationMs, m_settings.sampleRate));
}

void ToneGenerator::seek(qint64 sample)
{
    m_position = std::max<qint64>(0, m_totalSamples >= 0 ? std::min(sample, m_totalSamples) : sample);
}

QByteArray ToneGenerator::generate(double frequencyHz, double amplitude, qint64 durationMs, int sampleRate)
{
    Settings settings;
    settings.frequencyHz = frequencyHz;
    settings.amplitude = amplitude;
    settings.durationMs = std::max<qint64>(0, durationMs);
    settings.sampleRate = sampleRate;
    ToneGenerator generator(settings);
    return generator.read(generator.totalSamples());
}

} // namespace Taskscope::Audio
