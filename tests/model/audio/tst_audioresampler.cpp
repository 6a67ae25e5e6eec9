#include "model/audio/audioresampler.h"

#include <QRandomGenerator>
#include <QTest>
#include <QtEndian>

#include <cmath>

using Taskscope::Audio::AudioResampler;

class tst_AudioResampler final : public QObject
{
    Q_OBJECT

private slots:
    void equalRatesPassThroughUntouched();
    void outputLengthFollowsTheRateRatio_data();
    void outputLengthFollowsTheRateRatio();
    void passbandToneKeepsAmplitudeAndFrequency_data();
    void passbandToneKeepsAmplitudeAndFrequency();
    void toneAboveTheOutputNyquistIsRemoved_data();
    void toneAboveTheOutputNyquistIsRemoved();
    void constantSignalKeepsUnityGain();
    void chunkingDoesNotChangeOutput();
    void linear16PathMatchesFloatPathAcrossOddByteSplits();
    void invalidRatesProduceNothing();
    void linear16ConversionRoundsAndClips();
};

namespace {

QList<float> sine(double frequency, int rate, int count, double amplitude = 0.5)
{
    QList<float> samples(count);
    for (int i = 0; i < count; ++i)
        samples[i] = float(amplitude * std::sin(2 * M_PI * frequency * i / rate));
    return samples;
}

QList<float> resampleAll(const QList<float> &input, int inRate, int outRate)
{
    AudioResampler resampler(inRate, outRate);
    QList<float> output;
    resampler.process(input, output);
    resampler.finish(output);
    return output;
}

struct SineFit
{
    double amplitude = 0;
    double residualRms = 0;
};

// Least-squares fit of a*sin + b*cos at one frequency over the middle of the signal (edges excluded:
// the input starts and stops abruptly there).
SineFit fitSine(const QList<float> &samples, int rate, double frequency)
{
    const qsizetype from = samples.size() / 10;
    const qsizetype to = samples.size() - samples.size() / 10;
    double ss = 0, cc = 0, sc = 0, ys = 0, yc = 0;
    for (qsizetype i = from; i < to; ++i) {
        const double s = std::sin(2 * M_PI * frequency * double(i) / rate);
        const double c = std::cos(2 * M_PI * frequency * double(i) / rate);
        ss += s * s;
        cc += c * c;
        sc += s * c;
        ys += samples[i] * s;
        yc += samples[i] * c;
    }
    const double det = ss * cc - sc * sc;
    const double a = (ys * cc - yc * sc) / det;
    const double b = (yc * ss - ys * sc) / det;
    double residual = 0;
    for (qsizetype i = from; i < to; ++i) {
        const double model = a * std::sin(2 * M_PI * frequency * double(i) / rate)
            + b * std::cos(2 * M_PI * frequency * double(i) / rate);
        residual += (samples[i] - model) * (samples[i] - model);
    }
    return {std::hypot(a, b), std::sqrt(residual / double(to - from))};
}

double rms(const QList<float> &samples)
{
    const qsizetype from = samples.size() / 10;
    const qsizetype to = samples.size() - samples.size() / 10;
    double sum = 0;
    for (qsizetype i = from; i < to; ++i)
        sum += double(samples[i]) * samples[i];
    return std::sqrt(sum / double(to - from));
}

double decibels(double ratio)
{
    return 20 * std::log10(ratio);
}

} // namespace

void tst_AudioResampler::equalRatesPassThroughUntouched()
{
    const QList<float> input = sine(440, 16000, 1000);
    AudioResampler resampler(16000, 16000);
    QVERIFY(resampler.isPassthrough());
    QList<float> output;
    resampler.process(input, output);
    resampler.finish(output);
    QCOMPARE(output, input);
}

