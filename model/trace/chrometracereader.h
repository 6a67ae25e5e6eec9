#pragma once

#include <QString>

class QIODevice;

namespace Taskscope::Trace {

class TraceStore;

struct ChromeTraceLimits
{
    qint64 maxBytes = 512ll << 20;
    int maxDepth = 32;
    qint64 maxEvents = 20'000'000;
    int maxLanes = 100'000;
};

/// Reads Chrome Trace Event JSON (ours or another tool's) into a new, empty TraceStore.
///
/// The file is read event by event (JsonEventStream), never whole: each event is checked, then kept
/// as a 32-byte record (names interned) until all are read, sorted into arrival order and handed to
/// the store, their memory given back block by block as it goes.
///
/// Hostile input is refused with a clear message and never crashes: the size, the JSON nesting depth
/// and the event count are capped as the file is read, and every field is type-checked
/// (the message names the event index and the field). Ids (pid/tid/async id) are remapped to dense
/// lane ids, so a huge tid cannot make the store allocate. Unknown phases are skipped and counted.
class ChromeTraceReader final
{
public:
    ChromeTraceReader() = delete;

    using Limits = ChromeTraceLimits;

    struct Result
    {
        bool ok = false;
        QString error; ///< set when !ok
        qint64 events = 0; ///< events read
        qint64 skipped = 0; ///< events of phases we do not model
        int lanes = 0;
    };

    static Result read(QIODevice *device, TraceStore &store, const Limits &limits);
    static Result read(QIODevice *device, TraceStore &store) { return read(device, store, Limits()); }
    static Result read(const QByteArray &json, TraceStore &store, const Limits &limits);
    static Result read(const QByteArray &json, TraceStore &store) { return read(json, store, Limits()); }
};

} // namespace Taskscope::Trace
