#include "ui/livecountsbar.h"

#include "model/timeformat.h"
#include "ui/timelinepalette.h"

#include <QPainter>

using Taskscope::Model::LiveCounts;
using Taskscope::Model::TimeFormat;

namespace Taskscope::Ui {

LiveCountsBar::LiveCountsBar(QWidget *parent)
    : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setAccessibleName(QStringLiteral("Live counts"));
}

void LiveCountsBar::setCounts(const LiveCounts &counts, bool live)
{
    if (counts == m_counts && live == m_live)
        return;
    m_counts = counts;
    m_live = live;
    setAccessibleDescription(text());
    update();
}

QString LiveCountsBar::text() const
{
    const LiveCounts &c = m_counts;
    return QStringLiteral(
               "threads %1/%2, coroutines %3 alive (%4 running, %5 suspended, %6 ready) of %7, streams %8, spans %9, "
               "dropped %10, evicted %11 items, rejected %12, runs kept %13, runs evicted %14, trimmed %15")
        .arg(c.threadsAlive)
        .arg(c.threadsTotal)
        .arg(c.coroutinesAlive)
        .arg(c.coroutinesRunning)
        .arg(c.coroutinesSuspended)
        .arg(c.coroutinesReady)
        .arg(c.coroutinesTotal)
        .arg(c.streams)
        .arg(c.spans)
        .arg(c.droppedEvents)
        .arg(c.evictedItems)
        .arg(c.rejectedEvents)
        .arg(c.runsKept)
        .arg(c.runsEvicted)
        .arg(c.trimmedItems);
}

QSize LiveCountsBar::sizeHint() const
{
    return QSize(900, fontMetrics().height() + 10);
}

QSize LiveCountsBar::minimumSizeHint() const
{
    return QSize(200, fontMetrics().height() + 10);
}

void LiveCountsBar::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const TimelinePalette palette(this->palette());
    p.fillRect(rect(), palette.rulerBackground());
    p.setPen(palette.separator());
    p.drawLine(0, height() - 1, width(), height() - 1);
    const QFontMetrics fm = fontMetrics();
    const int baseline = (height() + fm.ascent() - fm.descent()) / 2;
    int x = 10;
    // A narrow window (1280 px with the stream panel docked) tightens the gaps so every figure fits.
    const int gap = width() < 1000 ? 8 : 14;
    const auto item = [&](const QString &label, const QString &value, const QColor &dot = QColor(),
                          const QColor &valueColor = QColor()) {
        if (x > width())
            return;
        if (dot.isValid()) {
            p.setPen(Qt::NoPen);
            p.setBrush(dot);
            p.drawEllipse(QRectF(x, height() / 2.0 - 4, 8, 8));
            x += 12;
        }
        p.setPen(palette.mutedText());
        p.drawText(x, baseline, label);
        x += fm.horizontalAdvance(label) + 4;
        p.setPen(valueColor.isValid() ? valueColor : palette.text());
        QFont bold = font();
        bold.setBold(true);
        p.setFont(bold);
        p.drawText(x, baseline, value);
        x += QFontMetrics(bold).horizontalAdvance(value) + gap;
        p.setFont(font());
    };
    const auto separator = [&] {
        p.setPen(palette.separator());
        p.drawLine(x - 6, 5, x - 6, height() - 6);
        x += 6;
    };
    const LiveCounts &c = m_counts;
    if (!m_live) {
        // A loaded trace: what it holds, not what is alive now.
        p.setPen(palette.mutedText());
        p.drawText(x, baseline, QStringLiteral("Loaded trace:"));
        x += fm.horizontalAdvance(QStringLiteral("Loaded trace:")) + 10;
        item(QStringLiteral("Threads"), QString::number(c.threadsTotal));
        item(QStringLiteral("Coroutines"), TimeFormat::count(quint64(c.coroutinesTotal)), TimelinePalette::running());
        item(QStringLiteral("Streams"), QString::number(c.streams));
        separator();
        item(QStringLiteral("Spans"), TimeFormat::compactCount(c.spans));
        item(QStringLiteral("Memory"), TimeFormat::bytes(c.memoryBytes));
        if (c.rejectedEvents)
            item(QStringLiteral("Rejected"), TimeFormat::count(c.rejectedEvents), QColor(), QColor(0xd9, 0x3b, 0x3b));
        return;
    }
    item(QStringLiteral("Threads"), QString::number(c.threadsAlive));
    separator();
    item(QStringLiteral("Coroutines"), QStringLiteral("%1").arg(TimeFormat::count(quint64(c.coroutinesAlive))));
    item(QStringLiteral("running"), TimeFormat::count(quint64(c.coroutinesRunning)), TimelinePalette::running());
    item(QStringLiteral("suspended"), TimeFormat::count(quint64(c.coroutinesSuspended)), palette.suspendedHatch());
    item(QStringLiteral("ready"), TimeFormat::count(quint64(c.coroutinesReady)), TimelinePalette::ready());
    separator();
    item(QStringLiteral("Streams"), QString::number(c.streams));
    item(QStringLiteral("Spans"), TimeFormat::compactCount(c.spans));
    item(QStringLiteral("Memory"), TimeFormat::bytes(c.memoryBytes));
    separator();
    const QColor bad(0xd9, 0x3b, 0x3b);
    item(QStringLiteral("Dropped"), TimeFormat::count(c.droppedEvents), QColor(), c.droppedEvents ? bad : QColor());
    // Retention works in whole runs, so that is what the strip counts; a trim (one run alone past
    // the budget) is the exception and says how much went.
    // One item so the strip still fits at 1280 px; the evicted count appears once there is one.
    item(QStringLiteral("Runs"),
         c.runsEvicted ? QStringLiteral("%1 · %2 evicted").arg(c.runsKept).arg(c.runsEvicted)
                       : QString::number(c.runsKept));
    if (c.trimmedItems)
        item(QStringLiteral("Trimmed"), TimeFormat::compactCount(c.trimmedItems), QColor(), QColor(0xc7, 0x7c, 0x02));
    if (c.rejectedEvents)
        item(QStringLiteral("Rejected"), TimeFormat::count(c.rejectedEvents), QColor(), bad);
    if (c.alertsOpen)
        item(QStringLiteral("Open alerts"), QString::number(c.alertsOpen), bad, bad);
}

} // namespace Taskscope::Ui