void tst_AudioResampler::outputLengthFollowsTheRateRatio_data()
{
    QTest::addColumn<int>("inRate");
    QTest::addColumn<int>("outRate");
    QTest::addColumn<int>("inputSamples");
    QTest::newRow("44.1 kHz to 16 kHz") << 44100 << 16000 << 44100;
    QTest::newRow("22.05 kHz (espeak-ng) to 16 kHz, odd length") << 22050 << 16000 << 22051;
    QTest::newRow("48 kHz to 16 kHz") << 48000 << 16000 << 4800;
    QTest::newRow("8 kHz to 16 kHz") << 8000 << 16000 << 799;
    QTest::newRow("11025 Hz to 16 kHz") << 11025 << 16000 << 5000;
    QTest::newRow("coprime rates 44101 Hz to 16 kHz") << 44101 << 16000 << 9999;
    QTest::newRow("a single sample") << 48000 << 16000 << 1;
}

void tst_AudioResampler::outputLengthFollowsTheRateRatio()
{
    QFETCH(int, inRate);
    QFETCH(int, outRate);
    QFETCH(int, inputSamples);
    const QList<float> output = resampleAll(sine(300, inRate, inputSamples), inRate, outRate);
    const qint64 expected = (qint64(inputSamples) * outRate + inRate - 1) / inRate; // ceil
    QCOMPARE(output.size(), expected);
}

void tst_AudioResampler::passbandToneKeepsAmplitudeAndFrequency_data()
{
    QTest::addColumn<int>("inRate");
    QTest::addColumn<double>("frequency");
    QTest::newRow("1 kHz from 44.1 kHz") << 44100 << 1000.0;
    QTest::newRow("3 kHz from 48 kHz") << 48000 << 3000.0;
    QTest::newRow("5 kHz from 22.05 kHz") << 22050 << 5000.0;
    QTest::newRow("6.8 kHz from 48 kHz (top of the passband)") << 48000 << 6800.0;
    QTest::newRow("1 kHz from 8 kHz (upsampling)") << 8000 << 1000.0;
    QTest::newRow("3 kHz from 11025 Hz (upsampling)") << 11025 << 3000.0;
    QTest::newRow("2 kHz from 44101 Hz (too many phases: interpolated kernel)") << 44101 << 2000.0;
}

void tst_AudioResampler::passbandToneKeepsAmplitudeAndFrequency()
{
    QFETCH(int, inRate);
    QFETCH(double, frequency);
    const QList<float> output = resampleAll(sine(frequency, inRate, inRate), inRate, 16000);
    const SineFit fit = fitSine(output, 16000, frequency);
    // Passband flat within 0.1 dB; whatever is not the tone (distortion, aliases, images) under -70 dB.
    QVERIFY2(std::abs(decibels(fit.amplitude / 0.5)) < 0.1, qPrintable(QString::number(fit.amplitude)));
    QVERIFY2(decibels(fit.residualRms / (0.5 / M_SQRT2)) < -70,
             qPrintable(QString::number(decibels(fit.residualRms / (0.5 / M_SQRT2)))));
}

void tst_AudioResampler::toneAboveTheOutputNyquistIsRemoved_data()
{
    QTest::addColumn<int>("inRate");
    QTest::addColumn<double>("frequency");
    QTest::newRow("12 kHz from 44.1 kHz (would alias to 4 kHz)") << 44100 << 12000.0;
    QTest::newRow("8.6 kHz from 48 kHz (would alias to 7.4 kHz)") << 48000 << 8600.0;
    QTest::newRow("20 kHz from 48 kHz") << 48000 << 20000.0;
    QTest::newRow("11 kHz from 44101 Hz (interpolated kernel)") << 44101 << 11000.0;
}

void tst_AudioResampler::toneAboveTheOutputNyquistIsRemoved()
{
    QFETCH(int, inRate);
    QFETCH(double, frequency);
    const QList<float> output = resampleAll(sine(frequency, inRate, inRate), inRate, 16000);
    const double attenuation = decibels(rms(output) / (0.5 / M_SQRT2));
    QVERIFY2(attenuation < -85, qPrintable(QString::number(attenuation)));
}

