#pragma once

class QPainter;
namespace Taskscope::Ui {
class TimelinePalette;
class TimelineViewport;
} // namespace Taskscope::Ui

namespace Taskscope::Ui::Timeline {

struct Fonts;

/// The time ruler over the lanes: ticks at round steps with timestamps, and the gutter's corner
/// (the visible span and the scale, the time under the cursor).
class Ruler final
{
public:
    Ruler(const TimelineViewport &viewport, const TimelinePalette &palette, const Fonts &fonts);

    /// The ruler's background, ticks and labels across `width`.
    void paintScale(QPainter &p, int width) const;
    /// The corner above the gutter, and the time under `hoverX` (screen x; -1: none).
    void paintCorner(QPainter &p, int width, int hoverX) const;

private:
    const TimelineViewport &m_viewport;
    const TimelinePalette &m_palette;
    const Fonts &m_fonts;
};

} // namespace Taskscope::Ui::Timeline
