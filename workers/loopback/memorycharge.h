#pragma once
// One holder's share of the MemoryBudget (a connection's buffers, a stream's audio queue): set() moves
// the budget's total by the change, and the share is given back when the charge goes away.
#include <QtGlobal>

class MemoryBudget;

class MemoryCharge
{
public:
    explicit MemoryCharge(MemoryBudget *budget = nullptr);
    ~MemoryCharge();
    MemoryCharge(const MemoryCharge &) = delete;
    MemoryCharge &operator=(const MemoryCharge &) = delete;

    void setBudget(MemoryBudget *budget);
    void set(qint64 bytes);
    qint64 bytes() const { return m_bytes; }

private:
    MemoryBudget *m_budget;
    qint64 m_bytes = 0;
};
