#pragma once

#include <QtGlobal>

class QPainter;

namespace Taskscope::Ui::Timeline {

struct PaintContext;

/// The watchdog's alerts as bands across time: a faint band through every lane, a stronger one
/// across the lane that hung, a mark in the ruler (seen even when that lane is scrolled away), and
/// a label naming each band where it starts. Unlike the other items it spans every row, so it
/// paints in passes: bands under the lanes, labels over them.
class AlertBandItem final
{
public:
    void setHighlight(quint32 alertId) { m_highlight = alertId; }
    quint32 highlight() const { return m_highlight; }

    void paintBands(const PaintContext &ctx, QPainter &p, int height) const;
    void paintLabels(const PaintContext &ctx, QPainter &p) const;
    void paintRulerMarks(const PaintContext &ctx, QPainter &p, int width) const;

private:
    quint32 m_highlight = 0;
};

} // namespace Taskscope::Ui::Timeline
