#include "model/audio/audioresampler.h"

#include <QtEndian>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace Taskscope::Audio {

namespace {

constexpr int TableOversample = 512; // table points per zero crossing
constexpr int TableLast = AudioResampler::ZeroCrossings * TableOversample;

double besselI0(double x)
{
    // Power series; converges quickly for the beta values a Kaiser window uses.
    double sum = 1;
    double term = 1;
    const double quarterSquare = x * x / 4;
    for (int k = 1; k < 64; ++k) {
        term *= quarterSquare / (double(k) * k);
        sum += term;
        if (term < sum * 1e-17)
            break;
    }
    return sum;
}

// g(x) = sinc(Rolloff * x) * kaiser(x / ZeroCrossings), x in zero crossings at the lower rate.
// One entry past the end is zero so interpolation never reads out of bounds.
const QList<float> &kernelTable()
{
    static const QList<float> table = [] {
        QList<float> t(TableLast + 2, 0.0f);
        const double i0Beta = besselI0(AudioResampler::KaiserBeta);
        for (int i = 0; i <= TableLast; ++i) {
            const double x = double(i) / TableOversample;
            const double arg = M_PI * AudioResampler::Rolloff * x;
            const double sinc = i == 0 ? 1.0 : std::sin(arg) / arg;
            const double u = x / AudioResampler::ZeroCrossings;
            const double window = besselI0(AudioResampler::KaiserBeta * std::sqrt(std::max(0.0, 1 - u * u))) / i0Beta;
            t[i] = float(sinc * window);
        }
        return t;
    }();
    return table;
}

void appendSamples(QList<float> &list, std::span<const float> samples)
{
    const qsizetype start = list.size();
    list.resize(start + qsizetype(samples.size()));
    std::copy(samples.begin(), samples.end(), list.begin() + start);
}

} // namespace

AudioResampler::AudioResampler(int inputRate, int outputRate)
    : m_inputRate(inputRate)
    , m_outputRate(outputRate)
    , m_valid(inputRate >= 1 && inputRate <= MaxRate && outputRate >= 1 && outputRate <= MaxRate)
{
    if (!m_valid || isPassthrough())
        return;
    m_lowRatio = std::min(1.0, double(outputRate) / inputRate);
    m_gain = Rolloff * m_lowRatio;
    m_halfWidth = ZeroCrossings / m_lowRatio;
    m_tableStep = m_lowRatio * TableOversample;
    // Taps j with |frac - j| < halfWidth for frac in [0, 1) lie in [-ceil(hw), ceil(hw)].
    const int reach = int(std::ceil(m_halfWidth));
    m_firstTap = -reach;
    m_taps = (2 * reach + 1 + 7) / 8 * 8;
    const qint64 divisor = std::gcd(qint64(inputRate), qint64(outputRate));
    m_phases = outputRate / divisor;
    m_phaseStep = inputRate / divisor;
    if (m_phases * m_taps <= 256 * 1024) { // at most 1 MiB of coefficients
        m_polyphase.resize(qsizetype(m_phases * m_taps));
        for (qint64 p = 0; p < m_phases; ++p)
            fillCoefficients(double(p) / double(m_phases), m_polyphase.data() + p * m_taps);
    } else {
        kernelTable(); // build the shared table now, not inside the first real-time call
        m_coefficients.resize(m_taps);
    }
    reset();
}

void AudioResampler::fillCoefficients(double frac, float *coefficients) const
{
    const float *table = kernelTable().constData();
    for (int t = 0; t < m_taps; ++t) {
        const double distance = std::abs(frac - double(m_firstTap + t)); // output time minus tap time
        const double x = distance * m_tableStep;
        float c = 0.0f;
        if (distance < m_halfWidth && x < TableLast) {
            const int i = int(x);
            const double f = x - i;
            c = float(m_gain * (table[i] + f * (table[i + 1] - table[i])));
        }
        coefficients[t] = c;
    }
}

void AudioResampler::reset()
{
    // The input is silent before its start: keep zeros there so the inner loop needs no bounds checks.
    m_history = QList<float>(-m_firstTap, 0.0f);
    m_historyStart = m_firstTap;
    m_inputCount = 0;
    m_outputCount = 0;
    m_hasOddByte = false;
}

