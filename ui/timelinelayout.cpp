#include "ui/timelinelayout.h"

#include "model/trace/tracestore.h"

#include <algorithm>
#include <limits>
#include <map>

namespace {

constexpr LaneKind SectionOrder[] = {LaneKind::Thread, LaneKind::Stream, LaneKind::Coroutine, LaneKind::Process};

int laneHeight(int depths, int counters)
{
    return TimelineLayout::LanePadding * 2 + std::max(depths, 1) * TimelineLayout::DepthHeight
        + counters * TimelineLayout::CounterHeight;
}

} // namespace

QString TimelineLayout::sectionTitle(LaneKind kind)
{
    switch (kind) {
    case LaneKind::Thread:
        return QStringLiteral("Threads");
    case LaneKind::Stream:
        return QStringLiteral("Streams");
    case LaneKind::Coroutine:
        return QStringLiteral("Coroutines");
    case LaneKind::Process:
        return QStringLiteral("Process");
    }
    return {};
}

void TimelineLayout::clear()
{
    m_rows.clear();
    m_members.clear();
    m_rowOfLane.clear();
    m_totalHeight = 0;
}

void TimelineLayout::expandAll()
{
    for (auto it = m_collapsed.begin(); it != m_collapsed.end(); ++it)
        it.value() = false;
    for (const TimelineRow &row : m_rows) {
        if (row.type != TimelineRow::Type::Lane)
            m_collapsed.insert(row.key, false);
    }
}

void TimelineLayout::rebuild(const TraceStore &store)
{
    clear();
    const QList<LaneInfo> &lanes = store.lanes();

    // Bucket lanes per section; inside a section, lanes of one group stay together, placed where
    // the group's first lane would be.
    struct Entry
    {
        NameId group = 0;
        std::vector<LaneId> lanes;
    };
    LaneId maxLane = 0;
    for (const LaneInfo &info : lanes)
        maxLane = std::max(maxLane, info.id);
    m_rowOfLane.assign(std::size_t(maxLane) + 1, -1);

    // A lane with nothing on it (registered but silent, or a description without data in an
    // imported file) is noise: leave it out until something lands on it.
    std::vector<InstantItem> probe;
    const auto empty = [&](LaneId id) {
        if (store.depthCount(id) > 0 || !store.counterNames(id).isEmpty())
            return false;
        probe.clear();
        store.queryInstants(id, std::numeric_limits<qint64>::min() / 2, std::numeric_limits<qint64>::max() / 2, 1e18,
                            probe);
        return probe.empty();
    };

    int y = 0;
    for (const LaneKind kind : SectionOrder) {
        std::vector<Entry> entries;
        std::map<NameId, std::size_t> groupEntry;
        for (const LaneInfo &info : lanes) {
            if (info.kind != kind || (m_hideEmpty && empty(info.id)))
                continue;
            // Coroutines without a group fold by name: many tasks of one function share a name in
            // traces from other tools.
            const NameId group = info.group != 0 ? info.group : (kind == LaneKind::Coroutine ? info.name : 0);
            if (group != 0) {
                const auto [it, inserted] = groupEntry.try_emplace(group, entries.size());
                if (inserted)
                    entries.push_back(Entry {group, {}});
                entries[it->second].lanes.push_back(info.id);
            } else {
                entries.push_back(Entry {0, {info.id}});
            }
        }
        if (entries.empty())
            continue;
        // The UI thread always leads.
        if (kind == LaneKind::Thread) {
            std::stable_partition(entries.begin(), entries.end(),
                                  [](const Entry &e) { return e.group == 0 && e.lanes.front() == UiThreadLane; });
        }

        TimelineRow section;
        section.type = TimelineRow::Type::Section;
        section.kind = kind;
        section.key = QStringLiteral("s:%1").arg(int(kind));
        section.collapsed = isCollapsed(section.key);
        section.y = y;
        section.height = SectionHeight;
        section.membersBegin = int(m_members.size());
        for (const Entry &e : entries)
            m_members.insert(m_members.end(), e.lanes.begin(), e.lanes.end());
        section.membersCount = int(m_members.size()) - section.membersBegin;
        const int sectionRow = int(m_rows.size());
        m_rows.push_back(section);
        y += section.height;
        if (section.collapsed) {
            for (int i = 0; i < section.membersCount; ++i)
                m_rowOfLane[m_members[std::size_t(section.membersBegin + i)]] = sectionRow;
            continue;
        }

        const auto addLane = [&](LaneId id, NameId group, std::uint8_t indent) {
            TimelineRow row;
            row.type = TimelineRow::Type::Lane;
            row.kind = kind;
            row.lane = id;
            row.group = group;
            row.indent = indent;
            row.depths = std::min(store.depthCount(id), MaxDepthsShown);
            row.counters = int(store.counterNames(id).size());
            row.y = y;
            row.height = laneHeight(row.depths, row.counters);
            m_rowOfLane[id] = int(m_rows.size());
            m_rows.push_back(row);
            y += row.height;
        };

        for (const Entry &e : entries) {
            if (e.group == 0 || e.lanes.size() < 2) {
                for (const LaneId id : e.lanes)
                    addLane(id, e.group, 1);
                continue;
            }
            TimelineRow group;
            group.type = TimelineRow::Type::Group;
            group.kind = kind;
            group.group = e.group;
            group.indent = 1;
            group.key = QStringLiteral("g:%1:%2").arg(int(kind)).arg(e.group);
            group.collapsed = isCollapsed(group.key,
                                          kind == LaneKind::Coroutine && int(e.lanes.size()) >= AutoCollapseGroupSize);
            group.y = y;
            group.height = group.collapsed ? GroupHeight : GroupHeaderHeight;
            group.membersBegin = int(m_members.size());
            m_members.insert(m_members.end(), e.lanes.begin(), e.lanes.end());
            group.membersCount = int(e.lanes.size());
            const int groupRow = int(m_rows.size());
            m_rows.push_back(group);
            y += group.height;
            if (group.collapsed) {
                for (const LaneId id : e.lanes)
                    m_rowOfLane[id] = groupRow;
            } else {
                for (const LaneId id : e.lanes)
                    addLane(id, e.group, 2);
            }
        }
        (void)sectionRow;
    }
    m_totalHeight = y;
}

