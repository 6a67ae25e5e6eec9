#include "model/trace/pendingflowtable.h"

namespace Taskscope::Trace {

quint64 PendingFlowTable::put(std::uint64_t id, const Entry &entry)
{
    if (id == 0)
        return putOverflow(id, entry);
    if (m_slots.empty())
        m_slots.resize(Slots);
    Slot &slot = m_slots[id & (m_slots.size() - 1)];
    quint64 dropped = 0;
    if (slot.id == id) {
        slot.entry = entry; // the same id twice: the later one wins, as in a map
        return 0;
    }
    if (slot.id != 0) {
        dropped = putOverflow(slot.id, slot.entry);
        --m_count;
    }
    slot.id = id;
    slot.entry = entry;
    ++m_count;
    return dropped;
}

quint64 PendingFlowTable::putOverflow(std::uint64_t id, const Entry &entry)
{
    quint64 dropped = 0;
    if (m_overflow.size() >= MaxOverflow) {
        // Sources whose destination never comes must not grow memory forever.
        dropped = quint64(m_overflow.size());
        m_overflow.clear();
    }
    m_overflow.insert(id, entry);
    return dropped;
}

bool PendingFlowTable::take(std::uint64_t id, Entry *entry)
{
    if (id != 0 && !m_slots.empty()) {
        Slot &slot = m_slots[id & (m_slots.size() - 1)];
        if (slot.id == id) {
            *entry = slot.entry;
            slot.id = 0;
            --m_count;
            return true;
        }
    }
    if (m_overflow.isEmpty())
        return false;
    const auto it = m_overflow.constFind(id);
    if (it == m_overflow.cend())
        return false;
    *entry = *it;
    m_overflow.erase(it);
    if (id != 0 && !m_slots.empty() && ++m_overflowHits >= m_slots.size() / 8 && m_slots.size() < MaxSlots)
        grow();
    return true;
}

void PendingFlowTable::grow()
{
    std::vector<Slot> old(m_slots.size() * 2);
    old.swap(m_slots);
    const std::size_t mask = m_slots.size() - 1;
    // Ids that shared no slot in the smaller table share none in the larger one.
    for (const Slot &slot : old) {
        if (slot.id != 0)
            m_slots[slot.id & mask] = slot;
    }
    // Overflow entries move back into the table where their slot is free.
    for (auto it = m_overflow.begin(); it != m_overflow.end();) {
        Slot &slot = m_slots[it.key() & mask];
        if (it.key() != 0 && slot.id == 0) {
            slot.id = it.key();
            slot.entry = it.value();
            ++m_count;
            it = m_overflow.erase(it);
        } else {
            ++it;
        }
    }
    m_overflowHits = 0;
}

quint64 PendingFlowTable::memoryBytes() const
{
    // A QHash node plus its share of the span's bookkeeping: about 1.5 times the payload.
    constexpr quint64 OverflowNodeBytes = (sizeof(std::uint64_t) + sizeof(Entry)) * 3 / 2;
    return quint64(m_slots.capacity() * sizeof(Slot)) + quint64(m_overflow.capacity()) * OverflowNodeBytes;
}

void PendingFlowTable::clear()
{
    m_slots.clear();
    m_slots.shrink_to_fit();
    m_overflow.clear();
    m_count = 0;
    m_overflowHits = 0;
}

} // namespace Taskscope::Trace
