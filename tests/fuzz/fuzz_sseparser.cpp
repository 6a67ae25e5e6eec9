// The client's Server-Sent Events parser, fed in pieces whose size the first byte picks.
#include "model/protocol/sseparser.h"

#include <cstddef>
#include <cstdint>

using Taskscope::Protocol::SseParser;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const size_t step = 1 + data[0] % 64;
    SseParser parser(4096);
    QList<SseParser::Event> events;
    for (size_t at = 1; at < size; at += step) {
        parser.feed(QByteArrayView(reinterpret_cast<const char *>(data + at), qsizetype(std::min(step, size - at))),
                    events);
        if (events.size() > 1000)
            events.clear();
    }
    parser.finish();
    return 0;
}
