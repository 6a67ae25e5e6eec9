#pragma once

#include "ui/timeline/hittester.h"

#include <QRect>
#include <QString>

namespace Taskscope::Ui {
struct TimelineRow;
} // namespace Taskscope::Ui

namespace Taskscope::Ui::Timeline {

class AggregateLaneItem;
class Controller;

/// The timeline's tooltips, as rich text: a lane's identity over its label, a heading's action, the
/// badge's state, a span (name, duration, where it ran), a folded block, an alert band, an
/// aggregate lane's counts at the cursor, a counter's value. Empty where there is nothing to say.
class TooltipBuilder final
{
public:
    TooltipBuilder(const Controller &controller, const AggregateLaneItem &aggregates);

    /// The tooltip at widget point `pos`; `badgeRect`: where the live / paused badge is drawn.
    QString at(const QPoint &pos, const QRect &badgeRect) const;

private:
    QString gutterText(const TimelineRow &row) const;
    QString spanText(const SpanHit &hit) const;
    QString alertText(quint32 alertId) const;
    QString rowText(const QPoint &pos) const;

    const Controller &m_controller;
    const AggregateLaneItem &m_aggregates;
    HitTester m_hits;
};

} // namespace Taskscope::Ui::Timeline
