#include "model/audio/wavreader.h"

#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <cmath>

using Taskscope::Audio::WavReader;

// Every input is built here, byte by byte, so each case says exactly which header it means.
class tst_WavReader final : public QObject
{
    Q_OBJECT

private slots:
    void everySupportedFormatDecodesTo16kMono_data();
    void everySupportedFormatDecodesTo16kMono();
    void linear16At16kMonoIsCopiedBitExactly();
    void espeakPlaceholderSizesReadToEndOfFile();
    void dataLargerThanFileReadsWhatIsThere();
    void otherChunksAreSkippedWithTheirPadByte();
    void fmtAfterDataIsAccepted();
    void bytesAfterTheRiffChunkAreIgnored();
    void hostileFilesGiveClearErrors_data();
    void hostileFilesGiveClearErrors();
    void truncationAtEveryHeaderOffsetFailsCleanly_data();
    void truncationAtEveryHeaderOffsetFailsCleanly();
    void randomlyCorruptedHeadersNeverCrash();
    void decodeFileReportsPathAndCap();
};

namespace {

QByteArray le16(int v)
{
    QByteArray b(2, 0);
    qToLittleEndian<quint16>(quint16(v), b.data());
    return b;
}

QByteArray le32(qint64 v)
{
    QByteArray b(4, 0);
    qToLittleEndian<quint32>(quint32(v), b.data());
    return b;
}

// A chunk; declaredSize < 0 means the body's size. Odd bodies get their pad byte.
QByteArray chunk(const char *id, const QByteArray &body, qint64 declaredSize = -1)
{
    QByteArray out = QByteArray(id, 4) + le32(declaredSize < 0 ? body.size() : declaredSize) + body;
    if (body.size() % 2)
        out += '\0';
    return out;
}

QByteArray riff(const QByteArray &chunks, qint64 declaredSize = -1)
{
    return "RIFF" + le32(declaredSize < 0 ? chunks.size() + 4 : declaredSize) + "WAVE" + chunks;
}

QByteArray fmtBody(int tag, int channels, int rate, int bits, int blockAlign = -1)
{
    const int align = blockAlign < 0 ? channels * bits / 8 : blockAlign;
    return le16(tag) + le16(channels) + le32(rate) + le32(qint64(rate) * align) + le16(align) + le16(bits);
}

QByteArray guid(int subTag, bool valid = true)
{
    QByteArray g = le16(subTag) + QByteArray("\x00\x00\x00\x00\x10\x00\x80\x00\x00\xAA\x00\x38\x9B\x71", 14);
    if (!valid)
        g[15] = 'X';
    return g;
}

QByteArray extensibleBody(int channels, int rate, int bits, int validBits, int subTag, bool validGuid = true)
{
    return fmtBody(0xFFFE, channels, rate, bits) + le16(22) + le16(validBits) + le32(channels == 1 ? 4 : 3)
        + guid(subTag, validGuid);
}

struct Layout
{
    bool isFloat = false;
    int bits = 16;
    int channels = 1;
};

// Encodes per-channel float samples (frame-interleaved) in the given sample layout.
QByteArray encode(const QList<QList<float>> &channels, const Layout &layout)
{
    QByteArray out;
    const qsizetype frames = channels.first().size();
    for (qsizetype f = 0; f < frames; ++f) {
        for (const QList<float> &channel : channels) {
            const double v = channel[f];
            if (layout.isFloat && layout.bits == 32) {
                QByteArray b(4, 0);
                qToLittleEndian<float>(float(v), b.data());
                out += b;
            } else if (layout.isFloat) {
                QByteArray b(8, 0);
                qToLittleEndian<double>(v, b.data());
                out += b;
            } else if (layout.bits == 8) {
                out += char(uchar(std::lround(v * 127) + 128));
            } else if (layout.bits == 16) {
                out += le16(int(std::lround(v * 32767)));
            } else if (layout.bits == 24) {
                const qint32 s = qint32(std::lround(v * 8388607));
                out += QByteArray(1, char(s & 0xFF)) + char((s >> 8) & 0xFF) + char((s >> 16) & 0xFF);
            } else {
                out += le32(qint64(std::llround(v * 2147483647.0)));
            }
        }
    }
    return out;
}

QList<float> sine(double frequency, int rate, qsizetype frames, double amplitude)
{
    QList<float> s(frames);
    for (qsizetype i = 0; i < frames; ++i)
        s[i] = float(amplitude * std::sin(2 * M_PI * frequency * double(i) / rate));
    return s;
}

QList<double> samplesOf(const QByteArray &linear16)
{
    QList<double> out;
    for (qsizetype i = 0; i + 1 < linear16.size(); i += 2)
        out << qFromLittleEndian<qint16>(linear16.constData() + i) / 32768.0;
    return out;
}

// Amplitude of the best-fitting sine at one frequency and the RMS of what is left, over the middle.
std::pair<double, double> fitSine(const QList<double> &x, int rate, double frequency)
{
    const qsizetype from = x.size() / 10, to = x.size() - x.size() / 10;
    double ss = 0, cc = 0, sc = 0, ys = 0, yc = 0;
    for (qsizetype i = from; i < to; ++i) {
        const double s = std::sin(2 * M_PI * frequency * double(i) / rate);
        const double c = std::cos(2 * M_PI * frequency * double(i) / rate);
        ss += s * s, cc += c * c, sc += s * c, ys += x[i] * s, yc += x[i] * c;
    }
    const double det = ss * cc - sc * sc;
    const double a = (ys * cc - yc * sc) / det, b = (yc * ss - ys * sc) / det;
    double residual = 0;
    for (qsizetype i = from; i < to; ++i) {
        const double m = a * std::sin(2 * M_PI * frequency * double(i) / rate)
            + b * std::cos(2 * M_PI * frequency * double(i) / rate);
        residual += (x[i] - m) * (x[i] - m);
    }
    return {std::hypot(a, b), std::sqrt(residual / double(to - from))};
}

// A byte string literal that may contain NUL bytes.
template<std::size_t N>
QByteArray bytes(const char (&literal)[N])
{
    return QByteArray(literal, qsizetype(N - 1));
}

QByteArray canonical16kMono(qsizetype frames)
{
    return riff(chunk("fmt ", fmtBody(1, 1, 16000, 16)) + chunk("data", encode({sine(440, 16000, frames, 0.5)}, {})));
}

} // namespace

