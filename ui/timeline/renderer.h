#pragma once

#include "ui/timeline/aggregatelaneitem.h"
#include "ui/timeline/alertbanditem.h"
#include "ui/timeline/coroutinelaneitem.h"
#include "ui/timeline/counterlaneitem.h"
#include "ui/timeline/flowoverlay.h"
#include "ui/timeline/gutter.h"
#include "ui/timeline/paintcontext.h"
#include "ui/timeline/spanbatch.h"
#include "ui/timeline/streamlaneitem.h"
#include "ui/timeline/threadlaneitem.h"
#include "ui/timelinepalette.h"

#include <QRect>
#include <QSize>

namespace Taskscope::Ui {
struct SpanSelection;
} // namespace Taskscope::Ui

namespace Taskscope::Ui::Timeline {

class Controller;

/// Paints the timeline: backgrounds and grid, alert bands, each visible row by the item for its
/// kind, counter strips, flows, the selection and the hover line, then the gutter, the ruler and
/// the live badge. Owns the items and what they keep between frames.
class Renderer final
{
public:
    /// What the widget adds to a frame besides the controller's state.
    struct Frame
    {
        const SpanSelection &selection;
        int hoverX = -1; ///< the hover line's screen x, or -1
        int scrollBarWidth = 0; ///< the live badge sits left of the scroll bar
        qint64 rangeStartNs = 0; ///< a selected time range, when rangeEndNs > rangeStartNs
        qint64 rangeEndNs = 0;
    };

    explicit Renderer(const QFont &widgetFont);

    /// Paints over `size`; returns where the live badge was drawn (empty if it was not).
    QRect render(QPainter &p, const QSize &size, const Controller &controller, const Frame &frame);

    void setFont(const QFont &font);
    const Fonts &fonts() const { return m_fonts; }
    void setPalette(const TimelinePalette &palette) { m_palette = palette; }
    const TimelinePalette &palette() const { return m_palette; }
    AlertBandItem &alerts() { return m_alerts; }
    const AggregateLaneItem &aggregates() const { return m_aggregate; }
    /// Forgets what was kept for the previous store.
    void clearStore() { m_aggregate.clear(); }

private:
    /// The item that draws a row, or none (section headings, expanded groups).
    Item *itemFor(const TimelineRow &row);
    void paintBackground(QPainter &p, const QSize &size, const Controller &controller, int contentWidth);
    PaintContext contextFor(const Controller &controller, const Trace::TraceStore &store);
    void paintRows(PaintContext &ctx, QPainter &p);
    void paintSelection(const PaintContext &ctx, QPainter &p, int width, const SpanSelection &selection);
    void paintRange(const PaintContext &ctx, QPainter &p, int height, const Frame &frame);
    void paintHoverLine(QPainter &p, int hoverX, int contentWidth, int height);
    QRect paintBadge(QPainter &p, const QSize &size, const Controller &controller, int scrollBarWidth);

    TimelinePalette m_palette;
    Fonts m_fonts;
    SpanBatch m_batch;
    ThreadLaneItem m_thread;
    CoroutineLaneItem m_coroutine;
    StreamLaneItem m_stream;
    CounterLaneItem m_counters;
    AggregateLaneItem m_aggregate;
    AlertBandItem m_alerts;
    FlowOverlay m_flows;
    Gutter m_gutter;
    int m_firstRow = 0;
    int m_lastRow = 0;
};

} // namespace Taskscope::Ui::Timeline
