#pragma once

#include "model/trace/tracetypes.h"
#include "ui/lanefilter.h"

#include <QHash>
#include <QSet>
#include <QString>

#include <span>
#include <vector>

namespace Taskscope::Trace {
class TraceStore;
} // namespace Taskscope::Trace

namespace Taskscope::Ui {

/// One row of the timeline, top to bottom.
struct TimelineRow
{
    enum class Type : std::uint8_t {
        Section, ///< "Threads", "Streams", "Coroutines", "Process": a heading that can collapse
        Lane, ///< one lane: its spans by depth, then its counters
        Group, ///< lanes of one group: a heading when expanded, an aggregate density lane when collapsed
    };

    Type type = Type::Lane;
    Trace::LaneKind kind = Trace::LaneKind::Thread;
    bool collapsed = false;
    bool ended = false; ///< Group rows: the section's ended lanes, after its running ones
    bool pinned = false; ///< Lane rows: pinned to the top of its group
    std::uint8_t indent = 0;
    Trace::LaneId lane = Trace::NoLane; ///< Lane rows
    Trace::NameId group = 0; ///< Group rows, and Lane rows inside a group
    int y = 0;
    int height = 0;
    int depths = 0; ///< Lane rows: span depths shown
    int counters = 0; ///< Lane rows: counter strips below the spans
    int membersBegin = 0; ///< Group rows: index into TimelineLayout::members()
    int membersCount = 0;
    int endedCount = 0; ///< Section rows: how many of the members have ended
    QString key; ///< collapse-state key of Section and Group rows
};

/// Where the timeline's lanes go vertically: sections by lane kind, groups of lanes that fold into
/// one aggregate lane (many short-lived coroutines of one function), depths and counter strips.
/// Inside a section the lanes still running come first; the ended ones follow under one "ended"
/// row that starts collapsed, so new work never appears below a pile of finished lanes. Threads are
/// in a stable order (the UI thread first, then by name, numbers compared as numbers), and threads
/// whose names differ only in their numbers form a group. Plain geometry, no painting, so hit-testing is
/// tested without a GUI.
class TimelineLayout final
{
public:
    static constexpr int SectionHeight = 24;
    static constexpr int DepthHeight = 20;
    static constexpr int LanePadding = 3;
    static constexpr int CounterHeight = 30;
    static constexpr int GroupHeight = 36; ///< an aggregate (collapsed group) lane
    static constexpr int GroupHeaderHeight = 22; ///< an expanded group's heading
    static constexpr int EndedRowHeight = 24; ///< a section's collapsed "ended" row
    static constexpr int AutoCollapseGroupSize = 4; ///< coroutine groups this big start collapsed
    static constexpr int AutoCollapseOtherGroupSize = 12; ///< other groups (threads, streams) this big do
    static constexpr int NumberedThreadGroupSize = 4; ///< threads named "x 1", "x 2"... group from this many
    static constexpr int MaxDepthsShown = 32;

    struct Hit
    {
        int row = -1;
        int depth = -1; ///< Lane rows: the span depth under the point
        int counter = -1; ///< Lane rows: the counter strip under the point
    };

    /// Recomputes the rows from the store's lanes, depths and counters, honouring collapse state.
    void rebuild(const Trace::TraceStore &store);
    void clear();

    const std::vector<TimelineRow> &rows() const { return m_rows; }
    int totalHeight() const { return m_totalHeight; }
    std::span<const Trace::LaneId> members(const TimelineRow &row) const;

    /// The row at a content y (0 = top of the first row), or -1.
    int rowAt(int y) const;
    Hit hitTest(int y) const;
    /// The row that shows `lane`: its own row, its collapsed group's row, or its collapsed section's row.
    int rowOfLane(Trace::LaneId lane) const;
    /// The y of a span depth's top inside a Lane row.
    static int depthY(const TimelineRow &row, int depth) { return row.y + LanePadding + depth * DepthHeight; }
    static int counterY(const TimelineRow &row, int counter)
    {
        return row.y + LanePadding + std::max(row.depths, 1) * DepthHeight + counter * CounterHeight;
    }

    /// Collapse state by key. Keys not set explicitly follow the defaults (big groups collapsed).
    bool isCollapsed(const QString &key, bool byDefault = false) const { return m_collapsed.value(key, byDefault); }
    void setCollapsed(const QString &key, bool collapsed) { m_collapsed.insert(key, collapsed); }
    void toggle(const TimelineRow &row) { setCollapsed(row.key, !row.collapsed); }
    void expandAll();
    /// Leave out lanes with no spans, instants or counters (default: yes).
    void setHideEmptyLanes(bool hide) { m_hideEmpty = hide; }
    /// Which lanes are shown; applied by the next rebuild.
    void setFilter(const LaneFilter &filter) { m_filter = filter; }
    const LaneFilter &filter() const { return m_filter; }
    /// Lanes the filter's words or state left out at the last rebuild (silent lanes not counted).
    int filteredOut() const { return m_filteredOut; }
    /// Lanes left out because their group is hidden, at the last rebuild.
    int hiddenByGroup() const { return m_hiddenByGroup; }
    /// The key (LaneFilter::groupKey) of a Group row, or of the group a Lane row belongs to; empty
    /// for ended rows and lanes outside any group.
    QString groupKeyOf(const TimelineRow &row) const;

    /// Pinned lanes lead their group (or their section, outside groups) and stay among the running
    /// lanes after they end, so they remain in view.
    void setPinned(Trace::LaneId lane, bool pinned);
    bool isPinned(Trace::LaneId lane) const { return m_pinned.contains(lane); }
    int pinnedCount() const { return int(m_pinned.size()); }
    /// "live #12 · thread" -> "live #… · thread": a name with each number replaced by an ellipsis,
    /// or empty if the name has no number.
    static QString numberPattern(const QString &name);
    /// Compares names with their numbers as numbers ("#2" before "#10").
    static bool naturalLess(const QString &a, const QString &b);

    static QString sectionTitle(Trace::LaneKind kind);

private:
    struct Entry
    {
        Trace::NameId group = 0;
        std::vector<Trace::LaneId> lanes;
    };
    std::vector<Entry> entriesOf(const Trace::TraceStore &store, Trace::LaneKind kind,
                                 const std::vector<Trace::LaneId> &lanes);
    void orderLanes(const Trace::TraceStore &store, Trace::LaneKind kind, std::vector<Trace::LaneId> &lanes) const;
    void addEntries(const Trace::TraceStore &store, Trace::LaneKind kind, const std::vector<Entry> &entries,
                    std::uint8_t indent, bool ended, int &y);
    void addLane(const Trace::TraceStore &store, Trace::LaneKind kind, Trace::LaneId id, Trace::NameId group,
                 std::uint8_t indent, int &y);

    std::vector<TimelineRow> m_rows;
    std::vector<Trace::LaneId> m_members;
    std::vector<int> m_rowOfLane; // by lane id
    QHash<QString, bool> m_collapsed;
    LaneFilter m_filter;
    int m_totalHeight = 0;
    int m_filteredOut = 0;
    int m_hiddenByGroup = 0;
    QSet<Trace::LaneId> m_pinned;
    bool m_hideEmpty = true;
};

} // namespace Taskscope::Ui
