#include "ui/timelinelayout.h"

#include "model/trace/tracenames.h"
#include "model/trace/tracestore.h"

#include <algorithm>
#include <limits>
#include <map>
#include <tuple>

using Taskscope::Trace::InstantItem;
using Taskscope::Trace::LaneId;
using Taskscope::Trace::LaneInfo;
using Taskscope::Trace::LaneKind;
using Taskscope::Trace::NameId;
using Taskscope::Trace::TraceNames;
using Taskscope::Trace::TraceStore;
using Taskscope::Trace::UiThreadLane;

namespace Taskscope::Ui {

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

QString TimelineLayout::numberPattern(const QString &name)
{
    QString pattern;
    pattern.reserve(name.size());
    bool digits = false, any = false;
    for (const QChar c : name) {
        if (c.isDigit()) {
            if (!digits)
                pattern += QChar(0x2026); // …
            digits = any = true;
            continue;
        }
        digits = false;
        pattern += c;
    }
    return any ? pattern : QString();
}

bool TimelineLayout::naturalLess(const QString &a, const QString &b)
{
    qsizetype i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (a.at(i).isDigit() && b.at(j).isDigit()) {
            qsizetype ie = i, je = j;
            while (ie < a.size() && a.at(ie).isDigit())
                ++ie;
            while (je < b.size() && b.at(je).isDigit())
                ++je;
            // Numbers of different lengths (without leading zeros) order by length.
            const QStringView na = QStringView(a).mid(i, ie - i), nb = QStringView(b).mid(j, je - j);
            if (na.size() != nb.size())
                return na.size() < nb.size();
            if (const int c = na.compare(nb); c != 0)
                return c < 0;
            i = ie;
            j = je;
            continue;
        }
        const QChar ca = a.at(i).toLower(), cb = b.at(j).toLower();
        if (ca != cb)
            return ca < cb;
        ++i;
        ++j;
    }
    return a.size() - i < b.size() - j;
}

std::vector<TimelineLayout::Entry> TimelineLayout::entriesOf(const TraceStore &store, LaneKind kind,
                                                             const std::vector<LaneId> &lanes)
{
    // Threads named alike but for their numbers ("live #1 · thread".."live #16 · thread") group when
    // there are enough.
    QHash<QString, int> stemCount;
    std::vector<QString> stems;
    if (kind == LaneKind::Thread) {
        stems.reserve(lanes.size());
        for (const LaneId id : lanes) {
            const LaneInfo info = store.lane(id);
            stems.push_back(info.group == 0 && id != UiThreadLane ? numberPattern(TraceNames::name(info.name))
                                                                  : QString());
            if (!stems.back().isEmpty())
                ++stemCount[stems.back()];
        }
    }
    // Lanes of one group stay together, placed where the group's first lane is.
    std::vector<Entry> entries;
    std::map<NameId, std::size_t> groupEntry;
    for (std::size_t i = 0; i < lanes.size(); ++i) {
        const LaneInfo info = store.lane(lanes[i]);
        // Coroutines without a group fold by name: many tasks of one function share a name in
        // traces from other tools.
        NameId group = info.group != 0 ? info.group : (kind == LaneKind::Coroutine ? info.name : 0);
        if (group == 0 && !stems.empty() && !stems[i].isEmpty() && stemCount.value(stems[i]) >= NumberedThreadGroupSize)
            group = TraceNames::intern(stems[i]);
        if (group != 0) {
            const auto [it, inserted] = groupEntry.try_emplace(group, entries.size());
            if (inserted)
                entries.push_back(Entry {group, {}});
            entries[it->second].lanes.push_back(info.id);
        } else {
            entries.push_back(Entry {0, {info.id}});
        }
    }
    // Groups the user hid leave the timeline until shown again from the filter bar.
    if (!m_filter.hiddenGroups().isEmpty()) {
        std::erase_if(entries, [&](const Entry &e) {
            if (e.group == 0 || !m_filter.hidesGroup(LaneFilter::groupKey(kind, TraceNames::name(e.group))))
                return false;
            m_hiddenByGroup += int(e.lanes.size());
            return true;
        });
    }
    return entries;
}

