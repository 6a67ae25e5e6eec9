#include "workers/loopback/memorycharge.h"

#include "workers/loopback/memorybudget.h"

#include <algorithm>

MemoryCharge::MemoryCharge(MemoryBudget *budget)
    : m_budget(budget)
{
}

MemoryCharge::~MemoryCharge()
{
    set(0);
}

void MemoryCharge::setBudget(MemoryBudget *budget)
{
    set(0);
    m_budget = budget;
}

void MemoryCharge::set(qint64 bytes)
{
    bytes = std::max<qint64>(0, bytes);
    if (m_budget && bytes != m_bytes)
        m_budget->adjust(bytes - m_bytes);
    m_bytes = bytes;
}
