#pragma once

#include "model/trace/tracetypes.h"

#include <QHash>

#include <cstdint>
#include <vector>

namespace Taskscope::Trace {

/// Flow ends waiting for their other end (a chunk's send waiting for its transcript), by flow id.
///
/// The recorder hands out flow ids from one process-wide counter, so the ids alive at any moment are
/// close together: a direct-mapped table indexed by the id's low bits finds or stores one in a
/// single probe, with no hashing and no allocation per flow. An entry whose slot a much newer id
/// needs moves to an overflow hash, so an answer that takes long to arrive still finds its source;
/// only when the overflow hash is full is it cleared (and its entries counted as dropped). Ids that
/// do not come from the counter (0) go to the overflow hash directly.
///
/// When answers keep being found in the overflow hash, more ids are alive at once than the table has
/// slots (512 streams each waiting seconds for a transcript): the table doubles, up to MaxSlots, so
/// the common case stays one probe. Entries never answered do not make it grow (they are never
/// found in the overflow).
class PendingFlowTable final
{
public:
    struct Entry
    {
        qint64 ns = 0;
        LaneId lane = NoLane;
        NameId name = 0;
    };

    /// Slots at first use, and the most the table grows to (6 MiB).
    static constexpr std::size_t Slots = 1 << 14;
    static constexpr std::size_t MaxSlots = 1 << 18;
    static constexpr int MaxOverflow = 1 << 16;

    PendingFlowTable() = default;
    Q_DISABLE_COPY_MOVE(PendingFlowTable)

    /// Stores an entry; returns how many entries were dropped to make room (0 almost always).
    quint64 put(std::uint64_t id, const Entry &entry);
    /// Finds the entry of `id` and removes it.
    bool take(std::uint64_t id, Entry *entry);
    int size() const { return m_count + int(m_overflow.size()); }
    std::size_t slotCount() const { return m_slots.size(); }
    /// Approximate bytes held (the slots and the overflow hash's nodes).
    quint64 memoryBytes() const;
    void clear();

private:
    struct Slot
    {
        std::uint64_t id = 0; // 0: empty
        Entry entry;
    };
    quint64 putOverflow(std::uint64_t id, const Entry &entry);
    void grow();

    std::vector<Slot> m_slots; // allocated on first use
    QHash<std::uint64_t, Entry> m_overflow;
    int m_count = 0;
    std::size_t m_overflowHits = 0; // answers found in the overflow since the last growth
};

} // namespace Taskscope::Trace
