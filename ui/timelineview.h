#pragma once

#include "model/tracestore.h"
#include "ui/spanselection.h"
#include "ui/timelinelayout.h"
#include "ui/timelinepalette.h"
#include "ui/timelineviewport.h"

#include <QBrush>
#include <QFont>
#include <QHash>
#include <QImage>
#include <QRectF>
#include <QWidget>

#include <array>
#include <vector>

class QScrollBar;

/// The live timeline: one custom-painted widget for every lane (threads, streams, coroutines),
/// drawn from TraceStore's level-of-detail queries, so a paint costs the same with a thousand spans
/// or ten million.
///
/// Interaction: wheel zooms around the cursor (over the lane labels, or with Shift, it scrolls),
/// drag pans, click selects a span, double-click zooms to it; W/S zoom, A/D pan, F follows live,
/// Space pauses the view (capture goes on; the badge says how far behind the view is), Home fits
/// everything. Painting is driven by onFrame(), which the app calls after each drain.
class TimelineView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TimelineView)

public:
    static constexpr int GutterWidth = 216;
    static constexpr int RulerHeight = 26;
    static constexpr double FoldPx = 3.0; ///< spans narrower than this fold together (Tracy's MinVisSize)

    explicit TimelineView(QWidget *parent = nullptr);
    ~TimelineView() override;

    /// Shows `store`; `live`: the store is being filled now (follow-live and the behind badge apply).
    void setStore(const TraceStore *store, bool live);
    const TraceStore *store() const { return m_store; }
    bool isLive() const { return m_live; }

    const TimelineViewport &viewport() const { return m_viewport; }
    TimelineLayout &layout() { return m_layout; }
    const TimelineLayout &layout() const { return m_layout; }
    bool followsLive() const { return m_follow; }
    const SpanSelection &selection() const { return m_selection; }
    /// Drained events the view has not shown since it stopped following, and how far its right edge
    /// is behind the live edge.
    quint64 eventsBehind() const { return m_eventsBehind; }
    qint64 nsBehind() const;
    /// The time the live edge is at: now for a live store, the last event for a loaded one.
    qint64 liveEdgeNs() const;
    void setFollowWindowNs(qint64 ns);
    qint64 followWindowNs() const { return m_followWindowNs; }

    /// Paints the whole timeline (ruler, lanes, gutter, overlays) into `painter` over `size`.
    /// paintEvent uses it; so does the paint benchmark, on a QImage.
    void render(QPainter &painter, const QSize &size);

    /// Where a time on a lane's depth is drawn, in widget coordinates (tests and automation).
    QPoint pointOf(LaneId lane, int depth, qint64 ns) const;
    /// The content area (right of the gutter, below the ruler).
    QRect contentRect() const;
    QRect badgeRect() const { return m_badgeRect; }
    /// Makes the layout reflect the store now (normally done lazily before painting).
    void relayout();
    int scrollY() const { return m_scrollY; }
    void setScrollY(int y);
    /// Scrolls vertically so the row showing `lane` is in view.
    void scrollToLane(LaneId lane);
    /// Scrolls so the first row of a section (Threads, Streams, Coroutines, Process) is at the top.
    void scrollToSection(LaneKind kind);

public Q_SLOTS:
    /// New data was drained (`events` of it): follow the live edge, count what a paused view misses,
    /// schedule a repaint.
    void onFrame(quint64 events);
    void setFollowLive(bool follow);
    void pause() { setFollowLive(false); }
    void catchUp() { setFollowLive(true); }
    void fitAll();
    void zoomToRange(qint64 t0, qint64 t1);
    void zoomIn();
    void zoomOut();
    void clearSelection();
    /// Selects the span covering `ns` on `lane` at `depth`; returns false if there is none.
    bool selectSpanAt(LaneId lane, int depth, qint64 ns);
    void highlightAlert(quint32 alertId);
    void expandAllGroups();

Q_SIGNALS:
    void selectionChanged(const SpanSelection &selection);
    void followLiveChanged(bool follow);
    void alertClicked(quint32 alertId);
    /// After every paint: how long it took and how long since the previous one (the UI frame time).
    void framePainted(qint64 paintNs, qint64 intervalNs);
    void viewportChanged();

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
    void changeEvent(QEvent *event) override;
    bool event(QEvent *event) override;

