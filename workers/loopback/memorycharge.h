#pragma once
// One holder's share of the MemoryBudget (a connection's buffers, a stream's audio queue): set() moves
// the budget's total by the change, and the share is given back when the charge goes away. A holder
// that knows how much it is about to buffer reserves it first; the share is then the larger of the
// reservation and what set() last reported.
#include <QtGlobal>

namespace Taskscope::Loopback {

class MemoryBudget;

class MemoryCharge
{
public:
    explicit MemoryCharge(MemoryBudget *budget = nullptr);
    ~MemoryCharge();
    MemoryCharge(const MemoryCharge &) = delete;
    MemoryCharge &operator=(const MemoryCharge &) = delete;

    void setBudget(MemoryBudget *budget);
    // What the holder buffers now.
    void set(qint64 bytes);
    // Keeps at least `bytes` whatever set() reports; false (nothing changes) if the budget has no room
    // for the increase within its limit less `headroom`. Lowering always succeeds.
    bool reserve(qint64 bytes, qint64 headroom = 0);
    // `to` (on the same budget) takes over this charge as its reservation; this one is left empty.
    void handOver(MemoryCharge &to);
    qint64 bytes() const { return m_bytes; }
    qint64 reserved() const { return m_reserved; }

private:
    void moveTo(qint64 target);

    MemoryBudget *m_budget;
    qint64 m_bytes = 0; // charged to the budget: max(m_actual, m_reserved)
    qint64 m_actual = 0;
    qint64 m_reserved = 0;
};

} // namespace Taskscope::Loopback
