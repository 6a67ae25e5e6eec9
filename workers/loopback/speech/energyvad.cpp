#include "workers/loopback/speech/energyvad.h"

#include <algorithm>
#include <cmath>

namespace Taskscope::Loopback {

namespace {
constexpr double absoluteFloorRms = 300.0; // about -41 dBFS
constexpr double noiseRatio = 4.0; // voiced: 12 dB over the noise level
} // namespace

EnergyVad::EnergyVad(int sampleRate, int hangoverMs)
    : m_sampleRate(sampleRate)
    , m_frameSamples(std::max(1, sampleRate / 100))
    , m_hangoverFrames(std::max(1, hangoverMs / 10))
{
}

void EnergyVad::setHangoverMs(int ms)
{
    m_hangoverFrames = std::max(1, ms / 10);
}

void EnergyVad::process(const int16_t *samples, std::size_t count, std::vector<Event> &events)
{
    for (std::size_t i = 0; i < count; ++i) {
        const double v = samples[i];
        m_frameEnergy += v * v;
        if (++m_frameFill == m_frameSamples)
            endFrame(events);
    }
    m_processedSamples += (long long)count;
}

void EnergyVad::endFrame(std::vector<Event> &events)
{
    const double rms = std::sqrt(m_frameEnergy / m_frameSamples);
    m_frameEnergy = 0;
    m_frameFill = 0;
    const bool voiced = rms > absoluteFloorRms && rms > m_noiseLevel * noiseRatio;
    if (!voiced) // the noise level follows quiet frames quickly and loud ones never
        m_noiseLevel = std::max(10.0, m_noiseLevel * 0.9 + rms * 0.1);
    const double frameSeconds = double(m_frameSamples) / m_sampleRate;
    if (voiced) {
        ++m_voicedRun;
        m_silentRun = 0;
        m_lastVoicedFrame = m_frameIndex;
        if (!m_inSpeech && m_voicedRun >= startFrames) {
            m_inSpeech = true;
            events.push_back({Event::Kind::SpeechStarted, double(m_frameIndex - startFrames + 1) * frameSeconds});
        }
    } else {
        m_voicedRun = 0;
        if (m_inSpeech && ++m_silentRun >= m_hangoverFrames) {
            m_inSpeech = false;
            events.push_back({Event::Kind::SpeechEnded, double(m_lastVoicedFrame + 1) * frameSeconds});
        }
    }
    ++m_frameIndex;
}

} // namespace Taskscope::Loopback
