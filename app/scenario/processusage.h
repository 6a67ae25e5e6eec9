#pragma once

#include <QtGlobal>

namespace Taskscope::Scenarios {

/// The client process's own cost, for the headless report: CPU time (user + system, all threads,
/// getrusage) and memory (resident set now and its peak, from /proc/self/status).
struct ProcessUsage
{
    qint64 userNs = 0;
    qint64 systemNs = 0;
    qint64 rssBytes = 0; ///< resident now (VmRSS)
    qint64 peakRssBytes = 0; ///< high-water mark (VmHWM), since start or the last resetPeak()

    qint64 cpuNs() const { return userNs + systemNs; }

    static ProcessUsage now();
    /// Current resident bytes only (cheap: /proc/self/statm).
    static qint64 residentBytes();
    /// Current anonymous resident bytes: resident minus file-backed and shared pages (statm). What
    /// the process allocated, without the pages of mapped files (the binary's debug info that the
    /// watchdog's symbolizer reads adds tens of MiB of those, and they belong to the page cache).
    static qint64 anonymousResidentBytes();
    /// Resets the peak to the current resident size (Linux clear_refs), so one run of a --compare
    /// does not inherit the previous run's peak. False when the kernel refuses.
    static bool resetPeak();
    /// Returns freed heap memory to the kernel, so a baseline taken after it is not inflated by a
    /// previous run's free lists.
    static void trimHeap();
    /// CPU time (user + system) of another process, e.g. an external service; -1 if unknown.
    static qint64 cpuNsOfProcess(qint64 pid);
};

} // namespace Taskscope::Scenarios
