#include "workers/loopback/audio/pcmconverter.h"

#include "model/audio/g711.h"

#include <QtEndian>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace Taskscope::Loopback {

PcmConverter::PcmConverter(const AudioFormat &input, int outputRate)
    : m_input(input)
    , m_resampler(input.sampleRate, outputRate)
{
}

void PcmConverter::convert(QByteArrayView bytes, std::vector<int16_t> &out)
{
    const int frameBytes = m_input.bytesPerFrame();
    const bool directPath = m_input.encoding == AudioFormat::Encoding::Linear16 && m_input.channels == 1
        && m_input.sampleRate == m_resampler.outputRate();
    const char *data = bytes.data();
    qsizetype size = bytes.size();
    if (!m_partial.isEmpty()) {
        const qsizetype need = frameBytes - m_partial.size();
        const qsizetype take = std::min(need, size);
        m_partial.append(data, take);
        data += take;
        size -= take;
        if (m_partial.size() < frameBytes)
            return;
        m_mono.clear();
        decodeFrames(m_partial.constData(), 1, m_mono);
        m_partial.clear();
        m_resampler.process(m_mono.data(), m_mono.size(), out);
    }
    const qsizetype frames = size / frameBytes;
    if (frames > 0) {
        if (directPath) {
            const std::size_t at = out.size();
            out.resize(at + std::size_t(frames));
            for (qsizetype i = 0; i < frames; ++i)
                out[at + std::size_t(i)] = qFromLittleEndian<qint16>(data + 2 * i);
        } else {
            m_mono.clear();
            decodeFrames(data, frames, m_mono);
            m_resampler.process(m_mono.data(), m_mono.size(), out);
        }
    }
    const qsizetype rest = size - frames * frameBytes;
    if (rest > 0)
        m_partial.append(data + frames * frameBytes, rest);
}

void PcmConverter::decodeFrames(const char *data, qsizetype frames, std::vector<int16_t> &mono)
{
    const int channels = m_input.channels;
    const int sampleBytes = m_input.bytesPerSample();
    mono.reserve(mono.size() + std::size_t(frames));
    for (qsizetype f = 0; f < frames; ++f) {
        int sum = 0;
        for (int c = 0; c < channels; ++c) {
            const char *p = data + (f * channels + c) * sampleBytes;
            int v = 0;
            switch (m_input.encoding) {
            case AudioFormat::Encoding::Linear16:
                v = qFromLittleEndian<qint16>(p);
                break;
            case AudioFormat::Encoding::Mulaw:
                v = Audio::G711::mulawToLinear(uint8_t(*p));
                break;
            case AudioFormat::Encoding::Alaw:
                v = Audio::G711::alawToLinear(uint8_t(*p));
                break;
            case AudioFormat::Encoding::Float32: {
                const quint32 bits = qFromLittleEndian<quint32>(p);
                float x = 0;
                std::memcpy(&x, &bits, sizeof x);
                if (!std::isfinite(x))
                    x = 0;
                v = int(std::lround(std::clamp(x, -1.0f, 1.0f) * 32767.0f));
                break;
            }
            }
            sum += v;
        }
        mono.push_back(int16_t(sum / channels));
    }
}

} // namespace Taskscope::Loopback