private:
    struct Label
    {
        QRectF rect;
        QString text;
        QColor color;
        bool centred;
    };
    struct SpanHit
    {
        bool found = false;
        LaneId lane = NoLane;
        int depth = 0;
        SpanItem item;
    };
    struct GroupDensity
    {
        std::vector<float> alive, running, ready;
        int peakAlive = 0;
        bool truncated = false;
    };

    void ensureLayout();
    void syncScrollBar();
    void applyFollow();
    void clampViewport();
    void setViewport(const TimelineViewport &viewport);
    int contentWidth() const;
    int scrollBarWidth() const;
    int rowTopOnScreen(const TimelineRow &row) const { return row.y - m_scrollY + RulerHeight; }

    void paintRuler(QPainter &p, int width);
    void paintLane(QPainter &p, const TimelineRow &row, int top);
    void paintGroup(QPainter &p, const TimelineRow &row, int top);
    void paintCounters(QPainter &p, const TimelineRow &row, int top);
    void paintFlows(QPainter &p, int height);
    void paintAlerts(QPainter &p, int height);
    void paintAlertLabels(QPainter &p);
    void paintGutter(QPainter &p, int height);
    void paintGutterLabels(QPainter &p, int height);
    void paintOverlay(QPainter &p, const QSize &size);
    void flushBuckets(QPainter &p);
    void drawPlateText(QPainter &p, const QPointF &baseline, const QString &text);
    QBrush foldedBrush(const QColor &fill);
    void addRect(int bucket, const QRectF &rect);
    QBrush hatchBrush(const QColor &fill, const QColor &line);
    void addLabel(const QRectF &rect, NameId name, const QString &fallback, const QColor &color, bool centred = false);
    QString elided(const QString &text, double width);
    void computeDensity(const TimelineRow &row, GroupDensity &density);

    SpanHit spanHitAt(const QPoint &pos) const;
    QString tooltipAt(const QPoint &pos) const;
    int gutterRowAt(const QPoint &pos) const;
    quint32 alertAt(const QPoint &pos) const;
    void select(const SpanHit &hit);
    void zoomBy(double factor, double anchorX);

    const TraceStore *m_store = nullptr;
    bool m_live = false;
    TimelineViewport m_viewport;
    TimelineLayout m_layout;
    TimelinePalette m_palette;
    QScrollBar *m_scrollBar = nullptr;
    int m_scrollY = 0;
    bool m_follow = false;
    qint64 m_followWindowNs = 10'000'000'000;
    quint64 m_eventsBehind = 0;
    SpanSelection m_selection;
    quint32 m_highlightAlert = 0;

    // Layout freshness: rebuilt when lanes change, or periodically while data arrives (depths grow).
    quint64 m_layoutLaneGeneration = ~0ull;
    quint64 m_layoutSpanCount = ~0ull;
    qint64 m_layoutBuiltAtNs = 0;
    bool m_layoutDirty = true;

    // Interaction state.
    QPoint m_pressPos;
    QPoint m_lastDragPos;
    bool m_dragging = false;
    bool m_pressed = false;
    int m_hoverX = -1;
    QRect m_badgeRect;
    bool m_flowsHidden = false;

    // Frame measurement.
    qint64 m_lastPaintStartNs = 0;

    // Per-paint scratch, kept to avoid allocating every frame.
    std::vector<SpanItem> m_items;
    std::vector<InstantItem> m_instants;
    std::vector<CounterItem> m_counterItems;
    std::vector<StoredFlow> m_flows;
    std::vector<std::vector<QRectF>> m_buckets;
    std::vector<QBrush> m_bucketBrushes;
    std::vector<Label> m_labels;
    std::array<std::vector<QRectF>, 3> m_groupRects;
    std::vector<QPointF> m_polyline;
    QHash<quint64, QString> m_elideCache;
    std::vector<float> m_nameWidth; // by name id, -1 unknown
    QHash<QString, GroupDensity> m_density;
    QFont m_font;
    QFont m_smallFont;
    QFont m_boldFont;
    QHash<QRgb, QBrush> m_foldedBrushes;
    QImage m_gutterCache;
    QBrush m_hatchBrush;
    quint64 m_hatchKey = 0;
    quint64 m_gutterKey = 0;
    quint64 m_layoutVersion = 0;
};
