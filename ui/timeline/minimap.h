#pragma once

#include "ui/timeline/minimapdensity.h"

#include <QElapsedTimer>
#include <QImage>
#include <QWidget>

#include <algorithm>

namespace Taskscope::Trace {
class TraceStore;
} // namespace Taskscope::Trace

namespace Taskscope::Ui::Timeline {

/// A strip over the timeline that shows the whole retained session: per-section activity density
/// and alert bands, with the range the timeline shows as a rectangle. Click or drag moves the
/// timeline's view there (which stops following live); double-click follows live again.
///
/// The density is painted into a cached image, rebuilt at most twice a second (or on a resize);
/// a paint in between only blits it and draws the rectangle.
class Minimap final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Minimap)

public:
    static constexpr int BandHeight = 7;
    static constexpr int AlertHeight = 4;
    static constexpr qint64 RebuildIntervalMs = 500;

    explicit Minimap(QWidget *parent = nullptr);

    void setStore(const Trace::TraceStore *store);
    /// Where the timeline is: its visible range, the live edge and whether it follows it.
    void setView(qint64 startNs, qint64 endNs, qint64 liveEdgeNs, bool following);
    /// Left margin in pixels (the timeline's gutter), so times line up with the timeline below.
    void setLeftMargin(int px);

    /// The session range the strip spans: the store's first event to the live edge.
    qint64 sessionStartNs() const { return m_t0; }
    qint64 sessionEndNs() const { return m_t1; }
    /// The visible-range rectangle, in widget coordinates.
    QRectF viewRect() const;
    const MinimapDensity &density() const { return m_density; }
    /// How many times the density image was rebuilt (tests check it stays rare).
    int rebuilds() const { return m_rebuilds; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    /// The user moved the view: show [startNs, endNs) (not following).
    void rangeRequested(qint64 startNs, qint64 endNs);
    void followLiveRequested();

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    int stripWidth() const { return std::max(1, width() - m_leftMargin); }
    double xOf(qint64 ns) const;
    qint64 timeAt(double x) const;
    void rebuildIfDue();
    void rebuild();
    void moveViewTo(double x);

    const Trace::TraceStore *m_store = nullptr;
    MinimapDensity m_density;
    QImage m_image;
    QElapsedTimer m_sinceRebuild;
    bool m_dirty = true;
    int m_rebuilds = 0;
    int m_leftMargin = 0;
    qint64 m_t0 = 0, m_t1 = 1; // the session
    qint64 m_viewStart = 0, m_viewEnd = 0, m_liveEdge = 0;
    bool m_following = false;
    bool m_dragging = false;
    double m_dragOffsetPx = 0; // where in the rectangle the drag grabbed it
};

} // namespace Taskscope::Ui::Timeline
