#include "ui/timeline/ruler.h"

#include "model/timeformat.h"
#include "ui/timeline/geometry.h"
#include "ui/timeline/paintcontext.h"
#include "ui/timeline/painthelpers.h"
#include "ui/timelinepalette.h"
#include "ui/timelineviewport.h"

#include <QFontMetricsF>
#include <QPainter>

#include <algorithm>
#include <cmath>

using Taskscope::Model::TimeFormat;

namespace Taskscope::Ui::Timeline {

namespace {

double majorStep(const TimelineViewport &viewport)
{
    return niceStep(viewport.nsPerPx() * 110);
}

} // namespace

Ruler::Ruler(const TimelineViewport &viewport, const TimelinePalette &palette, const Fonts &fonts)
    : m_viewport(viewport)
    , m_palette(palette)
    , m_fonts(fonts)
{
}

void Ruler::paintScale(QPainter &p, int width) const
{
    const QRect ruler(0, 0, width, RulerHeight);
    p.fillRect(ruler, m_palette.rulerBackground());
    p.setPen(m_palette.separator());
    p.drawLine(0, RulerHeight - 1, width, RulerHeight - 1);
    p.drawLine(GutterWidth - 1, 0, GutterWidth - 1, RulerHeight);

    const double step = majorStep(m_viewport);
    const double minor = step / 5;
    const double first = std::floor(m_viewport.startNs() / minor) * minor;
    p.setFont(m_fonts.small);
    for (double t = first; t < m_viewport.endNs(); t += minor) {
        const double x = GutterWidth + m_viewport.xOf(t);
        if (x < GutterWidth)
            continue;
        const bool major = std::fmod(std::abs(t), step) < minor / 2
            || std::abs(std::fmod(std::abs(t), step) - step) < minor / 2;
        p.setPen(major ? m_palette.mutedText() : m_palette.separator());
        p.drawLine(QLineF(x, major ? RulerHeight - 9 : RulerHeight - 5, x, RulerHeight - 1));
        if (major) {
            p.setPen(m_palette.text());
            p.drawText(QPointF(x + 3, RulerHeight - 10), TimeFormat::timestamp(qint64(std::llround(t)), qint64(step)));
        }
    }
}

void Ruler::paintCorner(QPainter &p, int width, int hoverX) const
{
    p.setFont(m_fonts.small);
    p.fillRect(QRect(0, 0, GutterWidth - 1, RulerHeight - 1), m_palette.gutterBackground());
    p.setPen(m_palette.mutedText());
    const QString scale = QStringLiteral("%1 / px").arg(
        TimeFormat::duration(qint64(std::max(1.0, m_viewport.nsPerPx())), 1));
    p.drawText(QPointF(8, RulerHeight - 9),
               QStringLiteral("⟷ %1 · %2").arg(TimeFormat::duration(qint64(m_viewport.rangeNs()), 1), scale));
    if (hoverX >= GutterWidth && hoverX < GutterWidth + m_viewport.width()) {
        const double t = m_viewport.timeAt(hoverX - GutterWidth);
        const QString text = TimeFormat::timestamp(qint64(std::llround(t)),
                                                   qint64(std::max(1.0, majorStep(m_viewport) / 100)));
        const QFontMetricsF fm(m_fonts.small);
        const double w = fm.horizontalAdvance(text) + 10;
        const QRectF box(std::min(double(hoverX) - w / 2, double(width) - w), 1, w, RulerHeight - 6);
        p.fillRect(box, m_palette.text());
        p.setPen(m_palette.background());
        p.drawText(box, Qt::AlignCenter, text);
    }
    p.setFont(m_fonts.normal);
}

} // namespace Taskscope::Ui::Timeline