void tst_WavReader::everySupportedFormatDecodesTo16kMono_data()
{
    QTest::addColumn<QByteArray>("fmt");
    QTest::addColumn<bool>("isFloat");
    QTest::addColumn<int>("bits");
    QTest::addColumn<int>("validBits");
    QTest::addColumn<int>("channels");
    QTest::addColumn<int>("rate");
    QTest::addColumn<double>("maxResidualDb"); // what is not the tone, relative to it

    const auto row = [](const char *name, const QByteArray &fmt, bool isFloat, int bits, int validBits, int channels,
                        int rate, double maxResidualDb) {
        QTest::newRow(name) << fmt << isFloat << bits << validBits << channels << rate << maxResidualDb;
    };
    // 8-bit quantization alone leaves noise about 36 dB under a tone at amplitude 0.2.
    row("PCM 8-bit mono 8 kHz (upsampled)", fmtBody(1, 1, 8000, 8), false, 8, 8, 1, 8000, -33);
    row("PCM 16-bit stereo 44.1 kHz", fmtBody(1, 2, 44100, 16), false, 16, 16, 2, 44100, -80);
    row("PCM 16-bit mono 22.05 kHz (espeak-ng -w)", fmtBody(1, 1, 22050, 16), false, 16, 16, 1, 22050, -80);
    row("PCM 24-bit mono 48 kHz", fmtBody(1, 1, 48000, 24), false, 24, 24, 1, 48000, -80);
    row("PCM 32-bit stereo 32 kHz", fmtBody(1, 2, 32000, 32), false, 32, 32, 2, 32000, -80);
    row("float 32-bit mono 16 kHz (no resampling)", fmtBody(3, 1, 16000, 32), true, 32, 32, 1, 16000, -80);
    row("float 64-bit stereo 11025 Hz", fmtBody(3, 2, 11025, 64), true, 64, 64, 2, 11025, -80);
    row("extensible PCM 16-bit 6 channels 48 kHz", extensibleBody(6, 48000, 16, 16, 1), false, 16, 16, 6, 48000, -80);
    row("extensible PCM 24-bit (20 valid) stereo 96 kHz", extensibleBody(2, 96000, 24, 20, 1), false, 24, 20, 2, 96000,
        -80);
    row("extensible float 32-bit mono 44.1 kHz", extensibleBody(1, 44100, 32, 32, 3), true, 32, 32, 1, 44100, -80);
}

