#include "ui/timeline/alertbanditem.h"

#include "model/timeformat.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracestore.h"
#include "ui/timeline/geometry.h"
#include "ui/timeline/paintcontext.h"
#include "ui/timeline/painthelpers.h"
#include "ui/timelinelayout.h"
#include "ui/timelinepalette.h"
#include "ui/timelineviewport.h"

#include <QFontMetricsF>
#include <QPainter>

#include <algorithm>

using Taskscope::Model::TimeFormat;
using Taskscope::Trace::AlertBand;
using Taskscope::Trace::StoredSpan;
using Taskscope::Trace::TraceNames;

namespace Taskscope::Ui::Timeline {

namespace {

double bandEnd(const AlertBand &band, qint64 liveEdgeNs)
{
    return band.endNs == StoredSpan::OpenEnd ? double(liveEdgeNs) : double(band.endNs);
}

} // namespace

void AlertBandItem::paintBands(const PaintContext &ctx, QPainter &p, int height) const
{
    const TimelineViewport &vp = ctx.viewport;
    const std::vector<TimelineRow> &rows = ctx.layout.rows();
    for (const AlertBand &band : ctx.store.alertBands()) {
        const double end = bandEnd(band, ctx.liveEdgeNs);
        if (end < vp.startNs() || double(band.startNs) > vp.endNs())
            continue;
        const double x0 = std::max(double(GutterWidth), GutterWidth + vp.xOf(double(band.startNs)));
        const double x1 = std::min(double(GutterWidth + vp.width()), GutterWidth + vp.xOf(end));
        const double w = std::max(2.0, x1 - x0);
        const bool highlighted = band.alertId == m_highlight && m_highlight != 0;
        // A faint band through every lane, a stronger one across the lane that hung (the UI thread).
        QColor faint = TimelinePalette::alert();
        faint.setAlpha(highlighted ? 34 : 16);
        fillTall(p, QRectF(x0, RulerHeight, w, height - RulerHeight), faint);
        const int index = ctx.layout.rowOfLane(band.lane);
        if (index >= 0) {
            const TimelineRow &row = rows[std::size_t(index)];
            QColor strong = ctx.palette.alertBand();
            if (highlighted)
                strong.setAlpha(std::min(255, strong.alpha() * 2));
            fillTall(p, QRectF(x0, ctx.rowTop(row), w, row.height), strong);
        }
        p.fillRect(QRectF(x0, RulerHeight, w, 3), TimelinePalette::alert());
        if (highlighted) {
            verticalLine(p, x0, RulerHeight, height, TimelinePalette::alert(), 2);
            verticalLine(p, x0 + w, RulerHeight, height, TimelinePalette::alert(), 2);
        }
    }
}

void AlertBandItem::paintLabels(const PaintContext &ctx, QPainter &p) const
{
    // Name each band where it starts, over the lanes: what the watchdog saw and for how long.
    const TimelineViewport &vp = ctx.viewport;
    const QFontMetricsF fm(ctx.fonts.small);
    p.setFont(ctx.fonts.small);
    for (const AlertBand &band : ctx.store.alertBands()) {
        const double end = bandEnd(band, ctx.liveEdgeNs);
        const double x0 = std::max(double(GutterWidth), GutterWidth + vp.xOf(double(band.startNs)));
        const double x1 = std::min(double(GutterWidth + vp.width()), GutterWidth + vp.xOf(end));
        if (x1 - x0 < 90)
            continue;
        const QString label = QStringLiteral("⚠ %1 · %2")
                                  .arg(TraceNames::name(band.name),
                                       TimeFormat::duration(qint64(end) - band.startNs, 2));
        const QString text = fm.elidedText(label, Qt::ElideRight, x1 - x0 - 10);
        const QRectF plate(x0 + 4, RulerHeight + 5, fm.horizontalAdvance(text) + 8, fm.height() + 2);
        p.fillRect(plate, TimelinePalette::alert());
        p.setPen(Qt::white);
        p.drawText(plate, Qt::AlignCenter, text);
    }
    p.setFont(ctx.fonts.normal);
}

void AlertBandItem::paintRulerMarks(const PaintContext &ctx, QPainter &p, int width) const
{
    const TimelineViewport &vp = ctx.viewport;
    for (const AlertBand &band : ctx.store.alertBands()) {
        const double x0 = GutterWidth + vp.xOf(double(band.startNs));
        const double x1 = GutterWidth + vp.xOf(bandEnd(band, ctx.liveEdgeNs));
        if (x1 < GutterWidth || x0 > width)
            continue;
        const double left = std::max(x0, double(GutterWidth));
        p.fillRect(QRectF(left, RulerHeight - 4, std::max(2.0, std::min(x1, double(width)) - left), 3),
                   TimelinePalette::alert());
    }
}

} // namespace Taskscope::Ui::Timeline
