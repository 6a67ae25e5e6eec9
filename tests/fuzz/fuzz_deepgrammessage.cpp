// The client's parser of Deepgram listen/speak server messages.
#include "model/protocol/deepgrammessage.h"

#include <cstddef>
#include <cstdint>

using Taskscope::Protocol::DeepgramMessage;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const DeepgramMessage message = DeepgramMessage::parse(
        QByteArrayView(reinterpret_cast<const char *>(data), qsizetype(size)));
    (void)message.toJson();
    return 0;
}
