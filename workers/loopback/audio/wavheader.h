#pragma once
// RIFF/WAVE header reader for uploaded audio (prerecorded POST, containerized live streams).
// Accepts PCM 16-bit, 32-bit float, mu-law and A-law (also inside WAVE_FORMAT_EXTENSIBLE), skips
// unknown chunks with their odd-size padding, and tolerates the placeholder sizes that streaming
// writers (espeak-ng --stdout) put in the header.
#include "workers/loopback/audio/audioformat.h"

#include <QByteArrayView>
#include <QString>

namespace Taskscope::Loopback {

struct WavHeader
{
    enum class Status { Ok, NeedMoreData, NotWav, Unsupported };

    Status status = Status::NeedMoreData;
    QString error; // for NotWav / Unsupported
    AudioFormat format;
    qsizetype dataOffset = 0; // first byte of the samples
    qint64 dataSize = -1; // as declared; -1 or larger than the file when a placeholder was written

    static bool looksLikeWav(QByteArrayView bytes);
    // Parses a header at the start of `bytes`.
    static WavHeader parse(QByteArrayView bytes);
};

} // namespace Taskscope::Loopback
