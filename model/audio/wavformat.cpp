#include "model/audio/wavformat.h"

#include <QtEndian>

#include <cstring>

namespace Taskscope::Audio {

namespace {

// KSDATAFORMAT_SUBTYPE_* GUIDs share these 14 bytes after the 2-byte format tag.
constexpr char SubformatGuidTail[14] = {'\x00', '\x00', '\x00', '\x00', '\x10', '\x00', '\x80',
                                        '\x00', '\x00', '\xAA', '\x00', '\x38', '\x9B', '\x71'};

quint16 le16(const char *p)
{
    return qFromLittleEndian<quint16>(p);
}

quint32 le32(const char *p)
{
    return qFromLittleEndian<quint32>(p);
}

} // namespace

std::optional<WavFormat::Fmt> WavFormat::parseFmt(QByteArrayView chunk, QString *error)
{
    if (chunk.size() < 16) {
        *error = QStringLiteral("fmt chunk is %1 bytes; it needs at least 16").arg(chunk.size());
        return std::nullopt;
    }
    const char *p = chunk.data();
    Fmt fmt;
    fmt.formatTag = le16(p);
    fmt.sampleTag = fmt.formatTag;
    fmt.channels = le16(p + 2);
    fmt.sampleRate = le32(p + 4);
    fmt.blockAlign = le16(p + 12);
    fmt.bitsPerSample = le16(p + 14);
    fmt.validBitsPerSample = fmt.bitsPerSample;
    if (fmt.formatTag != TagExtensible)
        return fmt;
    if (chunk.size() < 40) {
        *error = QStringLiteral("WAVE_FORMAT_EXTENSIBLE fmt chunk is %1 bytes; it needs 40").arg(chunk.size());
        return std::nullopt;
    }
    if (const int extension = le16(p + 16); extension < 22) {
        *error = QStringLiteral("WAVE_FORMAT_EXTENSIBLE extension is %1 bytes; it needs 22").arg(extension);
        return std::nullopt;
    }
    if (const int validBits = le16(p + 18); validBits != 0)
        fmt.validBitsPerSample = validBits;
    fmt.sampleTag = le16(p + 24);
    if (std::memcmp(p + 26, SubformatGuidTail, sizeof SubformatGuidTail) != 0) {
        *error = QStringLiteral("unsupported WAVE_FORMAT_EXTENSIBLE subformat (not a KSDATAFORMAT_SUBTYPE GUID)");
        return std::nullopt;
    }
    return fmt;
}

bool WavFormat::looksLikeWav(QByteArrayView bytes)
{
    return bytes.size() >= 12 && bytes.first(4) == "RIFF" && bytes.sliced(8, 4) == "WAVE";
}

QByteArray WavFormat::linear16Header(int sampleRate, int channels, qint64 dataBytes)
{
    constexpr quint32 unknown = 0xFFFFFFFFu;
    const quint32 riffSize = dataBytes < 0 ? unknown : quint32(36 + dataBytes);
    const quint32 dataSize = dataBytes < 0 ? unknown - 36 : quint32(dataBytes);
    QByteArray h(HeaderBytes, '\0');
    char *p = h.data();
    std::memcpy(p, "RIFF", 4);
    qToLittleEndian<quint32>(riffSize, p + 4);
    std::memcpy(p + 8, "WAVEfmt ", 8);
    qToLittleEndian<quint32>(16, p + 16);
    qToLittleEndian<quint16>(TagPcm, p + 20);
    qToLittleEndian<quint16>(quint16(channels), p + 22);
    qToLittleEndian<quint32>(quint32(sampleRate), p + 24);
    qToLittleEndian<quint32>(quint32(sampleRate * channels * 2), p + 28);
    qToLittleEndian<quint16>(quint16(channels * 2), p + 32);
    qToLittleEndian<quint16>(16, p + 34);
    std::memcpy(p + 36, "data", 4);
    qToLittleEndian<quint32>(dataSize, p + 40);
    return h;
}

} // namespace Taskscope::Audio
