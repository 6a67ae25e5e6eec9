#pragma once

#include "model/trace/tracetypes.h"
#include "ui/timelinepalette.h"

#include <QBrush>
#include <QFont>
#include <QHash>
#include <QRectF>
#include <QString>

#include <vector>

class QPainter;

namespace Taskscope::Ui::Timeline {

/// The span lanes' rectangles and labels of one paint, collected by style and drawn together: one
/// fill call per style ("bucket") however many spans there are, then the labels. Also keeps the
/// caches that make labels cheap (name widths, elided texts) and the textured brushes.
class SpanBatch final
{
public:
    // Style buckets: rectangles of one look are collected during a paint and filled with one call.
    static constexpr int HueBuckets = TimelinePalette::HueCount;
    static constexpr int SpanBucket0 = 0;
    static constexpr int ThreadCoroBucket0 = SpanBucket0 + HueBuckets;
    static constexpr int FoldedBucket0 = ThreadCoroBucket0 + HueBuckets;
    static constexpr int RunningBucket = FoldedBucket0 + HueBuckets;
    static constexpr int SuspendedBucket = RunningBucket + 1;
    static constexpr int ReadyBucket = SuspendedBucket + 1;
    static constexpr int FoldedRunningBucket = ReadyBucket + 1;
    static constexpr int FoldedSuspendedBucket = FoldedRunningBucket + 1;
    static constexpr int FoldedReadyBucket = FoldedSuspendedBucket + 1;
    static constexpr int CoroStripeBucket = FoldedReadyBucket + 1;
    static constexpr int InstantBucket = CoroStripeBucket + 1;
    static constexpr int BucketCount = InstantBucket + 1;

    SpanBatch();

    /// The label font; a change forgets the measured widths.
    void setFont(const QFont &font);
    void clear();
    void addRect(int bucket, const QRectF &rect);
    /// A span's name, elided to fit `rect` (nothing if it is too narrow).
    void addLabel(const QRectF &rect, Trace::NameId name, const QColor &color);
    /// A folded block: its rectangle and, if it is wide enough, how many spans it holds.
    void addFold(int bucket, const QRectF &rect, quint64 count);
    /// The count of a folded block drawn by the caller, if the block is wide enough.
    void addFoldLabel(const QRectF &rect, quint64 count);
    /// Fills every bucket with its brush, then draws the labels.
    void flush(QPainter &p, const TimelinePalette &palette);

private:
    struct Label
    {
        QRectF rect;
        QString text;
        QColor color;
        bool centred;
    };

    QString elidedName(Trace::NameId name, double width);
    void prepareBrushes(const TimelinePalette &palette);
    QBrush foldedBrush(const QColor &fill);
    QBrush hatchBrush(const QColor &fill, const QColor &line);

    std::vector<std::vector<QRectF>> m_buckets;
    std::vector<QBrush> m_bucketBrushes;
    std::vector<Label> m_labels;
    QFont m_font;
    QHash<quint64, QString> m_elideCache;
    std::vector<float> m_nameWidth; // by name id, -1 unknown
    QHash<QRgb, QBrush> m_foldedBrushes;
    QBrush m_hatchBrush;
    quint64 m_hatchKey = 0;
};

} // namespace Taskscope::Ui::Timeline