void tst_WavReader::everySupportedFormatDecodesTo16kMono()
{
    QFETCH(QByteArray, fmt);
    QFETCH(bool, isFloat);
    QFETCH(int, bits);
    QFETCH(int, validBits);
    QFETCH(int, channels);
    QFETCH(int, rate);
    QFETCH(double, maxResidualDb);

    // Channels carry the same 440 Hz tone at different levels; the downmix averages them.
    const qsizetype frames = rate / 2;
    QList<QList<float>> data;
    double expectedAmplitude = 0;
    for (int c = 0; c < channels; ++c) {
        const double amplitude = 0.2 + 0.1 * c;
        data << sine(440, rate, frames, amplitude);
        expectedAmplitude += amplitude / channels;
    }
    const QByteArray file = riff(chunk("fmt ", fmt) + chunk("data", encode(data, {isFloat, bits, channels})));

    const WavReader::Audio audio = WavReader::decode(file);
    QVERIFY2(audio.ok, qPrintable(audio.error));
    QVERIFY(audio.warnings.isEmpty());
    QCOMPARE(audio.source.channels, channels);
    QCOMPARE(audio.source.sampleRate, rate);
    QCOMPARE(audio.source.bitsPerSample, bits);
    QCOMPARE(audio.source.validBitsPerSample, validBits);
    QCOMPARE(audio.source.sampleType,
             isFloat ? WavReader::Format::SampleType::Float : WavReader::Format::SampleType::Integer);
    QCOMPARE(audio.source.frames, frames);
    QCOMPARE(audio.source.durationSeconds, double(frames) / rate);
    QCOMPARE(audio.linear16.size(), (frames * 16000 + rate - 1) / rate * 2);
    QVERIFY(std::abs(audio.durationSeconds - double(frames) / rate) < 1.0 / 16000);
    QVERIFY(audio.source.description().contains(QStringLiteral("%1 Hz").arg(rate)));

    const auto [amplitude, residual] = fitSine(samplesOf(audio.linear16), 16000, 440);
    QVERIFY2(std::abs(amplitude / expectedAmplitude - 1) < 0.01, qPrintable(QString::number(amplitude)));
    const double residualDb = 20 * std::log10(residual / (expectedAmplitude / M_SQRT2));
    QVERIFY2(residualDb < maxResidualDb, qPrintable(QString::number(residualDb)));
}

void tst_WavReader::linear16At16kMonoIsCopiedBitExactly()
{
    QByteArray pcm(20000, 0);
    QRandomGenerator random(3);
    for (char &b : pcm)
        b = char(random.bounded(256));
    const WavReader::Audio audio = WavReader::decode(
        riff(chunk("fmt ", fmtBody(1, 1, 16000, 16)) + chunk("data", pcm)));
    QVERIFY2(audio.ok, qPrintable(audio.error));
    QCOMPARE(audio.linear16, pcm);
    QCOMPARE(audio.durationSeconds, 10000.0 / 16000);
}

void tst_WavReader::espeakPlaceholderSizesReadToEndOfFile()
{
    // The header `espeak-ng --stdout` writes: 22050 Hz mono 16-bit, RIFF 0x7FFFF024, data 0x7FFFF000.
    const QByteArray samples = encode({sine(300, 22050, 22050, 0.5)}, {});
    const QByteArray file = riff(
        chunk("fmt ", fmtBody(1, 1, 22050, 16)) + QByteArray("data") + le32(0x7FFFF000) + samples, 0x7FFFF024);
    QCOMPARE(file.left(12), QByteArray("RIFF\x24\xF0\xFF\x7FWAVE"));
    const WavReader::Layout layout = WavReader::parse(file);
    QVERIFY2(layout.ok, qPrintable(layout.error));
    QVERIFY(layout.dataSizeUnreliable);
    QCOMPARE(layout.format.frames, 22050);
    QCOMPARE(layout.dataOffset, 44);
    QVERIFY(layout.warnings.join(u' ').contains(QLatin1String("placeholder")));
    const WavReader::Audio audio = WavReader::decode(file);
    QVERIFY2(audio.ok, qPrintable(audio.error));
    QCOMPARE(audio.linear16.size(), 16000 * 2);
}

