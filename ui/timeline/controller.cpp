#include "ui/timeline/controller.h"

#include "model/trace/traceclock.h"
#include "ui/timeline/geometry.h"

#include <algorithm>
#include <cmath>

using Taskscope::Trace::LaneId;
using Taskscope::Trace::LaneKind;
using Taskscope::Trace::TraceClock;
using Taskscope::Trace::TraceStore;

namespace Taskscope::Ui::Timeline {

namespace {

constexpr qint64 LayoutRefreshNs = 400'000'000;

} // namespace

Controller::Controller(QObject *parent)
    : QObject(parent)
{
}

void Controller::setStore(const TraceStore *store, bool live)
{
    m_store = store;
    m_live = live && store;
    m_eventsBehind = 0;
    m_scrollY = 0;
    m_layoutDirty = true;
    ensureLayout();
}

void Controller::resetView()
{
    if (m_live) {
        TimelineViewport v = m_viewport;
        v.setRange(0, double(m_followWindowNs));
        setViewport(v);
        setFollowLive(true);
    } else {
        setFollowLive(false);
        fitAll();
    }
}

qint64 Controller::liveEdgeNs() const
{
    if (!m_store)
        return 0;
    if (m_live)
        return std::max(TraceClock::nowNs(), m_store->lastNs());
    return m_store->lastNs();
}

qint64 Controller::nsBehind() const
{
    if (!m_live || m_follow)
        return 0;
    return std::max<qint64>(0, liveEdgeNs() - qint64(m_viewport.endNs()));
}

void Controller::setFollowWindowNs(qint64 ns)
{
    m_followWindowNs = std::max<qint64>(ns, MinFollowWindowNs);
    if (m_follow) {
        TimelineViewport v = m_viewport;
        v.setRange(0, double(m_followWindowNs));
        setViewport(v);
        followLiveEdge();
    }
}

void Controller::setFollowLive(bool follow)
{
    follow = follow && m_live;
    if (follow == m_follow)
        return;
    m_follow = follow;
    if (m_follow) {
        // Back to the follow window: a view zoomed into a few milliseconds while paused would show
        // nothing of the run at the live edge.
        m_eventsBehind = 0;
        TimelineViewport v = m_viewport;
        v.setRange(0, double(m_followWindowNs));
        m_viewport = v;
        followLiveEdge();
    }
    Q_EMIT followLiveChanged(m_follow);
}

void Controller::followLiveEdge()
{
    if (!m_follow || !m_store)
        return;
    TimelineViewport v = m_viewport;
    v.followTo(double(liveEdgeNs()));
    // While the capture is younger than the window, grow from the left edge instead of showing
    // empty time before the trace began.
    const double origin = m_store->firstNs() <= m_store->lastNs() ? std::min<double>(double(m_store->firstNs()), 0.0)
                                                                  : 0.0;
    v.setStart(std::max(v.startNs(), origin - v.rangeNs() * 0.01));
    setViewport(v);
}

void Controller::setViewport(const TimelineViewport &viewport)
{
    if (viewport == m_viewport)
        return;
    m_viewport = viewport;
    Q_EMIT viewportChanged();
}

void Controller::clampViewport()
{
    if (!m_store || m_store->lanes().isEmpty() || m_store->lastNs() < m_store->firstNs())
        return;
    TimelineViewport v = m_viewport;
    v.clampTo(double(m_store->firstNs()), double(liveEdgeNs()));
    setViewport(v);
}

void Controller::onFrame(quint64 events)
{
    if (!m_follow)
        m_eventsBehind += events;
    if (m_store && m_store->laneGeneration() != m_layoutLaneGeneration)
        m_layoutDirty = true;
    followLiveEdge();
}

void Controller::fitAll()
{
    if (!m_store || m_store->lastNs() < m_store->firstNs())
        return;
    const double t0 = double(m_store->firstNs());
    const double t1 = double(std::max(liveEdgeNs(), m_store->firstNs() + 1000));
    const double margin = (t1 - t0) * 0.02;
    setFollowLive(false);
    TimelineViewport v = m_viewport;
    v.setRange(t0 - margin, t1 + margin);
    setViewport(v);
}

void Controller::fitRun(qint64 startNs, qint64 endNs)
{
    if (!m_store)
        return;
    if (endNs < 0 && m_live) {
        // A run still going: follow it with a window that holds it from its start, plus room to grow.
        const qint64 length = std::max<qint64>(liveEdgeNs() - startNs, 1'000'000);
        m_followWindowNs = std::max<qint64>(MinFollowWindowNs, length + length / 4);
        TimelineViewport v = m_viewport;
        v.setRange(0, double(m_followWindowNs));
        setViewport(v);
        if (m_follow)
            followLiveEdge();
        else
            setFollowLive(true);
        return;
    }
    const qint64 end = endNs < 0 ? liveEdgeNs() : endNs;
    const double margin = double(std::max<qint64>(end - startNs, 1000)) * 0.03;
    setFollowLive(false);
    TimelineViewport v = m_viewport;
    v.setRange(double(startNs) - margin, double(end) + margin);
    setViewport(v);
}

void Controller::zoomToRange(qint64 t0, qint64 t1)
{
    if (t1 <= t0)
        t1 = t0 + 1000;
    const double margin = double(t1 - t0) * 0.15;
    setFollowLive(false);
    TimelineViewport v = m_viewport;
    v.setRange(double(t0) - margin, double(t1) + margin);
    setViewport(v);
}

void Controller::showRange(qint64 t0, qint64 t1)
{
    setFollowLive(false);
    TimelineViewport v = m_viewport;
    v.setRange(double(t0), double(std::max(t1, t0 + 1000)));
    setViewport(v);
}

void Controller::zoomBy(double factor, double anchorX)
{
    TimelineViewport v = m_viewport;
    if (m_follow) {
        // Zooming keeps following: the live edge stays where it is.
        v.zoomAround(v.xOf(double(liveEdgeNs())), factor);
        // The new scale is the follow window from now on (pausing and catching up keep it).
        m_followWindowNs = std::max<qint64>(MinFollowWindowNs, qint64(v.rangeNs()));
        setViewport(v);
        followLiveEdge();
    } else {
        v.zoomAround(anchorX, factor);
        setViewport(v);
        clampViewport();
    }
}

void Controller::panByPixels(double dx)
{
    setFollowLive(false);
    TimelineViewport v = m_viewport;
    v.panByPixels(dx);
    setViewport(v);
    clampViewport();
}

void Controller::resizeContent(int width, double rangeNs)
{
    m_viewport.setWidth(width);
    if (m_follow) {
        TimelineViewport v = m_viewport;
        v.setRange(0, rangeNs);
        m_viewport = v;
        followLiveEdge();
    }
}

void Controller::setScrollY(int y, int maximum)
{
    m_scrollY = std::clamp(y, 0, std::max(0, maximum));
}

int Controller::scrollYForLane(LaneId lane, int visibleHeight) const
{
    const int index = m_layout.rowOfLane(lane);
    if (index < 0)
        return -1;
    const TimelineRow &row = m_layout.rows()[std::size_t(index)];
    if (row.y < m_scrollY || row.y + row.height > m_scrollY + visibleHeight)
        return std::max(0, row.y - visibleHeight / 4);
    return -1;
}

int Controller::scrollYForSection(LaneKind kind) const
{
    for (const TimelineRow &row : m_layout.rows()) {
        if (row.type == TimelineRow::Type::Section && row.kind == kind)
            return row.y;
    }
    return -1;
}

bool Controller::ensureLayout()
{
    if (!m_store) {
        if (!m_layout.rows().empty())
            m_layout.clear();
        return true;
    }
    const qint64 now = TraceClock::nowNs();
    const bool lanesChanged = m_store->laneGeneration() != m_layoutLaneGeneration;
    const bool dataChanged = m_store->spanCount() != m_layoutSpanCount;
    if (!m_layoutDirty && !lanesChanged && !(dataChanged && now - m_layoutBuiltAtNs > LayoutRefreshNs))
        return false;
    m_layout.rebuild(*m_store);
    m_layoutLaneGeneration = m_store->laneGeneration();
    m_layoutSpanCount = m_store->spanCount();
    m_layoutBuiltAtNs = now;
    m_layoutDirty = false;
    ++m_layoutVersion;
    return true;
}

int Controller::rowTopOnScreen(const TimelineRow &row) const
{
    return row.y - m_scrollY + RulerHeight;
}

QPoint Controller::pointOf(LaneId lane, int depth, qint64 ns) const
{
    const int rowIndex = m_layout.rowOfLane(lane);
    if (rowIndex < 0)
        return {-1, -1};
    const TimelineRow &row = m_layout.rows()[std::size_t(rowIndex)];
    int y = rowTopOnScreen(row) + row.height / 2;
    if (row.type == TimelineRow::Type::Lane)
        y = TimelineLayout::depthY(row, depth) - m_scrollY + RulerHeight + TimelineLayout::DepthHeight / 2;
    const double x = GutterWidth + m_viewport.xOf(double(ns));
    return QPoint(int(std::floor(x)), y);
}

} // namespace Taskscope::Ui::Timeline
