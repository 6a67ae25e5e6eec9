#pragma once

#include <QColor>
#include <QRectF>
#include <QString>

class QPainter;
namespace Taskscope::Ui {
class TimelinePalette;
} // namespace Taskscope::Ui

/// Small drawing steps the timeline's items share.
namespace Taskscope::Ui::Timeline {

/// A round step for grid lines and ruler ticks: 1, 2 or 5 times a power of ten, at least 1 ns.
double niceStep(double rawNs);
/// Fills a tall rectangle in strips short enough for the raster engine to keep on this thread.
void fillTall(QPainter &p, const QRectF &rect, const QColor &color);
void verticalLine(QPainter &p, double x, double y0, double y1, const QColor &color, double width = 1.0);
/// Small print over data, on a plate of the background colour so it stays readable.
void drawPlateText(QPainter &p, const TimelinePalette &palette, const QPointF &baseline, const QString &text);

} // namespace Taskscope::Ui::Timeline