void TimelineLayout::orderLanes(const TraceStore &store, LaneKind kind, std::vector<LaneId> &lanes) const
{
    if (kind == LaneKind::Thread) {
        // The UI thread leads, Taskscope's own lanes follow it, then threads by name: the order
        // threads happened to register in is not one a reader can use.
        const NameId ownGroup = LaneFilter::ownWorkGroupId();
        // A group's first-registered lane leads it (a watched program's UI thread).
        std::map<NameId, LaneId> groupLeader;
        for (const LaneId id : lanes) {
            if (const NameId group = store.lane(id).group; group != 0) {
                auto [it, inserted] = groupLeader.try_emplace(group, id);
                if (!inserted)
                    it->second = std::min(it->second, id);
            }
        }
        const auto rank = [&](LaneId id) {
            const NameId group = store.lane(id).group;
            if (id == UiThreadLane)
                return 0;
            if (group == ownGroup)
                return 1;
            return group != 0 && groupLeader[group] != id ? 3 : 2;
        };
        std::vector<std::tuple<int, QString, LaneId>> keyed;
        keyed.reserve(lanes.size());
        for (const LaneId id : lanes)
            keyed.emplace_back(rank(id), TraceNames::name(store.lane(id).name), id);
        std::stable_sort(keyed.begin(), keyed.end(), [](const auto &a, const auto &b) {
            if (std::get<0>(a) != std::get<0>(b))
                return std::get<0>(a) < std::get<0>(b);
            if (naturalLess(std::get<1>(a), std::get<1>(b)))
                return true;
            if (naturalLess(std::get<1>(b), std::get<1>(a)))
                return false;
            return std::get<2>(a) < std::get<2>(b);
        });
        for (std::size_t i = 0; i < keyed.size(); ++i)
            lanes[i] = std::get<2>(keyed[i]);
    }
    // Pinned lanes first; their groups are placed where their first lane is, so they lead too.
    if (!m_pinned.isEmpty())
        std::stable_partition(lanes.begin(), lanes.end(), [this](LaneId id) { return m_pinned.contains(id); });
}

void TimelineLayout::setPinned(LaneId lane, bool pinned)
{
    if (pinned)
        m_pinned.insert(lane);
    else
        m_pinned.remove(lane);
}

QString TimelineLayout::groupKeyOf(const TimelineRow &row) const
{
    if (row.group == 0 || (row.type == TimelineRow::Type::Group && row.ended))
        return {};
    return LaneFilter::groupKey(row.kind, TraceNames::name(row.group));
}

void TimelineLayout::addLane(const TraceStore &store, LaneKind kind, LaneId id, NameId group, std::uint8_t indent,
                             int &y)
{
    TimelineRow row;
    row.type = TimelineRow::Type::Lane;
    row.kind = kind;
    row.lane = id;
    row.group = group;
    row.indent = indent;
    row.pinned = m_pinned.contains(id);
    row.depths = std::min(store.depthCount(id), MaxDepthsShown);
    row.counters = int(store.counterNames(id).size());
    row.y = y;
    row.height = laneHeight(row.depths, row.counters);
    m_rowOfLane[id] = int(m_rows.size());
    m_rows.push_back(row);
    y += row.height;
}

void TimelineLayout::addEntries(const TraceStore &store, LaneKind kind, const std::vector<Entry> &entries,
                                std::uint8_t indent, bool ended, int &y)
{
    for (const Entry &e : entries) {
        if (e.group == 0 || e.lanes.size() < 2) {
            for (const LaneId id : e.lanes)
                addLane(store, kind, id, e.group, indent, y);
            continue;
        }
        TimelineRow group;
        group.type = TimelineRow::Type::Group;
        group.kind = kind;
        group.group = e.group;
        group.indent = indent;
        group.key =
            QStringLiteral("g:%1:%2%3").arg(int(kind)).arg(e.group).arg(ended ? QStringLiteral(":e") : QString());
        const int autoCollapse = kind == LaneKind::Coroutine ? AutoCollapseGroupSize : AutoCollapseOtherGroupSize;
        group.collapsed = isCollapsed(group.key, int(e.lanes.size()) >= autoCollapse);
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
                addLane(store, kind, id, e.group, std::uint8_t(indent + 1), y);
        }
    }
}

