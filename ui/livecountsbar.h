#pragma once

#include "model/livecounts.h"

#include <QWidget>

namespace Taskscope::Ui {

/// The strip above the timeline: threads, coroutines alive / running / suspended / ready, streams,
/// stored spans, and every drop, so a capture that loses data says so.
class LiveCountsBar final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LiveCountsBar)

public:
    explicit LiveCountsBar(QWidget *parent = nullptr);

    void setCounts(const Model::LiveCounts &counts, bool live);
    const Model::LiveCounts &counts() const { return m_counts; }
    /// The strip's text, as read by a screen reader (and tests).
    QString text() const;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    Model::LiveCounts m_counts;
    bool m_live = true;
};

} // namespace Taskscope::Ui
