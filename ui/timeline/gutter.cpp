#include "ui/timeline/gutter.h"

#include "model/timeformat.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracestore.h"
#include "ui/timeline/controller.h"
#include "ui/timeline/geometry.h"
#include "ui/timeline/paintcontext.h"
#include "ui/timeline/painthelpers.h"
#include "ui/timelinepalette.h"

#include <QFontMetricsF>
#include <QPainter>

#include <algorithm>

using Taskscope::Model::TimeFormat;
using Taskscope::Trace::LaneInfo;
using Taskscope::Trace::LaneKind;
using Taskscope::Trace::TraceNames;
using Taskscope::Trace::UiThreadLane;

namespace Taskscope::Ui::Timeline {

QString Gutter::laneTitle(const LaneInfo &info)
{
    const QString name = TraceNames::name(info.name);
    if (!name.isEmpty())
        return name;
    return QStringLiteral("lane %1").arg(info.id);
}

void Gutter::paint(QPainter &p, int height, const Controller &controller, const TimelinePalette &palette,
                   const Fonts &fonts)
{
    const qreal dpr = p.device() ? p.device()->devicePixelRatioF() : 1.0;
    const quint64 key = (controller.layoutVersion() << 32) ^ (quint64(quint32(controller.scrollY())) << 1)
        ^ (quint64(height) << 20) ^ quint64(dpr * 64) ^ (palette.dark() ? 0x8000'0000'0000'0000ull : 0)
        ^ (controller.store() ? 0 : 0x4000'0000'0000'0000ull);
    if (m_cache.isNull() || key != m_key || m_cache.height() != qRound(height * dpr)) {
        m_cache = QImage(QSize(GutterWidth, height) * dpr, QImage::Format_ARGB32_Premultiplied);
        m_cache.setDevicePixelRatio(dpr);
        m_cache.fill(Qt::transparent);
        QPainter gp(&m_cache);
        gp.setFont(fonts.normal);
        paintLabels(Scope {gp, controller, palette, fonts}, height);
        m_key = key;
    }
    p.drawImage(QPointF(0, 0), m_cache);
}

void Gutter::paintLabels(const Scope &s, int height)
{
    QPainter &p = s.p;
    p.fillRect(QRect(0, RulerHeight, GutterWidth, height - RulerHeight), s.palette.gutterBackground());
    verticalLine(p, GutterWidth - 1, RulerHeight, height, s.palette.separator());
    if (!s.controller.store())
        return;
    const TimelineLayout &layout = s.controller.layout();
    const std::vector<TimelineRow> &rows = layout.rows();
    const int first = std::max(0, layout.rowAt(s.controller.scrollY()));
    p.setClipRect(QRect(0, RulerHeight, GutterWidth - 1, height - RulerHeight));
    for (int i = first; i < int(rows.size()); ++i) {
        const TimelineRow &row = rows[std::size_t(i)];
        const int top = s.controller.rowTopOnScreen(row);
        if (top > height)
            break;
        if (top + row.height < RulerHeight)
            continue;
        switch (row.type) {
        case TimelineRow::Type::Section:
            paintSection(s, row, top);
            break;
        case TimelineRow::Type::Group:
            paintGroup(s, row, top);
            break;
        case TimelineRow::Type::Lane:
            paintLane(s, row, top);
            break;
        }
        p.setPen(s.palette.separator());
        p.drawLine(0, top + row.height - 1, GutterWidth - 1, top + row.height - 1);
    }
    p.setClipping(false);
}

void Gutter::paintSection(const Scope &s, const TimelineRow &row, int top)
{
    QPainter &p = s.p;
    const QFontMetricsF fm(s.fonts.normal);
    p.fillRect(QRect(0, top, GutterWidth - 1, row.height), s.palette.sectionBackground());
    p.setPen(s.palette.text());
    p.setFont(s.fonts.bold);
    const QString arrow = row.collapsed ? QStringLiteral("▸") : QStringLiteral("▾");
    p.drawText(QPointF(8, top + row.height / 2.0 + fm.ascent() / 2 - 1),
               QStringLiteral("%1  %2").arg(arrow, TimelineLayout::sectionTitle(row.kind)));
    p.setFont(s.fonts.small);
    p.setPen(s.palette.mutedText());
    const int running = row.membersCount - row.endedCount;
    const QString count = row.endedCount > 0
        ? QStringLiteral("%1 running · %2 ended")
              .arg(TimeFormat::count(quint64(running)), TimeFormat::count(quint64(row.endedCount)))
        : TimeFormat::count(quint64(row.membersCount));
    p.drawText(QRectF(0, top, GutterWidth - 10, row.height), Qt::AlignRight | Qt::AlignVCenter, count);
    p.setFont(s.fonts.normal);
}

void Gutter::paintGroup(const Scope &s, const TimelineRow &row, int top)
{
    QPainter &p = s.p;
    const QFontMetricsF fm(s.fonts.normal);
    const int indentPx = 8 + row.indent * 12;
    p.setPen(s.palette.text());
    const QString arrow = row.collapsed ? QStringLiteral("▸") : QStringLiteral("▾");
    if (row.ended) {
        // One line for every finished lane of the section; its lane shows their combined activity.
        p.setPen(s.palette.mutedText());
        p.drawText(QPointF(indentPx, top + row.height / 2.0 + fm.ascent() / 2 - 1),
                   QStringLiteral("%1 %2 ended").arg(arrow, TimeFormat::count(quint64(row.membersCount))));
        p.setFont(s.fonts.small);
        p.drawText(QRectF(0, top, GutterWidth - 10, row.height), Qt::AlignRight | Qt::AlignVCenter,
                   row.collapsed ? QStringLiteral("click to list") : QStringLiteral("click to fold"));
        p.setFont(s.fonts.normal);
        return;
    }
    const QString name = TraceNames::name(row.group);
    p.drawText(QPointF(indentPx, top + 15),
               QStringLiteral("%1 %2").arg(arrow, fm.elidedText(name, Qt::ElideRight, GutterWidth - indentPx - 70)));
    p.setFont(s.fonts.small);
    p.setPen(s.palette.mutedText());
    p.drawText(QRectF(0, top, GutterWidth - 10, 20), Qt::AlignRight | Qt::AlignVCenter,
               QStringLiteral("× %1").arg(TimeFormat::count(quint64(row.membersCount))));
    if (row.collapsed)
        p.drawText(QPointF(indentPx + 12, top + 29), QStringLiteral("aggregate · click to expand"));
    p.setFont(s.fonts.normal);
}

void Gutter::paintLane(const Scope &s, const TimelineRow &row, int top)
{
    QPainter &p = s.p;
    const QFontMetricsF fm(s.fonts.normal);
    const int indentPx = 8 + row.indent * 12;
    const double textY = top + std::min(row.height, TimelineLayout::LanePadding + TimelineLayout::DepthHeight) / 2.0
        + fm.ascent() / 2 - 1;
    const LaneInfo info = s.controller.store()->lane(row.lane);
    QColor chip = s.palette.mutedText();
    if (info.kind == LaneKind::Coroutine)
        chip = TimelinePalette::running();
    else if (info.kind == LaneKind::Stream)
        chip = s.palette.hue(0);
    else if (info.kind == LaneKind::Process)
        chip = s.palette.hue(6);
    else if (row.lane == UiThreadLane)
        chip = s.palette.accent();
    const bool ended = info.endedNs >= 0;
    p.fillRect(QRectF(indentPx - 6, top + 5, 3, TimelineLayout::DepthHeight - 6), chip);
    p.setPen(ended ? s.palette.mutedText() : s.palette.text());
    QString tag;
    if (row.lane == UiThreadLane && info.kind == LaneKind::Thread)
        tag = QStringLiteral("UI");
    else if (row.pinned)
        tag = QStringLiteral("pinned");
    else if (ended)
        tag = QStringLiteral("ended");
    const double tagW = tag.isEmpty() ? 0 : QFontMetricsF(s.fonts.small).horizontalAdvance(tag) + 12;
    p.drawText(QPointF(indentPx, textY),
               fm.elidedText(laneTitle(info), Qt::ElideRight, GutterWidth - indentPx - 10 - tagW));
    if (!tag.isEmpty())
        paintTag(s, QRectF(GutterWidth - 8 - tagW + 4, top + 5, tagW - 4, 14), tag, row.lane == UiThreadLane);
    if (row.height > TimelineLayout::DepthHeight + 14 && row.depths > 1) {
        p.setFont(s.fonts.small);
        p.setPen(s.palette.mutedText());
        p.drawText(QPointF(indentPx, textY + 15), QStringLiteral("%1 levels").arg(row.depths));
        p.setFont(s.fonts.normal);
    }
}

void Gutter::paintTag(const Scope &s, const QRectF &rect, const QString &tag, bool uiThread)
{
    QPainter &p = s.p;
    p.setFont(s.fonts.small);
    p.setPen(Qt::NoPen);
    p.setBrush(uiThread ? s.palette.accent() : s.palette.separator());
    p.setRenderHint(QPainter::Antialiasing, true);
    p.drawRoundedRect(rect, 3, 3);
    p.setRenderHint(QPainter::Antialiasing, false);
    p.setBrush(Qt::NoBrush);
    p.setPen(uiThread ? QColor(Qt::white) : s.palette.text());
    p.drawText(rect, Qt::AlignCenter, tag);
    p.setFont(s.fonts.normal);
}

} // namespace Taskscope::Ui::Timeline
