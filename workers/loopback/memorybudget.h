#pragma once
// One byte budget for everything the service buffers on behalf of its clients: request bodies and
// unparsed input, undecoded audio, queued synthesis text, held (delayed) messages and unsent output.
// Each holder keeps a Charge that it sets to its current total; the budget is the sum. Past the limit,
// new work is refused (503 + Retry-After, WebSocket close 1013) instead of the process growing until
// the kernel or a container limit kills it. Thread-safe (atomics only).
#include <QtGlobal>

#include <atomic>

class MemoryBudget
{
public:
    explicit MemoryBudget(qint64 limitBytes);
    MemoryBudget(const MemoryBudget &) = delete;
    MemoryBudget &operator=(const MemoryBudget &) = delete;

    // A quarter of the machine's memory, at least 128 MiB and at most 512 MiB (room under a 1 GiB
    // container limit for what the budget does not count: code, decoders, allocator slack).
    static qint64 defaultLimit();

    qint64 limit() const { return m_limit; }
    qint64 used() const { return m_used.load(std::memory_order_relaxed); }
    qint64 peak() const { return m_peak.load(std::memory_order_relaxed); }
    bool isExhausted() const { return used() >= m_limit; }
    // True when `bytes` more would still fit.
    bool hasRoomFor(qint64 bytes) const { return used() + bytes <= m_limit; }
    void adjust(qint64 delta);

private:
    const qint64 m_limit;
    std::atomic<qint64> m_used {0};
    std::atomic<qint64> m_peak {0};
};
