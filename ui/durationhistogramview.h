#pragma once

#include "model/durationhistogram.h"

#include <QWidget>

namespace Taskscope::Ui {

/// Draws a DurationHistogram as bars over log-scale buckets: a bar's height is its count (linear),
/// the axis under it names the bucket edges ("1 ms", "2 ms", "5 ms"). Hovering a bar tells its
/// range, count and share.
class DurationHistogramView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DurationHistogramView)

public:
    explicit DurationHistogramView(QWidget *parent = nullptr);

    /// Shows `histogram` under a title (e.g. the span name); an empty histogram shows `title` alone.
    void setHistogram(const QString &title, const Model::DurationHistogram &histogram);
    void clear(const QString &hint);

    const Model::DurationHistogram &histogram() const { return m_histogram; }
    QString title() const { return m_title; }
    /// The bucket under `pos`, -1 if none (for tooltips and tests).
    int bucketAt(QPoint pos) const;
    /// What the tooltip says for bucket `index`.
    QString bucketText(int index) const;

    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:
    QRectF plotRect() const;

    QString m_title;
    Model::DurationHistogram m_histogram;
};

} // namespace Taskscope::Ui
