#include "ui/timeline/tooltipbuilder.h"

#include "model/timeformat.h"
#include "model/trace/tracenames.h"
#include "ui/spanselection.h"
#include "ui/timeline/aggregatelaneitem.h"
#include "ui/timeline/controller.h"
#include "ui/timeline/geometry.h"
#include "ui/timeline/gutter.h"

using Taskscope::Model::TimeFormat;
using Taskscope::Trace::AlertBand;
using Taskscope::Trace::LaneInfo;
using Taskscope::Trace::NameId;
using Taskscope::Trace::SpanItem;
using Taskscope::Trace::SpanKind;
using Taskscope::Trace::StoredSpan;
using Taskscope::Trace::TraceNames;
using Taskscope::Trace::TraceStore;

namespace Taskscope::Ui::Timeline {

namespace {

QString esc(const QString &s)
{
    return s.toHtmlEscaped();
}

} // namespace

TooltipBuilder::TooltipBuilder(const Controller &controller, const AggregateLaneItem &aggregates)
    : m_controller(controller)
    , m_aggregates(aggregates)
    , m_hits(controller)
{
}

QString TooltipBuilder::at(const QPoint &pos, const QRect &badgeRect) const
{
    if (!m_controller.store())
        return {};
    const int gutterRow = m_hits.gutterRowAt(pos);
    if (gutterRow >= 0)
        return gutterText(m_controller.layout().rows()[std::size_t(gutterRow)]);
    if (pos.x() < GutterWidth)
        return {};
    if (badgeRect.contains(pos))
        return m_controller.followsLive()
            ? QStringLiteral("Following the live edge (F). Space pauses the view; capture goes on.")
            : QStringLiteral("The view is paused; capture goes on. Click (or press F) to catch up.");
    const SpanHit hit = m_hits.spanAt(pos);
    if (hit.found)
        return spanText(hit);
    if (const quint32 alert = m_hits.alertAt(pos)) {
        const QString text = alertText(alert);
        if (!text.isEmpty())
            return text;
    }
    return rowText(pos);
}

QString TooltipBuilder::gutterText(const TimelineRow &row) const
{
    if (row.type == TimelineRow::Type::Lane) {
        const LaneInfo info = m_controller.store()->lane(row.lane);
        QString kind = TimelineLayout::sectionTitle(info.kind);
        kind.chop(1); // "Threads" -> "thread"
        QString text =
            QStringLiteral("<b>%1</b><br>%2 lane %3").arg(esc(Gutter::laneTitle(info)), kind.toLower()).arg(info.id);
        if (info.osThreadId)
            text += QStringLiteral("<br>thread id %1").arg(info.osThreadId);
        if (info.group)
            text += QStringLiteral("<br>group %1").arg(esc(TraceNames::name(info.group)));
        if (info.endedNs >= 0)
            text += QStringLiteral("<br>ended at %1").arg(TimeFormat::timestamp(info.endedNs, 1'000'000));
        return text;
    }
    if (row.type == TimelineRow::Type::Group && row.ended)
        return QStringLiteral("<b>%1 ended %2 lanes</b><br>their combined activity · click to %3")
            .arg(row.membersCount)
            .arg(TimelineLayout::sectionTitle(row.kind).toLower())
            .arg(row.collapsed ? QStringLiteral("list them") : QStringLiteral("fold them into one line"));
    if (row.type == TimelineRow::Type::Group)
        return QStringLiteral("<b>%1</b><br>%2 lanes · click to %3")
            .arg(esc(TraceNames::name(row.group)))
            .arg(row.membersCount)
            .arg(row.collapsed ? QStringLiteral("expand") : QStringLiteral("fold into one aggregate lane"));
    return QStringLiteral("%1 · click to %2")
        .arg(TimelineLayout::sectionTitle(row.kind),
             row.collapsed ? QStringLiteral("expand") : QStringLiteral("collapse"));
}

QString TooltipBuilder::spanText(const SpanHit &hit) const
{
    const SpanItem &it = hit.item;
    const qint64 nsPerPx = qint64(m_controller.viewport().nsPerPx());
    if (it.kind == SpanKind::Folded) {
        return QStringLiteral(
                   "<b>%1 spans folded</b> (each narrower than %2 px)<br>%3 … %4 (%5)<br>zoom in to see them")
            .arg(TimeFormat::count(it.count))
            .arg(FoldPx)
            .arg(TimeFormat::timestamp(it.startNs, nsPerPx), TimeFormat::timestamp(it.endNs, nsPerPx),
                 TimeFormat::duration(it.endNs - it.startNs));
    }
    const SpanSelection s = SpanSelection::resolve(*m_controller.store(), hit.lane, hit.depth, it.startNs, it.endNs,
                                                   it.open, it.name, it.kind, it.link, it.arg);
    QString text = QStringLiteral("<b>%1</b><br>%2%3")
                       .arg(esc(s.title), TimeFormat::duration(s.durationNs()),
                            s.open ? QStringLiteral(" so far (open)") : QString());
    text += QStringLiteral("<br>at %1").arg(TimeFormat::timestamp(s.startNs, 1000));
    if (!s.threadName.isEmpty() && s.threadName != s.laneName)
        text += QStringLiteral("<br>on thread %1").arg(esc(s.threadName));
    if (!s.coroutineName.isEmpty() && s.coroutineName != s.laneName)
        text += QStringLiteral("<br>coroutine %1").arg(esc(s.coroutineName));
    if (s.arg)
        text += QStringLiteral("<br>arg %1").arg(s.arg);
    return text;
}

QString TooltipBuilder::alertText(quint32 alertId) const
{
    for (const AlertBand &band : m_controller.store()->alertBands()) {
        if (band.alertId != alertId)
            continue;
        const bool open = band.endNs == StoredSpan::OpenEnd;
        const qint64 end = open ? m_controller.liveEdgeNs() : band.endNs;
        return QStringLiteral("<b>Alert #%1</b>: %2<br>%3%4<br>click to inspect")
            .arg(alertId)
            .arg(esc(TraceNames::name(band.name)), TimeFormat::duration(end - band.startNs),
                 open ? QStringLiteral(" and counting") : QString());
    }
    return {};
}

QString TooltipBuilder::rowText(const QPoint &pos) const
{
    const TimelineLayout::Hit h = m_hits.rowAt(pos);
    if (h.row < 0)
        return {};
    const TimelineRow &row = m_controller.layout().rows()[std::size_t(h.row)];
    if (row.type == TimelineRow::Type::Group && row.collapsed) {
        if (const auto column = m_aggregates.columnAt(row.key, pos.x() - GutterWidth)) {
            return QStringLiteral("<b>%1</b> (%2 lanes)<br>at the cursor: %3 alive, %4 running, %5 ready")
                .arg(row.ended ? QStringLiteral("ended lanes") : esc(TraceNames::name(row.group)))
                .arg(row.membersCount)
                .arg(column->alive)
                .arg(column->running)
                .arg(column->ready);
        }
    }
    if (row.type == TimelineRow::Type::Lane && h.counter >= 0) {
        const TraceStore &store = *m_controller.store();
        const QList<NameId> names = store.counterNames(row.lane);
        const qint64 t = qint64(m_controller.viewport().timeAt(pos.x() - GutterWidth));
        double value = 0;
        if (h.counter < names.size() && store.counterValueAt(row.lane, names[h.counter], t, &value))
            return QStringLiteral("<b>%1</b> = %2").arg(esc(TraceNames::name(names[h.counter]))).arg(value, 0, 'g', 6);
    }
    return {};
}

} // namespace Taskscope::Ui::Timeline