void tst_AudioResampler::constantSignalKeepsUnityGain()
{
    const QList<float> output = resampleAll(QList<float>(44100, 0.25f), 44100, 16000);
    for (qsizetype i = 1000; i < output.size() - 1000; ++i)
        QVERIFY2(std::abs(output[i] - 0.25f) < 1e-4f, qPrintable(QString::number(output[i])));
}

void tst_AudioResampler::chunkingDoesNotChangeOutput()
{
    QList<float> input(30000);
    QRandomGenerator random(7);
    for (float &s : input)
        s = float(random.generateDouble() * 2 - 1);
    const QList<float> whole = resampleAll(input, 44100, 16000);

    AudioResampler resampler(44100, 16000);
    QList<float> chunked;
    qsizetype pos = 0;
    while (pos < input.size()) {
        const qsizetype n = std::min<qsizetype>(random.bounded(1, 3000), input.size() - pos);
        resampler.process(std::span<const float>(input.constData() + pos, size_t(n)), chunked);
        pos += n;
    }
    QCOMPARE(resampler.inputSamples(), input.size());
    resampler.finish(chunked);
    QCOMPARE(chunked, whole); // bit-identical
}

void tst_AudioResampler::linear16PathMatchesFloatPathAcrossOddByteSplits()
{
    QByteArray pcm;
    AudioResampler::appendLinear16(sine(700, 48000, 9600), pcm);
    QByteArray whole;
    {
        AudioResampler resampler(48000, 16000);
        resampler.processLinear16(pcm, whole);
        resampler.finishLinear16(whole);
    }
    QCOMPARE(whole.size(), 3200 * 2);
    QByteArray split;
    AudioResampler resampler(48000, 16000);
    for (qsizetype pos = 0; pos < pcm.size(); pos += 333) // odd chunk sizes cut samples in half
        resampler.processLinear16(QByteArrayView(pcm).sliced(pos, std::min<qsizetype>(333, pcm.size() - pos)), split);
    resampler.finishLinear16(split);
    QCOMPARE(split, whole);

    // And the passthrough path keeps bytes exactly, odd splits included.
    QByteArray same;
    AudioResampler passthrough(16000, 16000);
    for (qsizetype pos = 0; pos < pcm.size(); pos += 333)
        passthrough.processLinear16(QByteArrayView(pcm).sliced(pos, std::min<qsizetype>(333, pcm.size() - pos)), same);
    passthrough.finishLinear16(same);
    QCOMPARE(same, pcm);
}

void tst_AudioResampler::invalidRatesProduceNothing()
{
    for (const auto &[in, out] : {std::pair {0, 16000}, {16000, -1}, {AudioResampler::MaxRate + 1, 16000}}) {
        AudioResampler resampler(in, out);
        QVERIFY(!resampler.isValid());
        QList<float> output;
        resampler.process(sine(100, 16000, 100), output);
        resampler.finish(output);
        QVERIFY(output.isEmpty());
    }
}

void tst_AudioResampler::linear16ConversionRoundsAndClips()
{
    const QList<float> samples {0.0f, 1.5f, -2.0f, std::nanf(""), 0.5f, -0.5f, 1.0f / 32768.0f * 2.6f, -1.0f};
    QByteArray bytes;
    AudioResampler::appendLinear16(samples, bytes);
    QCOMPARE(bytes.size(), samples.size() * 2);
    QList<qint16> values;
    for (qsizetype i = 0; i < bytes.size(); i += 2)
        values << qFromLittleEndian<qint16>(bytes.constData() + i);
    QCOMPARE(values, (QList<qint16> {0, 32767, -32768, 0, 16384, -16384, 3, -32768}));
}

QTEST_GUILESS_MAIN(tst_AudioResampler)
#include "tst_audioresampler.moc"
