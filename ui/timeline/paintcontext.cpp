#include "ui/timeline/paintcontext.h"

#include "ui/timeline/geometry.h"
#include "ui/timelinelayout.h"

#include <algorithm>

namespace Taskscope::Ui::Timeline {

Fonts Fonts::fromWidgetFont(const QFont &font, bool shrink)
{
    Fonts fonts;
    fonts.normal = font;
    if (shrink)
        fonts.normal.setPointSizeF(std::max(8.0, font.pointSizeF() * 0.92));
    fonts.small = fonts.normal;
    fonts.small.setPointSizeF(fonts.normal.pointSizeF() * 0.9);
    fonts.bold = fonts.normal;
    fonts.bold.setBold(true);
    return fonts;
}

int PaintContext::rowTop(const TimelineRow &row) const
{
    return row.y - scrollY + RulerHeight;
}

} // namespace Taskscope::Ui::Timeline
