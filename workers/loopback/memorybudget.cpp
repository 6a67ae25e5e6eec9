#include "workers/loopback/memorybudget.h"

#include <algorithm>

#include <unistd.h>

MemoryBudget::MemoryBudget(qint64 limitBytes)
    : m_limit(limitBytes > 0 ? limitBytes : defaultLimit())
{
}

qint64 MemoryBudget::defaultLimit()
{
    constexpr qint64 mib = 1024 * 1024;
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long pageSize = sysconf(_SC_PAGESIZE);
    const qint64 machine = pages > 0 && pageSize > 0 ? qint64(pages) * pageSize : 4096 * mib;
    return std::clamp<qint64>(machine / 4, 128 * mib, 512 * mib);
}

void MemoryBudget::adjust(qint64 delta)
{
    const qint64 now = m_used.fetch_add(delta, std::memory_order_relaxed) + delta;
    qint64 peak = m_peak.load(std::memory_order_relaxed);
    while (now > peak && !m_peak.compare_exchange_weak(peak, now, std::memory_order_relaxed)) { }
}
