#include "model/trace/pendingflowtable.h"

namespace Taskscope::Trace {

quint64 PendingFlowTable::put(std::uint64_t id, const Entry &entry)
{
    if (id == 0)
        return putOverflow(id, entry);
    if (m_slots.empty())
        m_slots.resize(Slots);
    Slot &slot = m_slots[id & (Slots - 1)];
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
        Slot &slot = m_slots[id & (Slots - 1)];
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
    return true;
}

void PendingFlowTable::clear()
{
    m_slots.clear();
    m_slots.shrink_to_fit();
    m_overflow.clear();
    m_count = 0;
}

} // namespace Taskscope::Trace
