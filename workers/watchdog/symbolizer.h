#pragma once

#include "model/alertrecord.h"

#include <QHash>

#include <cstdint>
#include <vector>

struct Dwfl;

namespace Taskscope::Watchdog {

/// Turns code addresses of this process into function, module and file:line, with libdw (DWARF)
/// and C++ demangling. Not thread-safe: one owner thread (the watchdog's evidence thread), off the
/// hot path. Results are cached per address; modules loaded after the first lookup are picked up by
/// re-reading /proc/self/maps when an address falls outside every known module.
class Symbolizer final
{
public:
    Symbolizer();
    ~Symbolizer();
    Q_DISABLE_COPY_MOVE(Symbolizer)

    /// Loads the module list and the DWARF of the module holding this code, so the first real
    /// lookup does not pay for it. Returns the time it took in ns.
    qint64 prewarm();
    /// After prewarm(): loads one more of the other modules' symbol tables (the program's own code,
    /// Qt's libraries), so a first hang's stack does not wait for them. One at a time, so an alert
    /// is never queued behind all of them. False when none is left.
    bool prewarmNextModule();

    /// `returnAddress`: the address is a return address (every frame but the innermost), so the
    /// call instruction is looked up (address - 1).
    Model::AlertStackFrame symbolize(std::uint64_t address, bool returnAddress);

    int cacheSize() const { return int(m_cache.size()); }

private:
    bool report();

    Dwfl *m_dwfl = nullptr;
    QHash<std::uint64_t, Model::AlertStackFrame> m_cache;
    std::vector<std::uint64_t> m_modulesToPrewarm; // one code address per loaded module
    qint64 m_lastReportNs = 0;
};

} // namespace Taskscope::Watchdog