void TimelineLayout::rebuild(const TraceStore &store)
{
    clear();
    m_filteredOut = 0;
    m_hiddenByGroup = 0;
    const QList<LaneInfo> &lanes = store.lanes();
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
    // Ended lanes go under the section's "ended" row, unless the filter asks for ended lanes only.
    const bool endedApart = m_filter.state() != LaneFilter::State::Ended;

    int y = 0;
    for (const LaneKind kind : SectionOrder) {
        std::vector<LaneId> running, ended;
        for (const LaneInfo &info : lanes) {
            if (info.kind != kind || (m_hideEmpty && empty(info.id)))
                continue;
            if (!m_filter.matches(store, info)) {
                if (m_filter.narrows())
                    ++m_filteredOut;
                continue;
            }
            const bool apart = endedApart && info.endedNs >= 0 && !m_pinned.contains(info.id);
            (apart ? ended : running).push_back(info.id);
        }
        if (running.empty() && ended.empty())
            continue;
        orderLanes(store, kind, running);
        orderLanes(store, kind, ended);
        const std::vector<Entry> runningEntries = entriesOf(store, kind, running);
        const std::vector<Entry> endedEntries = entriesOf(store, kind, ended);
        // Hidden groups are gone from the entries: count what is left.
        int endedLanes = 0;
        for (const Entry &e : endedEntries)
            endedLanes += int(e.lanes.size());
        if (runningEntries.empty() && endedEntries.empty())
            continue;

        TimelineRow section;
        section.type = TimelineRow::Type::Section;
        section.kind = kind;
        section.key = QStringLiteral("s:%1").arg(int(kind));
        section.collapsed = isCollapsed(section.key);
        section.y = y;
        section.height = SectionHeight;
        section.membersBegin = int(m_members.size());
        for (const std::vector<Entry> *list : {&runningEntries, &endedEntries}) {
            for (const Entry &e : *list)
                m_members.insert(m_members.end(), e.lanes.begin(), e.lanes.end());
        }
        section.membersCount = int(m_members.size()) - section.membersBegin;
        section.endedCount = endedLanes;
        const int sectionRow = int(m_rows.size());
        m_rows.push_back(section);
        y += section.height;
        if (section.collapsed) {
            for (int i = 0; i < section.membersCount; ++i)
                m_rowOfLane[m_members[std::size_t(section.membersBegin + i)]] = sectionRow;
            continue;
        }
        addEntries(store, kind, runningEntries, 1, false, y);
        if (endedLanes == 0)
            continue;

        TimelineRow endedRow;
        endedRow.type = TimelineRow::Type::Group;
        endedRow.kind = kind;
        endedRow.ended = true;
        endedRow.indent = 1;
        endedRow.key = QStringLiteral("e:%1").arg(int(kind));
        endedRow.collapsed = isCollapsed(endedRow.key, true);
        endedRow.y = y;
        endedRow.height = endedRow.collapsed ? EndedRowHeight : GroupHeaderHeight;
        endedRow.membersBegin = section.membersBegin + section.membersCount - endedLanes;
        endedRow.membersCount = endedLanes;
        const int endedRowIndex = int(m_rows.size());
        m_rows.push_back(endedRow);
        y += endedRow.height;
        if (endedRow.collapsed) {
            for (const LaneId id : members(endedRow))
                m_rowOfLane[id] = endedRowIndex;
        } else {
            addEntries(store, kind, endedEntries, 2, true, y);
        }
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

} // namespace Taskscope::Ui
