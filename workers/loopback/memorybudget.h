#pragma once
// One byte budget for everything the service buffers on behalf of its clients: request bodies and
// unparsed input, undecoded audio, queued synthesis text, held (delayed) messages and unsent output.
// Each holder keeps a Charge that it sets to its current total; the budget is the sum. Past the limit,
// new work is refused (503 + Retry-After, WebSocket close 1013) instead of the process growing until
// the kernel or a container limit kills it. A holder reserves its room before it buffers (tryReserve
// is one atomic step, so two network threads cannot both take the last room), and new work stops a
// little short of the limit: the rest is kept for request heads, so /healthz and /v1/stats still get
// read when work has taken its whole share. Thread-safe (atomics only).
#include <QtGlobal>

#include <atomic>

namespace Taskscope::Loopback {

class MemoryBudget
{
public:
    explicit MemoryBudget(qint64 limitBytes);
    MemoryBudget(const MemoryBudget &) = delete;
    MemoryBudget &operator=(const MemoryBudget &) = delete;

    // A quarter of the machine's memory, at least 128 MiB and at most 512 MiB (room under a 1 GiB
    // container limit for what the budget does not count: code, decoders, allocator slack).
    static qint64 defaultLimit();

    // The share kept for request heads: a sixteenth of the limit, at most 8 MiB.
    static qint64 headroomFor(qint64 limitBytes);

    qint64 limit() const { return m_limit; }
    qint64 headroom() const { return m_headroom; }
    qint64 used() const { return m_used.load(std::memory_order_relaxed); }
    qint64 peak() const { return m_peak.load(std::memory_order_relaxed); }
    // New work has taken its share (the limit less the headroom).
    bool isExhausted() const { return used() >= m_limit - m_headroom; }
    // Adds `bytes` if the total then stays within the limit less `headroom`, else changes nothing.
    bool tryReserve(qint64 bytes, qint64 headroom);
    void adjust(qint64 delta);

private:
    void notePeak(qint64 now);

    const qint64 m_limit;
    const qint64 m_headroom;
    std::atomic<qint64> m_used {0};
    std::atomic<qint64> m_peak {0};
};

} // namespace Taskscope::Loopback
