// The client's WAV reader (a live or file audio source): parse and decode to 16 kHz mono.
#include "model/audio/wavreader.h"

#include <cstddef>
#include <cstdint>

using Taskscope::Audio::WavReader;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView file(reinterpret_cast<const char *>(data), qsizetype(size));
    (void)WavReader::parse(file, 1 << 20);
    (void)WavReader::decode(file, 1 << 20);
    return 0;
}
