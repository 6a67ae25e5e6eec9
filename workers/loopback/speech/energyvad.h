#pragma once
// A cheap voice-activity detector on 10 ms frames of 16-bit mono audio: a frame is voiced when its
// RMS level is above an absolute floor and well above the running noise level. Used by the load-sink
// mode, where the service must keep up with a thousand streams and does no recognition.
#include <cstdint>
#include <vector>

namespace Taskscope::Loopback {

class EnergyVad
{
public:
    struct Event
    {
        enum class Kind { SpeechStarted, SpeechEnded };
        Kind kind;
        double time; // seconds of stream audio: the first voiced frame, or the end of the last voiced frame
    };

    // hangoverMs: silence that ends speech.
    explicit EnergyVad(int sampleRate = 16000, int hangoverMs = 300);

    void setHangoverMs(int ms);
    // Feeds samples; appends any transitions to `events`.
    void process(const int16_t *samples, std::size_t count, std::vector<Event> &events);
    bool inSpeech() const { return m_inSpeech; }
    double processedSeconds() const { return double(m_processedSamples) / m_sampleRate; }

private:
    void endFrame(std::vector<Event> &events);

    int m_sampleRate;
    int m_frameSamples;
    int m_hangoverFrames;
    static constexpr int startFrames = 3;
    double m_noiseLevel = 100.0; // RMS
    double m_frameEnergy = 0.0;
    int m_frameFill = 0;
    long long m_processedSamples = 0;
    long long m_frameIndex = 0;
    bool m_inSpeech = false;
    int m_voicedRun = 0;
    int m_silentRun = 0;
    long long m_lastVoicedFrame = -1;
};

} // namespace Taskscope::Loopback
