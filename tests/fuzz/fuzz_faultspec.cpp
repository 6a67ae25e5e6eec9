// The fault-spec parser, and its promise that toString() parses back to an equal spec.
#include "workers/loopback/faultspec.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

using Taskscope::Loopback::FaultSpec;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto spec = FaultSpec::parse(text);
    if (!spec)
        return 0;
    const auto again = FaultSpec::parse(spec->toString());
    if (!again || !(*again == *spec))
        std::abort(); // a spec that does not survive its own text
    return 0;
}
