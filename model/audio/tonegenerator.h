#pragma once

#include <QByteArray>

namespace Taskscope::Audio {

// Deterministic test-signal source for the "tone" audio source: linear16 (little-endian int16) mono
// samples of a sine, or silence, optionally gated (tone for toneMs, then silence for silenceMs,
// repeated) to mimic speech bursts with pauses, so KeepAlive and endpointing paths get exercised.
//
// Sample n depends only on n and the settings, so any chunking of reads gives identical bytes, and two
// generators with the same settings agree. No fades at gate edges: a test signal, not music.
class ToneGenerator
{
public:
    static constexpr int DefaultSampleRate = 16000;
    static constexpr qint64 MaxSamplesPerRead = qint64(1) << 24; // 17 minutes at 16 kHz

    struct Settings
    {
        double frequencyHz = 440; // 0 gives silence; clamped to the Nyquist frequency
        double amplitude = 0.5; // fraction of full scale, clamped to [0, 1]; 0 gives silence
        qint64 durationMs = 1000; // total length; negative means endless
        qint64 toneMs = 0; // with silenceMs > 0: gate the tone on for toneMs ...
        qint64 silenceMs = 0; // ... then off for silenceMs, repeatedly
        int sampleRate = DefaultSampleRate; // clamped to [1000, 768000]
    };

    ToneGenerator(); // Settings' defaults: 440 Hz at half scale for one second
    explicit ToneGenerator(Settings settings);

    // The settings after clamping.
    const Settings &settings() const { return m_settings; }
    // Total samples, or -1 when endless.
    qint64 totalSamples() const { return m_totalSamples; }
    qint64 position() const { return m_position; }
    bool atEnd() const { return m_totalSamples >= 0 && m_position >= m_totalSamples; }

    // The next samples as linear16 bytes: up to maxSamples (at most MaxSamplesPerRead), fewer at the
    // end, none after it or for maxSamples <= 0.
    QByteArray read(qint64 maxSamples);
    // The next durationMs worth of samples (durationMs * sampleRate / 1000, rounded down).
    QByteArray readDuration(qint64 durationMs);
    void seek(qint64 sample);
    void rewind() { seek(0); }

    // The value of sample index (no bounds: past the end the signal would continue).
    qint16 sampleAt(qint64 index) const;

    // A whole finite tone at once.
    static QByteArray generate(double frequencyHz, double amplitude, qint64 durationMs,
                               int sampleRate = DefaultSampleRate);

private:
    Settings m_settings;
    qint64 m_totalSamples = 0;
    qint64 m_toneSamples = 0; // gate lengths in samples; m_silenceSamples == 0 means not gated
    qint64 m_silenceSamples = 0;
    qint64 m_position = 0;
    double m_peak = 0; // amplitude in int16 units
};

} // namespace Taskscope::Audio