void tst_WavReader::dataLargerThanFileReadsWhatIsThere()
{
    // A file cut short in the middle of a frame: the data chunk still declares its full size.
    const QByteArray full = riff(chunk("fmt ", fmtBody(1, 2, 16000, 16)) + chunk("data", QByteArray(4000, '\x01')));
    const QByteArray cut = full.first(44 + 1001); // 250 whole 4-byte frames and one stray byte
    const WavReader::Layout layout = WavReader::parse(cut);
    QVERIFY2(layout.ok, qPrintable(layout.error));
    QCOMPARE(layout.format.frames, 250);
    QCOMPARE(layout.dataBytes, 1000);
    QVERIFY(layout.dataSizeUnreliable);
    const QString warnings = layout.warnings.join(u' ');
    QVERIFY2(warnings.contains(QLatin1String("declares 4000 bytes but the file holds 1001")), qPrintable(warnings));
    QVERIFY2(warnings.contains(QLatin1String("1 trailing bytes of a partial frame dropped")), qPrintable(warnings));
}

void tst_WavReader::otherChunksAreSkippedWithTheirPadByte()
{
    const QByteArray samples = encode({sine(440, 16000, 1600, 0.5)}, {});
    const QByteArray list = chunk("LIST", bytes("INFOISFT\x05\x00\x00\x00Lavf\x00")); // odd size: 17, padded
    QCOMPARE(list.size(), 8 + 17 + 1);
    const QByteArray file = riff(list + chunk("fmt ", fmtBody(1, 1, 16000, 16)) + chunk("fact", le32(1600))
                                 + chunk("odd ", "abc") + chunk("data", samples) + chunk("id3 ", "tag data"));
    const WavReader::Audio audio = WavReader::decode(file);
    QVERIFY2(audio.ok, qPrintable(audio.error));
    QCOMPARE(audio.linear16, samples);
    QVERIFY(audio.warnings.isEmpty());
}

void tst_WavReader::fmtAfterDataIsAccepted()
{
    const QByteArray samples = encode({sine(440, 16000, 800, 0.5)}, {});
    const WavReader::Audio audio = WavReader::decode(
        riff(chunk("data", samples) + chunk("fmt ", fmtBody(1, 1, 16000, 16))));
    QVERIFY2(audio.ok, qPrintable(audio.error));
    QCOMPARE(audio.linear16, samples);
}

void tst_WavReader::bytesAfterTheRiffChunkAreIgnored()
{
    const QByteArray file = canonical16kMono(100) + "JUNKJUNKJUNK";
    const WavReader::Layout layout = WavReader::parse(file);
    QVERIFY2(layout.ok, qPrintable(layout.error));
    QCOMPARE(layout.format.frames, 100);
    QVERIFY(layout.warnings.join(u' ').contains(QLatin1String("12 bytes after the RIFF chunk ignored")));
}

