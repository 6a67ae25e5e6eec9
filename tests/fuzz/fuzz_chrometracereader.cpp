// The Chrome Trace Event reader (opening a trace file), with small limits so every limit is reachable.
#include "model/trace/chrometracereader.h"
#include "model/trace/tracestore.h"

#include <cstddef>
#include <cstdint>

using namespace Taskscope::Trace;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ChromeTraceLimits limits;
    limits.maxBytes = 1 << 20;
    limits.maxEvents = 10'000;
    limits.maxLanes = 100;
    TraceStore store;
    (void)ChromeTraceReader::read(QByteArray(reinterpret_cast<const char *>(data), qsizetype(size)), store, limits);
    return 0;
}
