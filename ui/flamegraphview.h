#pragma once

#include "model/flamegraph.h"

#include <QWidget>

namespace Taskscope::Ui {

/// Draws a FlameGraph as an icicle: all samples across the top, each row one frame deeper, a
/// frame's width its share of the samples. The program's own code is drawn in warm colours and
/// library frames in grey, so the user's functions stand out; hovering a frame tells its full name,
/// samples and share.
class FlameGraphView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FlameGraphView)

public:
    static constexpr int RowHeight = 18;

    explicit FlameGraphView(QWidget *parent = nullptr);

    void setGraph(const Model::FlameGraph &graph, const QString &note = {});
    const Model::FlameGraph &graph() const { return m_graph; }
    /// The node drawn under `pos`, -1 if none.
    int nodeAt(QPoint pos) const;
    /// What hovering node `index` tells.
    QString nodeText(int index) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:
    QRectF nodeRect(int index) const;

    Model::FlameGraph m_graph;
    QString m_note;
};

} // namespace Taskscope::Ui
