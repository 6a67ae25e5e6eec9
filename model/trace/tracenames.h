#pragma once

#include "model/trace/tracetypes.h"

#include <QString>

namespace Taskscope::Trace {

/// Interned strings for trace events: span names, lane names, what a coroutine awaits.
///
/// Recording stores a 32-bit id, never a string, so the hot path copies nothing. Interning takes a
/// lock (call it once and keep the id, e.g. in a function-local static); looking a name up does not.
/// Bounded: past MaxNames every new string maps to one overflow name and is counted.
class TraceNames final
{
public:
    TraceNames() = delete;

    static constexpr int MaxNames = 1 << 20;

    /// Thread-safe. Returns the same id for equal strings. The empty string is id 0.
    static NameId intern(QStringView text);
    static NameId intern(const char *utf8) { return intern(QString::fromUtf8(utf8)); }
    /// Thread-safe and lock-free. Unknown ids give an empty string.
    static QString name(NameId id);
    /// Number of interned names (including the empty name).
    static int count();
    /// Strings refused because the table was full.
    static quint64 overflowCount();
};

} // namespace Taskscope::Trace