void AudioResampler::process(std::span<const float> input, QList<float> &output)
{
    if (!m_valid || input.empty())
        return;
    m_inputCount += qint64(input.size());
    if (isPassthrough()) {
        appendSamples(output, input);
        m_outputCount += qint64(input.size());
        return;
    }
    appendSamples(m_history, input);
    produce(output, false);
}

void AudioResampler::finish(QList<float> &output)
{
    if (m_valid && !isPassthrough()) {
        m_history.append(QList<float>(m_taps, 0.0f)); // silence after the end, for the last outputs
        produce(output, true);
    }
    reset();
}

void AudioResampler::produce(QList<float> &output, bool final)
{
    const qint64 in = m_inputRate;
    const qint64 out = m_outputRate;
    const qint64 inputEndScaled = m_inputCount * out;
    const qint64 historyEnd = m_historyStart + m_history.size();
    for (;;) {
        const qint64 scaled = m_outputCount * in; // output time in units of 1/out input samples
        const qint64 whole = scaled / out;
        const qint64 first = whole + m_firstTap;
        if (final ? scaled >= inputEndScaled : first + m_taps > m_inputCount)
            break;
        if (first + m_taps > historyEnd)
            break; // cannot happen: finish() pads the history; kept as a guard against misuse
        const float *coefficients;
        if (!m_polyphase.isEmpty()) {
            coefficients = m_polyphase.constData() + ((m_outputCount * m_phaseStep) % m_phases) * m_taps;
        } else {
            fillCoefficients(double(scaled % out) / double(out), m_coefficients.data());
            coefficients = m_coefficients.constData();
        }
        const float *samples = m_history.constData() + (first - m_historyStart);
        // Eight independent partial sums: the compiler can vectorize this without reassociating.
        float partial[8] = {};
        for (int t = 0; t < m_taps; t += 8) {
            for (int lane = 0; lane < 8; ++lane)
                partial[lane] += coefficients[t + lane] * samples[t + lane];
        }
        output.append(((partial[0] + partial[1]) + (partial[2] + partial[3]))
                      + ((partial[4] + partial[5]) + (partial[6] + partial[7])));
        ++m_outputCount;
    }

    // Drop input no future output can reach; in batches, so the history is not shifted per chunk.
    const qint64 keepFrom = (m_outputCount * in) / out + m_firstTap;
    const qint64 drop = std::min<qint64>(keepFrom - m_historyStart, m_history.size());
    if (drop > 4096 || (drop > 0 && drop >= m_history.size() / 2)) {
        m_history.remove(0, qsizetype(drop));
        m_historyStart += drop;
    }
}

void AudioResampler::processLinear16(QByteArrayView input, QByteArray &output)
{
    if (!m_valid || input.isEmpty())
        return;
    m_scratch.clear();
    m_scratch.reserve(input.size() / 2 + 1);
    qsizetype pos = 0;
    if (m_hasOddByte) {
        const char pair[2] = {m_oddByte, input[0]};
        m_scratch.append(float(qFromLittleEndian<qint16>(pair)) / 32768.0f);
        m_hasOddByte = false;
        pos = 1;
    }
    for (; pos + 1 < input.size(); pos += 2)
        m_scratch.append(float(qFromLittleEndian<qint16>(input.data() + pos)) / 32768.0f);
    if (pos < input.size()) {
        m_hasOddByte = true;
        m_oddByte = input[pos];
    }
    m_produced.clear();
    process(m_scratch, m_produced);
    appendLinear16(m_produced, output);
}

void AudioResampler::finishLinear16(QByteArray &output)
{
    m_produced.clear();
    finish(m_produced);
    appendLinear16(m_produced, output);
}

void AudioResampler::appendLinear16(std::span<const float> samples, QByteArray &output)
{
    const qsizetype start = output.size();
    output.resize(start + qsizetype(samples.size()) * 2);
    char *dest = output.data() + start;
    for (const float sample : samples) {
        float v = sample * 32768.0f;
        if (!(v == v)) // NaN
            v = 0.0f;
        v = std::clamp(v, -32768.0f, 32767.0f);
        qToLittleEndian<qint16>(qint16(std::lrint(v)), dest);
        dest += 2;
    }
}

} // namespace Taskscope::Audio
