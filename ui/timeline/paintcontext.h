#pragma once

#include <QFont>

namespace Taskscope::Trace {
class TraceStore;
} // namespace Taskscope::Trace
namespace Taskscope::Ui {
class TimelinePalette;
class TimelineViewport;
class TimelineLayout;
struct TimelineRow;
} // namespace Taskscope::Ui

namespace Taskscope::Ui::Timeline {

class SpanBatch;

/// The timeline's three fonts: labels, small print (ruler, counters, tags), and section headings.
struct Fonts
{
    QFont normal;
    QFont small;
    QFont bold;

    /// Derived from the widget's font: labels a little smaller than the UI text.
    static Fonts fromWidgetFont(const QFont &font, bool shrink);
};

/// What an item needs to paint one frame: the data, where it is on screen, and how it looks.
/// Built by the renderer for each paint; `batch` collects the span lanes' rectangles and labels.
struct PaintContext
{
    const Trace::TraceStore &store;
    const TimelineViewport &viewport;
    const TimelineLayout &layout;
    const TimelinePalette &palette;
    const Fonts &fonts;
    SpanBatch &batch;
    int scrollY = 0;
    qint64 liveEdgeNs = 0;

    /// The screen y of a row's top (the ruler above it included).
    int rowTop(const TimelineRow &row) const;
};

} // namespace Taskscope::Ui::Timeline
