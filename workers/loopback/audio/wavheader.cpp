#include "workers/loopback/audio/wavheader.h"

#include "model/audio/wavformat.h"

#include <QtEndian>

namespace Taskscope::Loopback {

bool WavHeader::looksLikeWav(QByteArrayView bytes)
{
    return Audio::WavFormat::looksLikeWav(bytes);
}

WavHeader WavHeader::parse(QByteArrayView bytes)
{
    WavHeader header;
    if (bytes.size() < 12) {
        if (!QByteArrayView("RIFF").startsWith(bytes.first(std::min<qsizetype>(bytes.size(), 4)))) {
            header.status = Status::NotWav;
            header.error = QStringLiteral("not a RIFF/WAVE file");
        }
        return header;
    }
    if (!looksLikeWav(bytes)) {
        header.status = Status::NotWav;
        header.error = QStringLiteral("not a RIFF/WAVE file");
        return header;
    }
    qsizetype at = 12;
    bool haveFormat = false;
    while (true) {
        if (bytes.size() < at + 8)
            return header; // NeedMoreData
        const QByteArrayView id = bytes.sliced(at, 4);
        const quint32 size = qFromLittleEndian<quint32>(bytes.data() + at + 4);
        const qsizetype body = at + 8;
        if (id == "data") {
            if (!haveFormat) {
                header.status = Status::Unsupported;
                header.error = QStringLiteral("WAV data chunk before its fmt chunk");
                return header;
            }
            header.dataOffset = body;
            header.dataSize = size;
            header.status = Status::Ok;
            return header;
        }
        if (id == "fmt ") {
            if (size < 16) {
                header.status = Status::Unsupported;
                header.error = QStringLiteral("WAV fmt chunk too short");
                return header;
            }
            if (bytes.size() < body + qsizetype(size))
                return header;
            QString why;
            const std::optional<Audio::WavFormat::Fmt> fmt = Audio::WavFormat::parseFmt(
                bytes.sliced(body, qsizetype(size)), &why);
            if (!fmt) {
                header.status = Status::Unsupported;
                header.error = QStringLiteral("WAV %1").arg(why);
                return header;
            }
            const quint16 tag = fmt->sampleTag;
            const int bits = fmt->bitsPerSample;
            const int channels = fmt->channels;
            const quint32 rate = fmt->sampleRate;
            AudioFormat format;
            format.channels = channels;
            format.sampleRate = int(rate);
            if (tag == Audio::WavFormat::TagPcm && bits == 16) {
                format.encoding = AudioFormat::Encoding::Linear16;
            } else if (tag == Audio::WavFormat::TagFloat && bits == 32) {
                format.encoding = AudioFormat::Encoding::Float32;
            } else if (tag == Audio::WavFormat::TagMulaw && bits == 8) {
                format.encoding = AudioFormat::Encoding::Mulaw;
            } else if (tag == Audio::WavFormat::TagAlaw && bits == 8) {
                format.encoding = AudioFormat::Encoding::Alaw;
            } else {
                header.status = Status::Unsupported;
                header.error = QStringLiteral("unsupported WAV encoding (format tag %1, %2 bits); use 16-bit PCM, "
                                              "32-bit float, mu-law or A-law")
                                   .arg(tag)
                                   .arg(bits);
                return header;
            }
            if (!format.isValid()) {
                header.status = Status::Unsupported;
                header.error = QStringLiteral("unsupported WAV layout (%1 Hz, %2 channels)").arg(rate).arg(channels);
                return header;
            }
            header.format = format;
            haveFormat = true;
        }
        // Chunks are word-aligned: odd sizes carry one padding byte. A huge size is a placeholder or junk.
        const qint64 next = qint64(body) + qint64(size) + (size & 1);
        if (next > (qint64(1) << 40)) {
            header.status = Status::Unsupported;
            header.error = QStringLiteral("WAV chunk size out of range");
            return header;
        }
        at = qsizetype(next);
    }
}

} // namespace Taskscope::Loopback
