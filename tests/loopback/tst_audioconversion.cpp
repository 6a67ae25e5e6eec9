// The audio plumbing under listen and speak: the streaming resampler, the PCM converter
// (split frames, channels, encodings), the WAV header reader, and the energy VAD of the load sink.
#include "model/audio/g711.h"
#include "workers/loopback/audio/linearresampler.h"
#include "workers/loopback/audio/pcmconverter.h"
#include "workers/loopback/audio/wavheader.h"
#include "workers/loopback/speech/energyvad.h"

#include <QFile>
#include <QTest>
#include <QtEndian>

#include <cmath>

using Taskscope::Loopback::AudioFormat;
using Taskscope::Loopback::EnergyVad;
namespace G711 = Taskscope::Audio::G711;
using Taskscope::Loopback::LinearResampler;
using Taskscope::Loopback::PcmConverter;
using Taskscope::Loopback::WavHeader;

namespace {

std::vector<int16_t> sine(int rate, double hz, double seconds, double amplitude = 8000)
{
    std::vector<int16_t> out(std::size_t(rate * seconds));
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = int16_t(std::lround(amplitude * std::sin(2 * M_PI * hz * double(i) / rate)));
    return out;
}

// Zero crossings per second / 2 = frequency of a clean sine.
double frequencyOf(const std::vector<int16_t> &samples, int rate)
{
    int crossings = 0;
    for (std::size_t i = 1; i < samples.size(); ++i) {
        if ((samples[i - 1] < 0) != (samples[i] < 0))
            ++crossings;
    }
    return crossings / 2.0 / (double(samples.size()) / rate);
}

} // namespace

class tst_AudioConversion : public QObject
{
    Q_OBJECT

private slots:
    void resamplerKeepsLengthAndPitch_data()
    {
        QTest::addColumn<int>("from");
        QTest::addColumn<int>("to");
        QTest::addRow("22050 to 16000") << 22050 << 16000;
        QTest::addRow("22050 to 48000") << 22050 << 48000;
        QTest::addRow("48000 to 16000") << 48000 << 16000;
        QTest::addRow("8000 to 16000") << 8000 << 16000;
    }

    void resamplerKeepsLengthAndPitch()
    {
        QFETCH(int, from);
        QFETCH(int, to);
        const std::vector<int16_t> input = sine(from, 440, 1.0);
        LinearResampler resampler(from, to);
        std::vector<int16_t> output;
        // In uneven pieces, as audio arrives.
        std::size_t at = 0;
        for (std::size_t piece : {std::size_t(1), std::size_t(333), std::size_t(4096)}) {
            while (at < input.size()) {
                const std::size_t n = std::min(piece, input.size() - at);
                resampler.process(input.data() + at, n, output);
                at += n;
                if (piece != 4096)
                    break;
            }
        }
        QVERIFY(std::abs(double(output.size()) - to) <= 2);
        QVERIFY(std::abs(frequencyOf(output, to) - 440) < 5);
    }

    void converterHandlesSplitFramesChannelsAndEncodings()
    {
        const std::vector<int16_t> mono = sine(16000, 300, 0.5);
        // Stereo 16 kHz: identical channels downmix to the same signal.
        QByteArray stereo;
        for (int16_t s : mono) {
            char b[2];
            qToLittleEndian<qint16>(s, b);
            stereo.append(b, 2).append(b, 2);
        }
        AudioFormat format;
        format.channels = 2;
        PcmConverter converter(format, 16000);
        std::vector<int16_t> out;
        for (qsizetype at = 0; at < stereo.size(); at += 333) // 333: frames split across messages
            converter.convert(QByteArrayView(stereo).sliced(at, std::min<qsizetype>(333, stereo.size() - at)), out);
        QCOMPARE(out.size(), mono.size());
        QVERIFY(std::equal(out.begin(), out.end(), mono.begin()));
        QCOMPARE(converter.pendingBytes(), 0);

        // mu-law at 8 kHz to 16 kHz.
        QByteArray mulaw;
        for (int16_t s : sine(8000, 300, 0.5))
            mulaw.append(char(G711::linearToMulaw(s)));
        AudioFormat mu;
        mu.encoding = AudioFormat::Encoding::Mulaw;
        mu.sampleRate = 8000;
        PcmConverter muConverter(mu, 16000);
        std::vector<int16_t> upsampled;
        muConverter.convert(mulaw, upsampled);
        QVERIFY(std::abs(double(upsampled.size()) - 8000) <= 2);
        QVERIFY(std::abs(frequencyOf(upsampled, 16000) - 300) < 5);
    }

