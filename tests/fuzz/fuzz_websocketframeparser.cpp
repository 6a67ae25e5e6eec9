// The loopback service's WebSocket frame parser (RFC 6455), as the server runs it: masked frames,
// a payload cap, and the UTF-8 check on every payload.
#include "workers/loopback/websocket/websocketframeparser.h"

#include <cstddef>
#include <cstdint>

using Taskscope::Loopback::WebSocketFrameParser;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    // The first byte chooses whether masks are required (as on the server) or not (as in the tests).
    WebSocketFrameParser parser(4096, (data[0] & 1) == 0);
    const QByteArray buffer(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    qsizetype offset = 0;
    WebSocketFrameParser::Frame frame;
    while (parser.next(buffer, offset, frame) == WebSocketFrameParser::Result::Frame)
        (void)WebSocketFrameParser::isValidUtf8(frame.payload);
    return 0;
}
