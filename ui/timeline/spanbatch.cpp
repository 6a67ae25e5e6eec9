#include "ui/timeline/spanbatch.h"

#include "model/timeformat.h"
#include "model/trace/tracenames.h"
#include "ui/timeline/geometry.h"

#include <QFontMetricsF>
#include <QImage>
#include <QPainter>

#include <algorithm>

using Taskscope::Model::TimeFormat;
using Taskscope::Trace::NameId;
using Taskscope::Trace::TraceNames;

namespace Taskscope::Ui::Timeline {

SpanBatch::SpanBatch()
{
    m_buckets.resize(BucketCount);
    m_bucketBrushes.resize(BucketCount);
}

void SpanBatch::setFont(const QFont &font)
{
    m_font = font;
    std::fill(m_nameWidth.begin(), m_nameWidth.end(), -1.f);
    m_elideCache.clear();
}

void SpanBatch::clear()
{
    for (auto &bucket : m_buckets)
        bucket.clear();
    m_labels.clear();
}

void SpanBatch::addRect(int bucket, const QRectF &rect)
{
    // Unoutlined rectangles of one colour that touch on a row look like one: at coarse zoom a
    // lane's pixel columns of folded spans become a single fill instead of one per column.
    std::vector<QRectF> &rects = m_buckets[std::size_t(bucket)];
    if (!rects.empty()) {
        QRectF &last = rects.back();
        if (last.top() == rect.top() && last.height() == rect.height() && rect.left() >= last.left()
            && rect.left() <= last.right() + 0.5) {
            last.setRight(std::max(last.right(), rect.right()));
            return;
        }
    }
    rects.push_back(rect);
}

void SpanBatch::addFold(int bucket, const QRectF &rect, quint64 count)
{
    // Folded buckets use an opaque texture with the zig-zag baked in: one fill, no blending.
    addRect(bucket, rect);
    addFoldLabel(rect, count);
}

void SpanBatch::addFoldLabel(const QRectF &rect, quint64 count)
{
    if (rect.width() >= MinLabelPx)
        m_labels.push_back(Label {rect, TimeFormat::compactCount(count), QColor(255, 255, 255), true});
}

void SpanBatch::addLabel(const QRectF &rect, NameId name, const QColor &color)
{
    if (rect.width() < MinLabelPx || name == 0)
        return;
    const QString text = elidedName(name, rect.width() - 8);
    if (text.isEmpty() || text == QStringLiteral("…"))
        return;
    m_labels.push_back(Label {rect, text, color, false});
}

QString SpanBatch::elidedName(NameId name, double width)
{
    if (name >= m_nameWidth.size() && name < (1u << 22))
        m_nameWidth.resize(std::size_t(name) + 1024, -1.f);
    const QString full = TraceNames::name(name);
    float w = name < m_nameWidth.size() ? m_nameWidth[name] : -1.f;
    if (w < 0) {
        w = float(QFontMetricsF(m_font).horizontalAdvance(full));
        if (name < m_nameWidth.size())
            m_nameWidth[name] = w;
    }
    if (w <= width)
        return full;
    // Elisions are cached per 8 px of width, so a span that grows while zooming reuses them.
    const int bucket = int(width) / 8;
    const quint64 key = (quint64(name) << 16) | quint64(std::min(bucket, 0xffff));
    const auto it = m_elideCache.constFind(key);
    if (it != m_elideCache.cend())
        return *it;
    if (m_elideCache.size() > 50'000)
        m_elideCache.clear();
    const QString text = QFontMetricsF(m_font).elidedText(full, Qt::ElideRight, bucket * 8);
    m_elideCache.insert(key, text);
    return text;
}

QBrush SpanBatch::foldedBrush(const QColor &fill)
{
    // Folded blocks wear a zig-zag, like Tracy's folded zones. The tile is opaque (the line is
    // pre-blended into the fill), so filling a wide block is a copy, not a per-pixel blend.
    const auto it = m_foldedBrushes.constFind(fill.rgba());
    if (it != m_foldedBrushes.cend())
        return *it;
    // Chevrons that repeat every few pixels vertically, so the look does not depend on where a
    // lane starts relative to the brush origin.
    QImage tile(8, 6, QImage::Format_RGB32);
    tile.fill(fill);
    {
        QPainter tp(&tile);
        tp.setRenderHint(QPainter::Antialiasing);
        tp.setPen(QPen(QColor(255, 255, 255, 38), 1.0));
        const QPointF points[] = {{-4, 1}, {0, 5}, {4, 1}, {8, 5}, {12, 1}};
        tp.drawPolyline(points, 5);
    }
    const QBrush brush(tile);
    m_foldedBrushes.insert(fill.rgba(), brush);
    return brush;
}

QBrush SpanBatch::hatchBrush(const QColor &fill, const QColor &line)
{
    // Suspended segments are hatched. The 8 x 8 tile tiles seamlessly along both axes and is
    // opaque, so a wide suspended segment costs a copy rather than a pattern blend per pixel.
    const quint64 key = (quint64(fill.rgba()) << 32) | line.rgba();
    if (m_hatchKey == key && m_hatchBrush.style() == Qt::TexturePattern)
        return m_hatchBrush;
    QImage tile(8, 8, QImage::Format_RGB32);
    tile.fill(fill);
    for (int i = 0; i < 8; ++i)
        tile.setPixelColor(7 - i, i, line);
    m_hatchBrush = QBrush(tile);
    m_hatchKey = key;
    return m_hatchBrush;
}

void SpanBatch::prepareBrushes(const TimelinePalette &palette)
{
    for (int i = 0; i < HueBuckets; ++i) {
        const QColor hue = palette.hue(i);
        m_bucketBrushes[std::size_t(SpanBucket0 + i)] = QBrush(hue);
        m_bucketBrushes[std::size_t(ThreadCoroBucket0 + i)] = QBrush(hue.darker(108));
        QColor folded = hue;
        folded.setHsvF(hue.hsvHueF(), hue.hsvSaturationF() * 0.55, std::min(1.0, hue.valueF() * 1.05));
        m_bucketBrushes[std::size_t(FoldedBucket0 + i)] = foldedBrush(folded);
    }
    m_bucketBrushes[RunningBucket] = QBrush(TimelinePalette::running());
    m_bucketBrushes[SuspendedBucket] = hatchBrush(palette.suspendedFill(), palette.suspendedHatch());
    m_bucketBrushes[ReadyBucket] = QBrush(TimelinePalette::ready());
    m_bucketBrushes[FoldedRunningBucket] = foldedBrush(TimelinePalette::running().darker(115));
    m_bucketBrushes[FoldedSuspendedBucket] = foldedBrush(palette.suspendedHatch());
    m_bucketBrushes[FoldedReadyBucket] = foldedBrush(TimelinePalette::ready().darker(112));
    m_bucketBrushes[CoroStripeBucket] = QBrush(TimelinePalette::running());
    m_bucketBrushes[InstantBucket] = QBrush(palette.instant());
}

void SpanBatch::flush(QPainter &p, const TimelinePalette &palette)
{
    // Brushes: fills first, overlays (hatch, zig-zag) last.
    prepareBrushes(palette);
    p.setPen(Qt::NoPen);
    for (int i = 0; i < BucketCount; ++i) {
        const std::vector<QRectF> &rects = m_buckets[std::size_t(i)];
        if (rects.empty())
            continue;
        p.setBrush(m_bucketBrushes[std::size_t(i)]);
        p.drawRects(rects.data(), int(rects.size()));
    }

    QColor current;
    p.setBrush(Qt::NoBrush);
    const QFontMetricsF fm(m_font);
    const double ascent = fm.ascent();
    const double lineH = fm.height();
    for (const Label &label : m_labels) {
        if (label.color != current) {
            p.setPen(label.color);
            current = label.color;
        }
        const double baseline = label.rect.top() + (label.rect.height() - lineH) / 2 + ascent;
        double x = label.rect.left() + 4;
        if (label.centred)
            x = label.rect.center().x() - fm.horizontalAdvance(label.text) / 2;
        p.drawText(QPointF(x, baseline), label.text);
    }
}

} // namespace Taskscope::Ui::Timeline
