#include "workers/loopback/audio/linearresampler.h"

#include <algorithm>
#include <cmath>

namespace Taskscope::Loopback {

LinearResampler::LinearResampler(int inputRate, int outputRate)
    : m_inputRate(inputRate)
    , m_outputRate(outputRate)
    , m_step(double(inputRate) / double(outputRate))
{
    if (m_step >= 1.5)
        m_boxWidth = int(std::floor(m_step));
}

void LinearResampler::process(const int16_t *input, std::size_t count, std::vector<int16_t> &out)
{
    if (count == 0)
        return;
    if (m_inputRate == m_outputRate) {
        out.insert(out.end(), input, input + count);
        return;
    }
    const int16_t *samples = input;
    if (m_boxWidth > 1) {
        // Moving average over m_boxWidth raw samples, continuing across calls.
        m_scratch.resize(count);
        if (m_boxHistory.empty())
            m_boxHistory.assign(std::size_t(m_boxWidth - 1), int(input[0]));
        int sum = 0;
        for (int v : m_boxHistory)
            sum += v;
        std::vector<int> window = m_boxHistory;
        std::size_t head = 0;
        for (std::size_t i = 0; i < count; ++i) {
            sum += input[i];
            m_scratch[i] = int16_t(sum / m_boxWidth);
            sum -= window[head];
            window[head] = input[i];
            head = (head + 1) % window.size();
        }
        // Rotate so the history is in arrival order again.
        std::rotate(window.begin(), window.begin() + std::ptrdiff_t(head), window.end());
        m_boxHistory = std::move(window);
        samples = m_scratch.data();
    }
    if (!m_started) {
        m_previous = samples[0];
        m_started = true;
    }
    const double last = double(count);
    double t = m_position;
    while (t <= last) {
        const std::size_t i = std::size_t(t);
        const double frac = t - double(i);
        const double a = i == 0 ? double(m_previous) : double(samples[i - 1]);
        const double b = i >= count ? a : double(samples[i]);
        const double v = a + (b - a) * frac;
        out.push_back(int16_t(std::clamp(std::lround(v), -32768L, 32767L)));
        t += m_step;
    }
    m_position = t - last;
    m_previous = samples[count - 1];
}

} // namespace Taskscope::Loopback
