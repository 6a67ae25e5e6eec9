#pragma once

#include <QStringList>
#include <QWidget>

namespace Taskscope::Trace {
class TraceStore;
} // namespace Taskscope::Trace

namespace Taskscope::Ui::Timeline {
class Minimap;
}

namespace Taskscope::Ui {

class LaneFilterBar;
class LiveCountsBar;
class TimelineView;

/// The timeline with what sits above it: the live-counts strip, the lane filter bar and the minimap
/// of the whole session. Keeps the four in step (the filter narrows the lanes, a group hidden from
/// the timeline's menu lands in the filter bar, the minimap follows the view and moves it).
class TimelinePane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TimelinePane)

public:
    explicit TimelinePane(QWidget *parent = nullptr);

    LiveCountsBar *counts() const { return m_counts; }
    LaneFilterBar *filterBar() const { return m_filterBar; }
    Timeline::Minimap *minimap() const { return m_minimap; }
    TimelineView *timeline() const { return m_timeline; }

    /// Shows `store` in the timeline and the minimap.
    void setStore(const Trace::TraceStore *store, bool live);
    /// After each drain: the timeline's frame, then the minimap's view.
    void onFrame(quint64 events);

Q_SIGNALS:
    void hiddenGroupsChanged(const QStringList &keys);

private:
    void syncMinimap();

    LiveCountsBar *m_counts = nullptr;
    LaneFilterBar *m_filterBar = nullptr;
    Timeline::Minimap *m_minimap = nullptr;
    TimelineView *m_timeline = nullptr;
};

} // namespace Taskscope::Ui
