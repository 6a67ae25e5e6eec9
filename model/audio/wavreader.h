#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QStringList>

namespace Taskscope::Audio {

// Our own RIFF/WAVE reader (deterministic, no multimedia backend).
//
// Accepts PCM (tag 1) 8/16/24/32-bit, IEEE float (tag 3) 32/64-bit, and WAVE_FORMAT_EXTENSIBLE (0xFFFE)
// with a PCM or float subformat; any channel count; 1 kHz to 768 kHz. Skips LIST, fact and any other
// chunk, honouring the pad byte after odd-sized chunks, and accepts a fmt chunk that follows an exactly
// sized data chunk. Tolerates the placeholder sizes written by streaming writers such as
// `espeak-ng --stdout` (RIFF 0x7FFFF024, data 0x7FFFF000) and any data size larger than the file: the
// data then runs to the end of the file (a trailing partial frame is dropped). Everything else is
// rejected with an error that says what is wrong. Never throws, never reads out of bounds.
//
// decode() converts to 16 kHz mono int16: channels are averaged (no clipping), samples converted to
// float, resampled with AudioResampler (windowed sinc; its header documents the quality), then rounded
// and clipped to int16. 16 kHz mono 16-bit input is copied through bit-exactly.
//
// Input is capped (DefaultMaxInputBytes unless told otherwise); the output is at most 4x the input
// (8-bit 8 kHz upsampled), so memory stays bounded too.
class WavReader
{
public:
    // The format of a WAV file's audio, as read from its fmt chunk.
    struct Format
    {
        enum class SampleType { Integer, Float };

        quint16 formatTag = 0; // as written: 1 PCM, 3 IEEE float or 0xFFFE extensible
        SampleType sampleType = SampleType::Integer; // after resolving the extensible subformat
        int channels = 0;
        int sampleRate = 0;
        int bitsPerSample = 0; // container size: 8, 16, 24, 32 (integer) or 32, 64 (float)
        int validBitsPerSample = 0; // extensible files may use fewer than the container (e.g. 20 of 24)
        int blockAlign = 0; // bytes per frame (all channels)
        qint64 frames = 0; // whole frames in the data chunk actually present
        double durationSeconds = 0;

        // e.g. "PCM 16-bit, 2 channels, 44100 Hz, 3.25 s"
        QString description() const;
    };

    // What WavReader::parse found: the format and where the sample data is. Nothing is decoded.
    struct Layout
    {
        bool ok = false;
        QString error; // when !ok: what is wrong, e.g. "unsupported format tag 7 (mu-law)"
        QStringList warnings; // tolerated oddities (placeholder sizes, trailing bytes, ...)
        Format format;
        qsizetype dataOffset = 0;
        qsizetype dataBytes = 0; // whole frames only
        bool dataSizeUnreliable = false; // declared size was a placeholder or larger than the file
    };

    // The decoded result: 16 kHz mono linear16 (little-endian int16) plus what the source was.
    struct Audio
    {
        bool ok = false;
        QString error;
        QStringList warnings;
        Format source;
        QByteArray linear16;
        double durationSeconds = 0; // of the output (equals the source duration up to one sample)
    };

    static constexpr qsizetype DefaultMaxInputBytes = 256 * 1024 * 1024;
    static constexpr int OutputSampleRate = 16000;
    static constexpr int MinSampleRate = 1000;
    static constexpr int MaxSampleRate = 768000;

    static Layout parse(QByteArrayView file, qsizetype maxInputBytes = DefaultMaxInputBytes);
    static Audio decode(QByteArrayView file, qsizetype maxInputBytes = DefaultMaxInputBytes);
    // Reads and decodes a file; errors name the path. The size cap is checked before reading.
    static Audio decodeFile(const QString &path, qsizetype maxInputBytes = DefaultMaxInputBytes);
};

} // namespace Taskscope::Audio
