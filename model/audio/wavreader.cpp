#include "model/audio/wavreader.h"

#include "model/audio/audioresampler.h"
#include "model/audio/wavformat.h"

#include <QFile>
#include <QtEndian>

#include <cmath>
#include <cstring>

namespace Taskscope::Audio {

namespace {

constexpr quint16 TagPcm = WavFormat::TagPcm;
constexpr quint16 TagFloat = WavFormat::TagFloat;
constexpr quint16 TagExtensible = WavFormat::TagExtensible;

quint32 le32(const char *p)
{
    return qFromLittleEndian<quint32>(p);
}

// A chunk id as text; bytes that are not printable ASCII are shown as \xNN.
QString fourcc(const char *p)
{
    QString out;
    for (int i = 0; i < 4; ++i) {
        const auto c = uchar(p[i]);
        if (c >= 0x20 && c < 0x7F)
            out += QLatin1Char(char(c));
        else
            out += QStringLiteral("\\x%1").arg(c, 2, 16, QLatin1Char('0'));
    }
    return out;
}

QString formatTagName(quint16 tag)
{
    switch (tag) {
    case 0x0002:
        return QStringLiteral("Microsoft ADPCM");
    case 0x0006:
        return QStringLiteral("A-law");
    case 0x0007:
        return QStringLiteral("mu-law");
    case 0x0011:
        return QStringLiteral("IMA ADPCM");
    case 0x0031:
        return QStringLiteral("GSM 6.10");
    case 0x0050:
        return QStringLiteral("MPEG");
    case 0x0055:
        return QStringLiteral("MP3");
    case 0x0161:
        return QStringLiteral("WMA");
    case 0x2000:
        return QStringLiteral("AC-3");
    case 0xF1AC:
        return QStringLiteral("FLAC");
    default:
        return QStringLiteral("unknown");
    }
}

QString hexTag(quint16 tag)
{
    return QStringLiteral("0x%1").arg(QString::number(tag, 16).toUpper().rightJustified(4, u'0'));
}

// Sizes that streaming writers put in headers before they know the length.
bool isPlaceholderSize(quint32 size)
{
    return size == 0 || size >= 0x7FFF0000u;
}

bool parseFmt(const char *p, quint32 size, WavReader::Format *format, QString *error)
{
    const std::optional<WavFormat::Fmt> fmt = WavFormat::parseFmt(QByteArrayView(p, qsizetype(size)), error);
    if (!fmt)
        return false;
    format->formatTag = fmt->formatTag;
    format->channels = fmt->channels;
    format->sampleRate = int(qMin<quint32>(fmt->sampleRate, quint32(std::numeric_limits<int>::max())));
    format->blockAlign = fmt->blockAlign;
    format->bitsPerSample = fmt->bitsPerSample;
    format->validBitsPerSample = fmt->validBitsPerSample;
    const quint16 sampleTag = fmt->sampleTag;
    if (format->formatTag == TagExtensible) {
        if (sampleTag != TagPcm && sampleTag != TagFloat) {
            *error = QStringLiteral("unsupported WAVE_FORMAT_EXTENSIBLE subformat %1 (%2); supported: PCM, IEEE float")
                         .arg(hexTag(sampleTag), formatTagName(sampleTag));
            return false;
        }
    } else if (sampleTag != TagPcm && sampleTag != TagFloat) {
        *error = QStringLiteral("unsupported format tag %1 (%2); supported: 1 (PCM), 3 (IEEE float), "
                                "0xFFFE (extensible PCM or float)")
                     .arg(sampleTag)
                     .arg(formatTagName(sampleTag));
        return false;
    }
    format->sampleType = sampleTag == TagFloat ? WavReader::Format::SampleType::Float
                                               : WavReader::Format::SampleType::Integer;

    if (format->channels == 0) {
        *error = QStringLiteral("zero channels in the fmt chunk");
        return false;
    }
    if (format->sampleRate < WavReader::MinSampleRate || format->sampleRate > WavReader::MaxSampleRate) {
        *error = QStringLiteral("absurd sample rate %1 Hz (supported: %2 to %3 Hz)")
                     .arg(fmt->sampleRate)
                     .arg(WavReader::MinSampleRate)
                     .arg(WavReader::MaxSampleRate);
        return false;
    }
    const int bits = format->bitsPerSample;
    if (sampleTag == TagPcm && bits != 8 && bits != 16 && bits != 24 && bits != 32) {
        *error = QStringLiteral("unsupported PCM sample size %1 bits (supported: 8, 16, 24, 32)").arg(bits);
        return false;
    }
    if (sampleTag == TagFloat && bits != 32 && bits != 64) {
        *error = QStringLiteral("unsupported IEEE float sample size %1 bits (supported: 32, 64)").arg(bits);
        return false;
    }
    if (format->validBitsPerSample > bits) {
        *error = QStringLiteral("%1 valid bits per sample do not fit in %2-bit samples")
                     .arg(format->validBitsPerSample)
                     .arg(bits);
        return false;
    }
    const int expectedAlign = format->channels * (bits / 8);
    if (format->blockAlign != expectedAlign) {
        *error = QStringLiteral("block align %1 does not match %2 channels of %3-bit samples (%4 bytes)")
                     .arg(format->blockAlign)
                     .arg(format->channels)
                     .arg(bits)
                     .arg(expectedAlign);
        return false;
    }
    return true;
}

// Decodes frames of one sample layout into mono floats: channels are averaged, so nothing clips.
template<typename ReadSample>
void downmix(const char *p, qsizetype frames, int channels, int bytesPerSample, float *out, ReadSample read)
{
    const float scale = 1.0f / float(channels);
    for (qsizetype f = 0; f < frames; ++f) {
        float sum = 0;
        for (int c = 0; c < channels; ++c) {
            sum += read(p);
            p += bytesPerSample;
        }
        out[f] = channels == 1 ? sum : sum * scale;
    }
}

float finiteOrZero(double v)
{
    return std::isfinite(v) ? float(v) : 0.0f;
}

void toMonoFloat(const WavReader::Format &format, const char *p, qsizetype frames, float *out)
{
    const int channels = format.channels;
    const int bytes = format.bitsPerSample / 8;
    if (format.sampleType == WavReader::Format::SampleType::Float) {
        if (bytes == 4)
            downmix(p, frames, channels, 4, out,
                    [](const char *s) { return finiteOrZero(qFromLittleEndian<float>(s)); });
        else
            downmix(p, frames, channels, 8, out,
                    [](const char *s) { return finiteOrZero(qFromLittleEndian<double>(s)); });
        return;
    }
    switch (bytes) {
    case 1: // 8-bit WAV is unsigned with 128 as zero
        downmix(p, frames, channels, 1, out, [](const char *s) { return float(int(uchar(*s)) - 128) / 128.0f; });
        break;
    case 2:
        downmix(p, frames, channels, 2, out,
                [](const char *s) { return float(qFromLittleEndian<qint16>(s)) / 32768.0f; });
        break;
    case 3:
        downmix(p, frames, channels, 3, out, [](const char *s) {
            const qint32 v = qint32(uchar(s[0])) | (qint32(uchar(s[1])) << 8) | (qint32(qint8(s[2])) * 65536);
            return float(v) / 8388608.0f;
        });
        break;
    default:
        downmix(p, frames, channels, 4, out,
                [](const char *s) { return float(double(qFromLittleEndian<qint32>(s)) / 2147483648.0); });
        break;
    }
}

} // namespace

QString WavReader::Format::description() const
{
    QString kind = sampleType == SampleType::Float ? QStringLiteral("IEEE float") : QStringLiteral("PCM");
    if (formatTag == TagExtensible)
        kind = QStringLiteral("extensible ") + kind;
    QString bits = QStringLiteral("%1-bit").arg(bitsPerSample);
    if (validBitsPerSample != bitsPerSample)
        bits += QStringLiteral(" (%1 valid)").arg(validBitsPerSample);
    return QStringLiteral("%1 %2, %3 channel%4, %5 Hz, %6 s")
        .arg(kind, bits)
        .arg(channels)
        .arg(channels == 1 ? QString() : QStringLiteral("s"))
        .arg(sampleRate)
        .arg(durationSeconds, 0, 'f', 2);
}

WavReader::Layout WavReader::parse(QByteArrayView file, qsizetype maxInputBytes)
{
    Layout layout;
    const auto fail = [&layout](const QString &error) {
        layout.ok = false;
        layout.error = error;
        return layout;
    };
    const qint64 size = file.size();
    const char *bytes = file.data();
    if (size > maxInputBytes)
        return fail(QStringLiteral("WAV input is %1 bytes, over the %2-byte limit").arg(size).arg(maxInputBytes));
    if (size < 12)
        return fail(
            QStringLiteral("truncated header: %1 bytes, but a WAV file starts with a 12-byte RIFF header").arg(size));
    if (std::memcmp(bytes, "RIFX", 4) == 0)
        return fail(QStringLiteral("big-endian RIFX WAV files are not supported"));
    if (std::memcmp(bytes, "RF64", 4) == 0)
        return fail(QStringLiteral("RF64 (64-bit WAV) files are not supported"));
    if (std::memcmp(bytes, "RIFF", 4) != 0)
        return fail(QStringLiteral("not a RIFF file: it starts with \"%1\" instead of \"RIFF\"").arg(fourcc(bytes)));
    if (std::memcmp(bytes + 8, "WAVE", 4) != 0)
        return fail(QStringLiteral("not a WAVE file: the RIFF form type is \"%1\"").arg(fourcc(bytes + 8)));

    // Chunks end where the RIFF size says, unless that is a placeholder or past the end of the file.
    const quint32 riffSize = le32(bytes + 4);
    qint64 end = size;
    if (qint64(riffSize) + 8 < size && riffSize >= 4) {
        end = qint64(riffSize) + 8;
        layout.warnings << QStringLiteral("%1 bytes after the RIFF chunk ignored").arg(size - end);
    } else if (qint64(riffSize) + 8 > size && !isPlaceholderSize(riffSize)) {
        layout.warnings << QStringLiteral("RIFF size %1 is larger than the file (%2 bytes)").arg(riffSize).arg(size);
    }

    bool haveFmt = false;
    bool haveData = false;
    qint64 pos = 12;
    while (pos + 8 <= end) {
        const char *header = bytes + pos;
        const quint32 chunkSize = le32(header + 4);
        const qint64 body = pos + 8;
        const qint64 available = end - body;
        if (std::memcmp(header, "fmt ", 4) == 0) {
            if (haveFmt) {
                layout.warnings << QStringLiteral("second fmt chunk at offset %1 ignored").arg(pos);
            } else {
                if (chunkSize > available)
                    return fail(QStringLiteral("truncated fmt chunk: it declares %1 bytes but only %2 remain")
                                    .arg(chunkSize)
                                    .arg(available));
                QString error;
                if (!parseFmt(bytes + body, chunkSize, &layout.format, &error))
                    return fail(error);
                haveFmt = true;
            }
        } else if (std::memcmp(header, "data", 4) == 0) {
            if (haveData) {
                layout.warnings << QStringLiteral("second data chunk at offset %1 ignored").arg(pos);
            } else {
                haveData = true;
                layout.dataOffset = qsizetype(body);
                if (chunkSize > available) {
                    // A streaming writer's placeholder, or a file cut short: the data runs to the end.
                    layout.dataSizeUnreliable = true;
                    layout.dataBytes = qsizetype(available);
                    layout.warnings << (isPlaceholderSize(chunkSize)
                                            ? QStringLiteral("data size 0x%1 is a streaming placeholder; "
                                                             "reading to the end of the file")
                                                  .arg(chunkSize, 0, 16)
                                            : QStringLiteral("data chunk declares %1 bytes but the file holds %2; "
                                                             "reading to the end of the file")
                                                  .arg(chunkSize)
                                                  .arg(available));
                    break;
                }
                layout.dataBytes = qsizetype(chunkSize);
            }
        } else if (chunkSize > available) {
            if (haveFmt && haveData) { // damaged trailing metadata: the audio is complete
                layout.warnings << QStringLiteral("chunk \"%1\" at offset %2 runs past the end of the file; ignored")
                                       .arg(fourcc(header))
                                       .arg(pos);
                break;
            }
            return fail(QStringLiteral("chunk \"%1\" at offset %2 declares %3 bytes but only %4 remain")
                            .arg(fourcc(header))
                            .arg(pos)
                            .arg(chunkSize)
                            .arg(available));
        }
        pos = body + qint64(chunkSize) + (chunkSize & 1); // chunks are padded to even sizes
    }

    if (!haveFmt || !haveData) {
        if (pos < end && pos + 8 > end)
            return fail(
                QStringLiteral("truncated header: the file ends inside the chunk header at offset %1").arg(pos));
        if (!haveFmt)
            return fail(haveData ? QStringLiteral("missing fmt chunk: the data chunk has no format")
                                 : QStringLiteral("missing fmt chunk (and no data chunk)"));
        return fail(QStringLiteral("no data chunk"));
    }

    Format &format = layout.format;
    format.frames = layout.dataBytes / format.blockAlign;
    const qsizetype partial = layout.dataBytes - qsizetype(format.frames) * format.blockAlign;
    if (partial != 0)
        layout.warnings << QStringLiteral("%1 trailing bytes of a partial frame dropped").arg(partial);
    layout.dataBytes = qsizetype(format.frames) * format.blockAlign;
    if (format.frames == 0)
        return fail(QStringLiteral("no audio data: the data chunk holds %1 bytes, less than one %2-byte frame")
                        .arg(layout.dataBytes + partial)
                        .arg(format.blockAlign));
    format.durationSeconds = double(format.frames) / format.sampleRate;
    layout.ok = true;
    return layout;
}

WavReader::Audio WavReader::decode(QByteArrayView file, qsizetype maxInputBytes)
{
    Audio audio;
    const Layout layout = parse(file, maxInputBytes);
    audio.warnings = layout.warnings;
    audio.source = layout.format;
    if (!layout.ok) {
        audio.error = layout.error;
        return audio;
    }
    const Format &format = layout.format;
    const char *data = file.data() + layout.dataOffset;
    // The output is 16 kHz 16-bit: a low rate or narrow samples grow it (1 kHz 8-bit: 32 times). Kept
    // to 4x the input, the promise above, so a small file cannot take gigabytes.
    const qint64 outputBytes = (format.frames * OutputSampleRate + format.sampleRate - 1) / format.sampleRate * 2;
    if (outputBytes > 4 * qint64(file.size()) + 4096) {
        audio.error = QStringLiteral("decoding would take %1 MiB (16 kHz 16-bit), more than 4 times the %2 MiB input; "
                                     "resample it to a higher rate first")
                          .arg(outputBytes / (1024.0 * 1024.0), 0, 'f', 1)
                          .arg(file.size() / (1024.0 * 1024.0), 0, 'f', 1);
        return audio;
    }

    if (format.sampleType == Format::SampleType::Integer && format.bitsPerSample == 16 && format.channels == 1
        && format.sampleRate == OutputSampleRate) {
        audio.linear16 = QByteArray(data, layout.dataBytes); // already linear16: bit-exact
    } else {
        AudioResampler resampler(format.sampleRate, OutputSampleRate);
        constexpr qsizetype BlockFrames = 4096;
        QList<float> block(BlockFrames);
        QList<float> resampled;
        const qint64 expected = (format.frames * OutputSampleRate + format.sampleRate - 1) / format.sampleRate;
        audio.linear16.reserve(qsizetype(expected) * 2);
        for (qint64 first = 0; first < format.frames; first += BlockFrames) {
            const qsizetype n = qsizetype(qMin<qint64>(BlockFrames, format.frames - first));
            toMonoFloat(format, data + first * format.blockAlign, n, block.data());
            resampled.clear();
            resampler.process(std::span<const float>(block.constData(), size_t(n)), resampled);
            AudioResampler::appendLinear16(resampled, audio.linear16);
        }
        resampled.clear();
        resampler.finish(resampled);
        AudioResampler::appendLinear16(resampled, audio.linear16);
    }
    audio.durationSeconds = double(audio.linear16.size() / 2) / OutputSampleRate;
    audio.ok = true;
    return audio;
}

WavReader::Audio WavReader::decodeFile(const QString &path, qsizetype maxInputBytes)
{
    Audio audio;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        audio.error = QStringLiteral("cannot open %1: %2").arg(path, file.errorString());
        return audio;
    }
    if (file.size() > maxInputBytes) {
        audio.error = QStringLiteral("%1: WAV input is %2 bytes, over the %3-byte limit")
                          .arg(path)
                          .arg(file.size())
                          .arg(maxInputBytes);
        return audio;
    }
    // Read one byte past the cap so a file that grows while we read is still caught by decode().
    const QByteArray bytes = file.read(maxInputBytes + 1);
    audio = decode(bytes, maxInputBytes);
    if (!audio.ok)
        audio.error = path + QStringLiteral(": ") + audio.error;
    return audio;
}

} // namespace Taskscope::Audio
