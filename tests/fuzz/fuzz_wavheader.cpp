// The loopback service's WAV header reader (a listen stream or prerecorded body that starts with RIFF).
#include "workers/loopback/audio/wavheader.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

using Taskscope::Loopback::WavHeader;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const WavHeader header = WavHeader::parse(QByteArrayView(reinterpret_cast<const char *>(data), qsizetype(size)));
    if (header.status == WavHeader::Status::Ok && (header.dataOffset < 0 || header.dataOffset > qsizetype(size)))
        std::abort(); // audio said to start outside the bytes given
    return 0;
}
