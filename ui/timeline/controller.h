#pragma once

#include "model/trace/tracestore.h"
#include "ui/timelinelayout.h"
#include "ui/timelineviewport.h"

#include <QObject>
#include <QPoint>

namespace Taskscope::Ui::Timeline {

/// What the timeline shows, without drawing it: the store, the time window (viewport), the rows
/// (layout) and the vertical scroll, and the rules that move them: follow the live edge, zoom around
/// a point, pan, fit, keep some data on screen, and when the layout is rebuilt. No widgets, so its
/// rules are tested without painting.
class Controller final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Controller)

public:
    static constexpr qint64 DefaultFollowWindowNs = 10'000'000'000;
    static constexpr qint64 MinFollowWindowNs = 1000;

    explicit Controller(QObject *parent = nullptr);

    /// Shows `store`; `live`: it is being filled now. Resets the scroll position and the counts and
    /// rebuilds the layout; resetView() then picks the time window (once the content width is known).
    void setStore(const Trace::TraceStore *store, bool live);
    /// A live store: the follow window at the live edge, following. A loaded one: everything.
    void resetView();
    const Trace::TraceStore *store() const { return m_store; }
    bool isLive() const { return m_live; }

    const TimelineViewport &viewport() const { return m_viewport; }
    TimelineLayout &layout() { return m_layout; }
    const TimelineLayout &layout() const { return m_layout; }

    bool followsLive() const { return m_follow; }
    /// Follows the live edge (only a live store can), at the follow window's scale; emits
    /// followLiveChanged on a change.
    void setFollowLive(bool follow);
    qint64 followWindowNs() const { return m_followWindowNs; }
    void setFollowWindowNs(qint64 ns);
    quint64 eventsBehind() const { return m_eventsBehind; }
    qint64 nsBehind() const;
    /// The time the live edge is at: now for a live store, the last event for a loaded one.
    qint64 liveEdgeNs() const;
    /// Counts what a paused view misses, marks the layout stale if lanes came, and follows the edge.
    void onFrame(quint64 events);

    void fitAll();
    /// Shows one run [startNs, endNs] whole; a run still going (endNs < 0) is followed with a window
    /// that holds it from its start.
    void fitRun(qint64 startNs, qint64 endNs);
    void zoomToRange(qint64 t0, qint64 t1);
    /// Shows exactly [t0, t1) and stops following.
    void showRange(qint64 t0, qint64 t1);
    /// Zooms by `factor` (> 1 zooms in) around content x `anchorX`; following, around the live edge,
    /// and the new range becomes the follow window.
    void zoomBy(double factor, double anchorX);
    /// Moves the content `dx` pixels (positive: earlier times come in) and stops following.
    void panByPixels(double dx);

    /// The content width in pixels; the time under each pixel stays where it is.
    void setContentWidth(int width) { m_viewport.setWidth(width); }
    /// A resize: following live, the window keeps showing `rangeNs` (its span before the resize);
    /// otherwise a wider content shows more time at the same scale.
    void resizeContent(int width, double rangeNs);
    /// Puts the live edge at the right if following; growing from the left while the capture is
    /// younger than the window.
    void followLiveEdge();

    int scrollY() const { return m_scrollY; }
    void setScrollY(int y, int maximum);
    int maxScrollY(int visibleHeight) const { return std::max(0, m_layout.totalHeight() - visibleHeight); }
    /// The scroll position that brings `lane`'s row into a view `visibleHeight` tall, or -1 if it is in view.
    int scrollYForLane(Trace::LaneId lane, int visibleHeight) const;
    /// The scroll position that puts a section's heading at the top, or -1 if there is none.
    int scrollYForSection(Trace::LaneKind kind) const;

    /// Rebuilds the layout if it is stale; returns true when the caller should resync its scroll bar.
    bool ensureLayout();
    void invalidateLayout() { m_layoutDirty = true; }
    /// Bumped on every rebuild, so caches of the rows (the gutter image) know when to redraw.
    quint64 layoutVersion() const { return m_layoutVersion; }

    /// Screen geometry (the gutter and the ruler included) of a row and of a time on a lane's depth.
    int rowTopOnScreen(const TimelineRow &row) const;
    QPoint pointOf(Trace::LaneId lane, int depth, qint64 ns) const;

Q_SIGNALS:
    void viewportChanged();
    void followLiveChanged(bool follow);

private:
    void setViewport(const TimelineViewport &viewport);
    void clampViewport();

    const Trace::TraceStore *m_store = nullptr;
    bool m_live = false;
    TimelineViewport m_viewport;
    TimelineLayout m_layout;
    int m_scrollY = 0;
    bool m_follow = false;
    qint64 m_followWindowNs = DefaultFollowWindowNs;
    quint64 m_eventsBehind = 0;

    // Layout freshness: rebuilt when lanes change, or periodically while data arrives (depths grow).
    quint64 m_layoutLaneGeneration = ~0ull;
    quint64 m_layoutSpanCount = ~0ull;
    qint64 m_layoutBuiltAtNs = 0;
    bool m_layoutDirty = true;
    quint64 m_layoutVersion = 0;
};

} // namespace Taskscope::Ui::Timeline
