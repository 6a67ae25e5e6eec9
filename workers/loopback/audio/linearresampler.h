#pragma once
// Streaming sample-rate conversion of mono int16 audio by linear interpolation, with a box
// pre-filter when downsampling by 1.5x or more (cheap protection against the worst aliasing).
// Quality is adequate for speech recognition and synthesized speech; it is not a mastering resampler.
// Not the client's Audio::AudioResampler (windowed sinc): the service converts hundreds of live
// streams at once and needs the cheap filter; the client converts one file once and wants the clean one.
#include <cstdint>
#include <vector>

namespace Taskscope::Loopback {

class LinearResampler
{
public:
    LinearResampler(int inputRate, int outputRate);

    int inputRate() const { return m_inputRate; }
    int outputRate() const { return m_outputRate; }
    // Appends the converted samples of `count` input samples to `out`; state carries across calls.
    void process(const int16_t *input, std::size_t count, std::vector<int16_t> &out);

private:
    int m_inputRate;
    int m_outputRate;
    double m_step; // input samples per output sample
    double m_position = 1; // next output position; index 0 is m_previous, 1.. the new input
    int16_t m_previous = 0;
    bool m_started = false;
    int m_boxWidth = 1;
    std::vector<int> m_boxHistory; // last m_boxWidth - 1 raw inputs for the pre-filter
    std::vector<int16_t> m_scratch;
};

} // namespace Taskscope::Loopback
