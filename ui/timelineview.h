#pragma once

#include "model/trace/tracestore.h"
#include "ui/lanefilter.h"
#include "ui/spanselection.h"
#include "ui/timeline/controller.h"
#include "ui/timeline/geometry.h"
#include "ui/timeline/inputhandler.h"
#include "ui/timeline/renderer.h"
#include "ui/timelinelayout.h"
#include "ui/timelineviewport.h"

#include <QWidget>

class QScrollBar;

namespace Taskscope::Ui {

/// The live timeline: one custom-painted widget for every lane (threads, streams, coroutines),
/// drawn from TraceStore's level-of-detail queries, so a paint costs the same with a thousand spans
/// or ten million.
///
/// Interaction: wheel zooms around the cursor (over the lane labels, or with Shift, it scrolls),
/// drag pans, Shift+drag selects a time range, click selects a span, double-click zooms to it;
/// W/S zoom, A/D pan, F follows live,
/// Space pauses the view (capture goes on; the badge says how far behind the view is), Home fits
/// everything. Painting is driven by onFrame(), which the app calls after each drain.
///
/// The widget only delegates: Timeline::Controller holds what is shown (store, time window, rows,
/// scroll, follow-live), Timeline::Renderer paints it with one item per row kind,
/// Timeline::InputHandler decides what events mean, Timeline::TooltipBuilder says what is under the
/// pointer.
class TimelineView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TimelineView)

public:
    static constexpr int GutterWidth = Timeline::GutterWidth;
    static constexpr int RulerHeight = Timeline::RulerHeight;
    static constexpr double FoldPx = Timeline::FoldPx; ///< spans narrower than this fold together

    explicit TimelineView(QWidget *parent = nullptr);
    ~TimelineView() override;

    /// Shows `store`; `live`: the store is being filled now (follow-live and the behind badge apply).
    void setStore(const Trace::TraceStore *store, bool live);
    const Trace::TraceStore *store() const { return m_controller.store(); }
    bool isLive() const { return m_controller.isLive(); }

    const TimelineViewport &viewport() const { return m_controller.viewport(); }
    TimelineLayout &layout() { return m_controller.layout(); }
    const TimelineLayout &layout() const { return m_controller.layout(); }
    bool followsLive() const { return m_controller.followsLive(); }
    const SpanSelection &selection() const { return m_selection; }
    /// Drained events the view has not shown since it stopped following, and how far its right edge
    /// is behind the live edge.
    quint64 eventsBehind() const { return m_controller.eventsBehind(); }
    qint64 nsBehind() const { return m_controller.nsBehind(); }
    /// The time the live edge is at: now for a live store, the last event for a loaded one.
    qint64 liveEdgeNs() const { return m_controller.liveEdgeNs(); }
    void setFollowWindowNs(qint64 ns) { m_controller.setFollowWindowNs(ns); }
    qint64 followWindowNs() const { return m_controller.followWindowNs(); }

    /// Paints the whole timeline (ruler, lanes, gutter, overlays) into `painter` over `size`.
    /// paintEvent uses it; so does the paint benchmark, on a QImage.
    void render(QPainter &painter, const QSize &size);

    /// Where a time on a lane's depth is drawn, in widget coordinates (tests and automation).
    QPoint pointOf(Trace::LaneId lane, int depth, qint64 ns) const { return m_controller.pointOf(lane, depth, ns); }
    /// The content area (right of the gutter, below the ruler).
    QRect contentRect() const;
    QRect badgeRect() const { return m_badgeRect; }
    /// Makes the layout reflect the store now (normally done lazily before painting).
    void relayout();
    int scrollY() const { return m_controller.scrollY(); }
    void setScrollY(int y);
    /// Scrolls vertically so the row showing `lane` is in view.
    void scrollToLane(Trace::LaneId lane);
    /// Scrolls so the first row of a section (Threads, Streams, Coroutines, Process) is at the top.
    void scrollToSection(Trace::LaneKind kind);

    /// Which lanes are shown (words, state, Taskscope's own work).
    void setLaneFilter(const LaneFilter &filter);
    const LaneFilter &laneFilter() const { return m_controller.layout().filter(); }
    /// The lane Taskscope's own work on the UI thread (painting this view) is recorded on, apart
    /// from the UI thread's lane so it can be hidden.
    static Trace::LaneId ownWorkLane();

    /// The selected time range (Shift+drag), or an empty one (end <= start).
    qint64 rangeStartNs() const { return m_rangeStartNs; }
    qint64 rangeEndNs() const { return m_rangeEndNs; }
    bool hasRange() const { return m_rangeEndNs > m_rangeStartNs; }
    void setRange(qint64 startNs, qint64 endNs);

public Q_SLOTS:
    /// New data was drained (`events` of it): follow the live edge, count what a paused view misses,
    /// schedule a repaint.
    void onFrame(quint64 events);
    void setFollowLive(bool follow);
    void pause() { setFollowLive(false); }
    void catchUp() { setFollowLive(true); }
    void fitAll();
    /// Shows one run whole (endNs < 0: still running, followed from its start).
    void fitRun(qint64 startNs, qint64 endNs);
    void zoomToRange(qint64 t0, qint64 t1);
    /// Shows exactly [t0, t1) (no margin) and stops following live: the minimap moves the view so.
    void showRange(qint64 t0, qint64 t1);
    /// Pins a lane to the top of its group (or unpins it).
    void setLanePinned(Trace::LaneId lane, bool pinned);
    void clearRange() { setRange(0, 0); }
    void zoomIn();
    void zoomOut();
    void clearSelection();
    /// Selects the span covering `ns` on `lane` at `depth`; returns false if there is none.
    bool selectSpanAt(Trace::LaneId lane, int depth, qint64 ns);
    void highlightAlert(quint32 alertId);
    void expandAllGroups();

Q_SIGNALS:
    void selectionChanged(const SpanSelection &selection);
    void followLiveChanged(bool follow);
    void alertClicked(quint32 alertId);
    /// After every paint: how long it took and how long since the previous one (the UI frame time).
    void framePainted(qint64 paintNs, qint64 intervalNs);
    void viewportChanged();
    /// A time range was selected (or cleared: end <= start).
    void rangeChanged(qint64 startNs, qint64 endNs);
    /// The user asked (a group's or lane's context menu) to hide a group, by LaneFilter::groupKey.
    void hideGroupRequested(const QString &groupKey);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
    void changeEvent(QEvent *event) override;
    bool event(QEvent *event) override;

private:
    void ensureLayout();
    void syncScrollBar();
    int contentWidth() const;
    int scrollBarWidth() const;
    int visibleHeight() const { return std::max(0, height() - RulerHeight); }
    void select(const Timeline::SpanHit &hit);
    void zoomBy(double factor, double anchorX);
    void panByPixels(double dx);
    void toggleRow(int row);
    void onClick(const QPoint &pos);
    void onKeyAction(Timeline::InputHandler::KeyAction action);

    Timeline::Controller m_controller;
    Timeline::Renderer m_renderer;
    Timeline::InputHandler m_input;
    QScrollBar *m_scrollBar = nullptr;
    SpanSelection m_selection;
    QRect m_badgeRect;
    qint64 m_lastPaintStartNs = 0; // for the interval between frames
    qint64 m_rangeStartNs = 0;
    qint64 m_rangeEndNs = 0;
};

} // namespace Taskscope::Ui
