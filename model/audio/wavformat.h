#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <optional>

namespace Taskscope::Audio {

/// The parts of RIFF/WAVE that are format rather than policy, shared by the client's WavReader (whole
/// files, any PCM or float layout) and the built-in service's streaming WAV reader and writers (16-bit
/// PCM, float, G.711): the fmt chunk's fields and the canonical 44-byte header. Each reader keeps its
/// own rules about which layouts it accepts and how it walks the chunks (one has the whole file, the
/// other reads a network stream that may stop anywhere).
class WavFormat
{
public:
    static constexpr quint16 TagPcm = 1;
    static constexpr quint16 TagFloat = 3;
    static constexpr quint16 TagAlaw = 6;
    static constexpr quint16 TagMulaw = 7;
    static constexpr quint16 TagExtensible = 0xFFFE;
    static constexpr qsizetype HeaderBytes = 44;

    /// A fmt chunk as written, with the extensible subformat resolved.
    struct Fmt
    {
        quint16 formatTag = 0; ///< as written (0xFFFE for extensible)
        quint16 sampleTag = 0; ///< formatTag, or the extensible chunk's subformat tag
        int channels = 0;
        quint32 sampleRate = 0; ///< as written; may be absurd, the reader decides
        int blockAlign = 0;
        int bitsPerSample = 0; ///< container size
        int validBitsPerSample = 0; ///< extensible files may use fewer bits than the container
    };

    /// Reads the body of a fmt chunk. Refuses a body under 16 bytes, an extensible one under 40 bytes
    /// (or whose extension is under 22), and an extensible subformat that is not a KSDATAFORMAT_SUBTYPE
    /// GUID; the error says which.
    static std::optional<Fmt> parseFmt(QByteArrayView chunk, QString *error);

    /// "RIFF....WAVE" at the start of `bytes`.
    static bool looksLikeWav(QByteArrayView bytes);

    /// The 44-byte header of 16-bit PCM audio. dataBytes < 0: the length is not known yet (a stream);
    /// the sizes are then the largest values, as streaming writers put them.
    static QByteArray linear16Header(int sampleRate, int channels, qint64 dataBytes);
};

} // namespace Taskscope::Audio
