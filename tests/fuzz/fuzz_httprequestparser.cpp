// The loopback service's HTTP/1.x request parser. The first byte picks how the rest is split into
// feeds (as TCP would), so chunk boundaries fall everywhere; small limits reach every limit branch.
#include "workers/loopback/http/httprequestparser.h"

#include <cstddef>
#include <cstdint>

using Taskscope::Loopback::HttpRequest;
using Taskscope::Loopback::HttpRequestParser;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const size_t step = 1 + data[0] % 64;
    HttpRequestParser::Limits limits;
    limits.maxHeaderBytes = 2048;
    limits.maxHeaders = 20;
    limits.maxBodyBytes = 4096;
    HttpRequestParser parser(limits);
    QByteArray buffer;
    for (size_t at = 1; at < size; at += step) {
        buffer.append(reinterpret_cast<const char *>(data + at), qsizetype(std::min(step, size - at)));
        while (true) {
            const auto state = parser.feed(buffer);
            if (state == HttpRequestParser::State::Error)
                return 0;
            if (parser.headersComplete())
                parser.reserveBody();
            if (state != HttpRequestParser::State::Complete)
                break;
            const HttpRequest request = parser.takeRequest();
            (void)request.keepAlive();
            (void)request.isWebSocketUpgrade();
        }
    }
    return 0;
}