std::span<const LaneId> TimelineLayout::members(const TimelineRow &row) const
{
    if (row.membersCount <= 0 || row.membersBegin < 0
        || std::size_t(row.membersBegin + row.membersCount) > m_members.size())
        return {};
    return std::span<const LaneId>(m_members.data() + row.membersBegin, std::size_t(row.membersCount));
}

int TimelineLayout::rowAt(int y) const
{
    if (y < 0 || y >= m_totalHeight || m_rows.empty())
        return -1;
    // Rows are sorted by y: the last row starting at or above y.
    const auto it = std::upper_bound(m_rows.begin(), m_rows.end(), y,
                                     [](int value, const TimelineRow &row) { return value < row.y; });
    if (it == m_rows.begin())
        return -1;
    const int index = int(std::distance(m_rows.begin(), it)) - 1;
    const TimelineRow &row = m_rows[std::size_t(index)];
    return y < row.y + row.height ? index : -1;
}

TimelineLayout::Hit TimelineLayout::hitTest(int y) const
{
    Hit hit;
    hit.row = rowAt(y);
    if (hit.row < 0)
        return hit;
    const TimelineRow &row = m_rows[std::size_t(hit.row)];
    if (row.type != TimelineRow::Type::Lane)
        return hit;
    const int inside = y - row.y - LanePadding;
    const int spanRows = std::max(row.depths, 1) * DepthHeight;
    if (inside >= 0 && inside < spanRows) {
        hit.depth = inside / DepthHeight;
        if (hit.depth >= row.depths)
            hit.depth = -1;
    } else if (inside >= spanRows && row.counters > 0) {
        hit.counter = std::min((inside - spanRows) / CounterHeight, row.counters - 1);
    }
    return hit;
}

int TimelineLayout::rowOfLane(LaneId lane) const
{
    return lane < m_rowOfLane.size() ? m_rowOfLane[lane] : -1;
}
