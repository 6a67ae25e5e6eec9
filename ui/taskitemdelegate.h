#pragma once

#include <QStyledItemDelegate>

namespace Taskscope::Ui {

/// Paints the task list: a thin progress bar in the progress column and status words in colour.
class TaskItemDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TaskItemDelegate)

public:
    explicit TaskItemDelegate(QObject *parent = nullptr);
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace Taskscope::Ui