void tst_WavReader::hostileFilesGiveClearErrors_data()
{
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<qsizetype>("maxBytes");
    QTest::addColumn<QString>("error");

    const QByteArray fmt16 = chunk("fmt ", fmtBody(1, 1, 16000, 16));
    const QByteArray data = chunk("data", QByteArray(64, '\0'));
    const qsizetype cap = WavReader::DefaultMaxInputBytes;
    const auto row = [cap](const char *name, const QByteArray &file, const char *error, qsizetype maxBytes = -1) {
        QTest::newRow(name) << file << (maxBytes < 0 ? cap : maxBytes) << QString::fromUtf8(error);
    };

    row("empty input", QByteArray(), "truncated header: 0 bytes");
    row("text file", "root:x:0:0:root:/root:/bin/bash\n", "not a RIFF file: it starts with \"root\"");
    row("binary garbage", QByteArray("\x00\xFF\x10\x01 more bytes here", 20),
        "not a RIFF file: it starts with \"\\x00\\xff\\x10\\x01\"");
    row("big-endian RIFX", "RIFX" + le32(4) + "WAVE", "big-endian RIFX");
    row("RF64", "RF64" + le32(0xFFFFFFFF) + "WAVE", "RF64");
    row("AVI, not WAVE", "RIFF" + le32(4) + "AVI ", "not a WAVE file: the RIFF form type is \"AVI \"");
    row("no chunks at all", riff(QByteArray()), "missing fmt chunk (and no data chunk)");
    row("data but no fmt", riff(data), "missing fmt chunk: the data chunk has no format");
    row("fmt but no data", riff(fmt16), "no data chunk");
    row("mu-law", riff(chunk("fmt ", fmtBody(7, 1, 8000, 8)) + data), "unsupported format tag 7 (mu-law)");
    row("Microsoft ADPCM", riff(chunk("fmt ", fmtBody(2, 1, 8000, 4, 256)) + data),
        "unsupported format tag 2 (Microsoft ADPCM)");
    row("MP3 in WAV", riff(chunk("fmt ", fmtBody(0x55, 2, 44100, 0, 1)) + data), "unsupported format tag 85 (MP3)");
    row("extensible with a foreign GUID", riff(chunk("fmt ", extensibleBody(2, 48000, 16, 16, 1, false)) + data),
        "not a KSDATAFORMAT_SUBTYPE GUID");
    row("extensible mu-law", riff(chunk("fmt ", extensibleBody(1, 8000, 8, 8, 7)) + data),
        "unsupported WAVE_FORMAT_EXTENSIBLE subformat 0x0007 (mu-law)");
    row("extensible fmt too short", riff(chunk("fmt ", fmtBody(0xFFFE, 1, 16000, 16) + le16(0)) + data),
        "WAVE_FORMAT_EXTENSIBLE fmt chunk is 18 bytes; it needs 40");
    row("extensible valid bits above the container", riff(chunk("fmt ", extensibleBody(1, 16000, 16, 24, 1)) + data),
        "24 valid bits per sample do not fit in 16-bit samples");
    row("zero channels", riff(chunk("fmt ", fmtBody(1, 0, 16000, 16, 2)) + data), "zero channels");
    row("sample rate zero", riff(chunk("fmt ", fmtBody(1, 1, 0, 16)) + data), "absurd sample rate 0 Hz");
    row("sample rate 5 MHz", riff(chunk("fmt ", fmtBody(1, 1, 5000000, 16)) + data), "absurd sample rate 5000000 Hz");
    row("sample rate 4 GHz", riff(chunk("fmt ", fmtBody(1, 1, 0xFFFFFFFFLL, 16)) + data),
        "absurd sample rate 4294967295 Hz");
    row("12-bit PCM", riff(chunk("fmt ", fmtBody(1, 1, 16000, 12, 2)) + data), "unsupported PCM sample size 12 bits");
    row("16-bit float", riff(chunk("fmt ", fmtBody(3, 1, 16000, 16)) + data),
        "unsupported IEEE float sample size 16 bits");
    row("block align mismatch", riff(chunk("fmt ", fmtBody(1, 2, 16000, 16, 2)) + data),
        "block align 2 does not match 2 channels of 16-bit samples (4 bytes)");
    row("fmt chunk of 14 bytes", riff(chunk("fmt ", fmtBody(1, 1, 16000, 16).first(14)) + data),
        "fmt chunk is 14 bytes; it needs at least 16");
    row("fmt chunk declaring more than the file", riff(chunk("fmt ", fmtBody(1, 1, 16000, 16), 400)),
        "truncated fmt chunk: it declares 400 bytes but only 16 remain");
    row("empty data chunk", riff(fmt16 + chunk("data", QByteArray())), "no audio data: the data chunk holds 0 bytes");
    row("data shorter than one frame", riff(chunk("fmt ", fmtBody(1, 2, 16000, 24)) + chunk("data", "abcde")),
        "less than one 6-byte frame");
    row("huge LIST before fmt", riff(chunk("LIST", "INFO", 0xFFFFFFF0) + fmt16 + data),
        "chunk \"LIST\" at offset 12 declares 4294967280 bytes but only 100 remain");
    row("placeholder data before fmt", riff(chunk("data", QByteArray(64, '\0'), 0x7FFFF000) + fmt16),
        "missing fmt chunk: the data chunk has no format");
    row("over the size cap", canonical16kMono(1000), "over the 1024-byte limit", 1024);
    // 1 kHz 8-bit grows 32 times at 16 kHz 16-bit: refused before anything is allocated.
    row("8-bit 1 kHz, 32 times larger decoded",
        riff(chunk("fmt ", fmtBody(1, 1, 1000, 8)) + chunk("data", QByteArray(64 * 1024, '\x80'))),
        "more than 4 times the");
}

void tst_WavReader::hostileFilesGiveClearErrors()
{
    QFETCH(QByteArray, file);
    QFETCH(qsizetype, maxBytes);
    QFETCH(QString, error);
    const WavReader::Audio audio = WavReader::decode(file, maxBytes);
    QVERIFY(!audio.ok);
    QVERIFY(audio.linear16.isEmpty());
    QVERIFY2(audio.error.contains(error), qPrintable(audio.error));
}

