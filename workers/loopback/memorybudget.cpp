#include "workers/loopback/memorybudget.h"

#include <algorithm>

#include <unistd.h>

namespace Taskscope::Loopback {

MemoryBudget::MemoryBudget(qint64 limitBytes)
    : m_limit(limitBytes > 0 ? limitBytes : defaultLimit())
    , m_headroom(headroomFor(m_limit))
{
}

qint64 MemoryBudget::headroomFor(qint64 limitBytes)
{
    return std::min<qint64>(limitBytes / 16, 8 * 1024 * 1024);
}

bool MemoryBudget::tryReserve(qint64 bytes, qint64 headroom)
{
    if (bytes <= 0) {
        adjust(bytes);
        return true;
    }
    qint64 used = m_used.load(std::memory_order_relaxed);
    do {
        if (used + bytes > m_limit - headroom)
            return false;
    } while (!m_used.compare_exchange_weak(used, used + bytes, std::memory_order_relaxed));
    notePeak(used + bytes);
    return true;
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
    notePeak(m_used.fetch_add(delta, std::memory_order_relaxed) + delta);
}

void MemoryBudget::notePeak(qint64 now)
{
    qint64 peak = m_peak.load(std::memory_order_relaxed);
    while (now > peak && !m_peak.compare_exchange_weak(peak, now, std::memory_order_relaxed)) { }
}

} // namespace Taskscope::Loopback
