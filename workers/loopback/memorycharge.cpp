#include "workers/loopback/memorycharge.h"

#include "workers/loopback/memorybudget.h"

#include <algorithm>

namespace Taskscope::Loopback {

MemoryCharge::MemoryCharge(MemoryBudget *budget)
    : m_budget(budget)
{
}

MemoryCharge::~MemoryCharge()
{
    m_reserved = 0;
    set(0);
}

void MemoryCharge::setBudget(MemoryBudget *budget)
{
    m_reserved = 0;
    set(0);
    m_budget = budget;
}

void MemoryCharge::set(qint64 bytes)
{
    m_actual = std::max<qint64>(0, bytes);
    moveTo(std::max(m_actual, m_reserved));
}

bool MemoryCharge::reserve(qint64 bytes, qint64 headroom)
{
    bytes = std::max<qint64>(0, bytes);
    const qint64 target = std::max(m_actual, bytes);
    if (target > m_bytes && m_budget && !m_budget->tryReserve(target - m_bytes, headroom))
        return false;
    if (target > m_bytes || !m_budget)
        m_bytes = target;
    m_reserved = bytes;
    moveTo(target);
    return true;
}

void MemoryCharge::handOver(MemoryCharge &to)
{
    to.m_reserved = 0;
    to.set(0);
    to.m_budget = m_budget;
    to.m_bytes = m_bytes;
    to.m_reserved = m_bytes;
    m_bytes = m_actual = m_reserved = 0;
}

void MemoryCharge::moveTo(qint64 target)
{
    if (m_budget && target != m_bytes)
        m_budget->adjust(target - m_bytes);
    m_bytes = target;
}

} // namespace Taskscope::Loopback
