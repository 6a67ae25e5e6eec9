#pragma once
// Turns a byte stream in any supported AudioFormat into 16-bit mono samples at a target rate, for
// the recognizer (16 kHz) or the energy VAD. Handles frames split across network messages.
#include "workers/loopback/audio/audioformat.h"
#include "workers/loopback/audio/linearresampler.h"

#include <QByteArray>
#include <QByteArrayView>

#include <cstdint>
#include <vector>

namespace Taskscope::Loopback {

class PcmConverter
{
public:
    explicit PcmConverter(const AudioFormat &input, int outputRate = 16000);

    const AudioFormat &inputFormat() const { return m_input; }
    int outputRate() const { return m_resampler.outputRate(); }
    // Appends the samples decoded from `bytes` to `out`. A partial trailing frame is kept for the next call.
    void convert(QByteArrayView bytes, std::vector<int16_t> &out);
    // Bytes of a partial frame waiting for its remainder.
    qsizetype pendingBytes() const { return m_partial.size(); }

private:
    void decodeFrames(const char *data, qsizetype frames, std::vector<int16_t> &mono);

    AudioFormat m_input;
    LinearResampler m_resampler;
    QByteArray m_partial;
    std::vector<int16_t> m_mono;
};

} // namespace Taskscope::Loopback