    void wavHeaderReading()
    {
        QFile file(QStringLiteral(":/speech/set-timer.wav"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray wav = file.readAll();
        const WavHeader header = WavHeader::parse(wav);
        QCOMPARE(header.status, WavHeader::Status::Ok);
        QCOMPARE(header.format.sampleRate, 16000);
        QCOMPARE(header.format.channels, 1);
        QCOMPARE(header.format.encoding, AudioFormat::Encoding::Linear16);
        QCOMPARE(header.dataOffset, 44);
        QCOMPARE(header.dataSize, wav.size() - 44);
        QCOMPARE(WavHeader::parse(wav.left(30)).status, WavHeader::Status::NeedMoreData);
        QCOMPARE(WavHeader::parse("hello world, not a wav").status, WavHeader::Status::NotWav);

        // A LIST chunk with an odd size before the data, and espeak --stdout's placeholder sizes.
        QByteArray odd = wav.left(36);
        odd += QByteArray("LIST\x03\x00\x00\x00"
                          "abc\x00",
                          12);
        odd += QByteArray("data\x00\xF0\xFF\x7F", 8);
        odd += wav.mid(44, 100);
        const WavHeader streamed = WavHeader::parse(odd);
        QCOMPARE(streamed.status, WavHeader::Status::Ok);
        QCOMPARE(streamed.dataOffset, 36 + 12 + 8);
        QCOMPARE(streamed.dataSize, qint64(0x7FFFF000));

        QByteArray adpcm = wav;
        adpcm[20] = 2;
        QCOMPARE(WavHeader::parse(adpcm).status, WavHeader::Status::Unsupported);
    }

    void energyVadFindsTheTwoUtterances()
    {
        QFile file(QStringLiteral(":/speech/two-utterances.wav"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray pcm = file.readAll().mid(44);
        std::vector<int16_t> samples(std::size_t(pcm.size() / 2));
        std::memcpy(samples.data(), pcm.constData(), samples.size() * 2);
        EnergyVad vad(16000, 300);
        std::vector<EnergyVad::Event> events;
        for (std::size_t at = 0; at < samples.size(); at += 320)
            vad.process(samples.data() + at, std::min<std::size_t>(320, samples.size() - at), events);
        QCOMPARE(events.size(), std::size_t(4));
        QCOMPARE(events[0].kind, EnergyVad::Event::Kind::SpeechStarted);
        QCOMPARE(events[1].kind, EnergyVad::Event::Kind::SpeechEnded);
        QCOMPARE(events[2].kind, EnergyVad::Event::Kind::SpeechStarted);
        QCOMPARE(events[3].kind, EnergyVad::Event::Kind::SpeechEnded);
        // 0.25 s of leading silence; a 1.5 s gap between the utterances.
        QVERIFY(std::abs(events[0].time - 0.25) < 0.1);
        QVERIFY(events[2].time - events[1].time > 1.2);
        QVERIFY(!vad.inSpeech());
    }

    void energyVadIgnoresSilenceAndLowNoise()
    {
        std::vector<int16_t> quiet(16000 * 2);
        for (std::size_t i = 0; i < quiet.size(); ++i)
            quiet[i] = int16_t((i * 7919) % 200 - 100); // low noise, about -50 dBFS
        EnergyVad vad;
        std::vector<EnergyVad::Event> events;
        vad.process(quiet.data(), quiet.size(), events);
        QVERIFY(events.empty());
        // A steady tone well above the floor is voice activity.
        const std::vector<int16_t> tone = sine(16000, 200, 0.5, 6000);
        vad.process(tone.data(), tone.size(), events);
        QCOMPARE(events.size(), std::size_t(1));
        QCOMPARE(events[0].kind, EnergyVad::Event::Kind::SpeechStarted);
        QVERIFY(std::abs(events[0].time - 2.0) < 0.05);
    }
};

QTEST_GUILESS_MAIN(tst_AudioConversion)
#include "tst_audioconversion.moc"
