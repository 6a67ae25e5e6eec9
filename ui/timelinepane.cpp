#include "ui/timelinepane.h"

#include "ui/lanefilterbar.h"
#include "ui/livecountsbar.h"
#include "ui/timeline/minimap.h"
#include "ui/timelineview.h"

#include <QVBoxLayout>

using Taskscope::Trace::TraceStore;

namespace Taskscope::Ui {

TimelinePane::TimelinePane(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    m_counts = new LiveCountsBar(this);
    m_filterBar = new LaneFilterBar(this);
    m_minimap = new Timeline::Minimap(this);
    m_minimap->setLeftMargin(TimelineView::GutterWidth);
    m_timeline = new TimelineView(this);
    layout->addWidget(m_counts);
    layout->addWidget(m_filterBar);
    layout->addWidget(m_minimap);
    layout->addWidget(m_timeline, 1);

    connect(m_filterBar, &LaneFilterBar::filterChanged, m_timeline, &TimelineView::setLaneFilter);
    connect(m_filterBar, &LaneFilterBar::hiddenGroupsChanged, this, &TimelinePane::hiddenGroupsChanged);
    connect(m_timeline, &TimelineView::hideGroupRequested, m_filterBar, &LaneFilterBar::hideGroup);
    connect(m_minimap, &Timeline::Minimap::rangeRequested, m_timeline, &TimelineView::showRange);
    connect(m_minimap, &Timeline::Minimap::followLiveRequested, m_timeline, &TimelineView::catchUp);
    connect(m_timeline, &TimelineView::viewportChanged, this, &TimelinePane::syncMinimap);
    connect(m_timeline, &TimelineView::followLiveChanged, this, &TimelinePane::syncMinimap);
}

void TimelinePane::setStore(const TraceStore *store, bool live)
{
    m_timeline->setStore(store, live);
    m_minimap->setStore(store);
    syncMinimap();
}

void TimelinePane::onFrame(quint64 events)
{
    m_timeline->onFrame(events);
    syncMinimap();
}

void TimelinePane::syncMinimap()
{
    const TimelineViewport &v = m_timeline->viewport();
    m_minimap->setView(qint64(v.startNs()), qint64(v.endNs()), m_timeline->liveEdgeNs(), m_timeline->followsLive());
}

} // namespace Taskscope::Ui
