#include "ui/timeline/painthelpers.h"

#include "ui/timelinepalette.h"

#include <QFontMetricsF>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace Taskscope::Ui::Timeline {

namespace {

// Qt's raster engine hands any fill of more than ~96 scanlines to its GUI thread pool in parts
// and waits for them. For a 1 px grid line or a faint band that is all thread wake-ups and no work
// (240 of them per frame measured with 9 grid lines and 6 alert bands, ~3 ms on two cores), so tall
// fills are issued in strips short enough to stay on the painting thread. Same pixels.
constexpr int SerialFillRows = 64;

} // namespace

double niceStep(double rawNs)
{
    if (!(rawNs > 0))
        return 1;
    const double magnitude = std::pow(10.0, std::floor(std::log10(rawNs)));
    const double fraction = rawNs / magnitude;
    const double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
    return std::max(1.0, nice * magnitude);
}

void fillTall(QPainter &p, const QRectF &rect, const QColor &color)
{
    for (double y = rect.top(); y < rect.bottom(); y += SerialFillRows)
        p.fillRect(QRectF(rect.left(), y, rect.width(), std::min<double>(SerialFillRows, rect.bottom() - y)), color);
}

void verticalLine(QPainter &p, double x, double y0, double y1, const QColor &color, double width)
{
    fillTall(p, QRectF(std::floor(x - (width - 1) / 2), y0, std::max(1.0, std::round(width)), y1 - y0), color);
}

void drawPlateText(QPainter &p, const TimelinePalette &palette, const QPointF &baseline, const QString &text)
{
    const QFontMetricsF fm(p.font());
    QColor plate = palette.background();
    plate.setAlpha(200);
    p.fillRect(
        QRectF(baseline.x() - 3, baseline.y() - fm.ascent() - 1, fm.horizontalAdvance(text) + 6, fm.height() + 2),
        plate);
    p.setPen(palette.mutedText());
    p.drawText(baseline, text);
}

} // namespace Taskscope::Ui::Timeline