void tst_WavReader::truncationAtEveryHeaderOffsetFailsCleanly_data()
{
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<int>("headerBytes");
    QTest::addColumn<int>("frameBytes");

    const QByteArray canonical = canonical16kMono(50);
    QTest::newRow("canonical 44-byte header") << canonical << 44 << 2;
    const QByteArray withList = riff(
        chunk("LIST", bytes("INFOISFT\x05\x00\x00\x00Lavf\x00")) + chunk("fmt ", extensibleBody(2, 48000, 24, 24, 1))
        + chunk("data", encode({sine(1, 48000, 50, 0.1), sine(1, 48000, 50, 0.1)}, {false, 24, 2})));
    QTest::newRow("LIST then extensible fmt") << withList << 12 + 26 + 48 + 8 << 6;
}

void tst_WavReader::truncationAtEveryHeaderOffsetFailsCleanly()
{
    QFETCH(QByteArray, file);
    QFETCH(int, headerBytes);
    QFETCH(int, frameBytes);
    QCOMPARE(QByteArrayView(file).sliced(headerBytes - 8, 4), QByteArrayView("data"));
    // Cut anywhere before the first whole frame: a clear error, never a crash or garbage.
    for (int cut = 0; cut < headerBytes + frameBytes; ++cut) {
        const WavReader::Audio audio = WavReader::decode(file.first(cut));
        QVERIFY2(!audio.ok, qPrintable(QStringLiteral("cut at %1 decoded").arg(cut)));
        QVERIFY2(!audio.error.isEmpty(), qPrintable(QStringLiteral("cut at %1 has no error").arg(cut)));
    }
    // Cut inside the data: whatever whole frames are present decode (the data size is then too large).
    for (int cut = headerBytes + frameBytes; cut <= file.size(); ++cut) {
        const WavReader::Audio audio = WavReader::decode(file.first(cut));
        QVERIFY2(audio.ok, qPrintable(QStringLiteral("cut at %1: %2").arg(cut).arg(audio.error)));
        QCOMPARE(audio.source.frames, (cut - headerBytes) / frameBytes);
    }
}

void tst_WavReader::randomlyCorruptedHeadersNeverCrash()
{
    const QByteArray valid = riff(chunk("LIST", "INFOabc") + chunk("fmt ", extensibleBody(2, 44100, 16, 16, 1))
                                  + chunk("data", QByteArray(400, '\x10')));
    QRandomGenerator random(11);
    int decoded = 0;
    for (int round = 0; round < 3000; ++round) {
        QByteArray file = valid;
        const int edits = random.bounded(1, 5);
        for (int e = 0; e < edits; ++e)
            file[random.bounded(int(qMin<qsizetype>(file.size(), 100)))] = char(random.bounded(256));
        if (random.bounded(4) == 0)
            file.truncate(random.bounded(int(file.size())));
        const WavReader::Audio audio = WavReader::decode(file);
        if (audio.ok) {
            ++decoded;
            QCOMPARE(audio.linear16.size() % 2, 0);
        } else {
            QVERIFY(!audio.error.isEmpty());
        }
    }
    QVERIFY(decoded > 0); // some edits (e.g. in LIST text) leave a valid file
}

void tst_WavReader::decodeFileReportsPathAndCap()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("tone.wav"));
    QFile out(path);
    QVERIFY(out.open(QIODevice::WriteOnly));
    const QByteArray file = canonical16kMono(8000);
    out.write(file);
    out.close();

    const WavReader::Audio audio = WavReader::decodeFile(path);
    QVERIFY2(audio.ok, qPrintable(audio.error));
    QCOMPARE(audio.linear16, file.sliced(44));

    const WavReader::Audio tooBig = WavReader::decodeFile(path, 1000);
    QVERIFY(!tooBig.ok);
    QVERIFY2(tooBig.error.startsWith(path) && tooBig.error.contains(QLatin1String("over the 1000-byte limit")),
             qPrintable(tooBig.error));

    const QString missing = dir.filePath(QStringLiteral("missing.wav"));
    const WavReader::Audio none = WavReader::decodeFile(missing);
    QVERIFY(!none.ok);
    QVERIFY2(none.error.startsWith(QStringLiteral("cannot open ") + missing), qPrintable(none.error));
}

QTEST_GUILESS_MAIN(tst_WavReader)
#include "tst_wavreader.moc"
