// The client's parser of OpenAI chat.completion.chunk payloads (one SSE event's data).
#include "model/protocol/chatcompletionchunk.h"

#include <cstddef>
#include <cstdint>

using Taskscope::Protocol::ChatCompletionChunk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)ChatCompletionChunk::parse(QByteArrayView(reinterpret_cast<const char *>(data), qsizetype(size)));
    return 0;
}
