#include "ui/taskitemdelegate.h"

#include "model/tasklistmodel.h"

#include <QPainter>

#include <algorithm>

using Taskscope::Model::TaskListModel;
using Taskscope::Model::TaskRow;

namespace Taskscope::Ui {

TaskItemDelegate::TaskItemDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{
}

void TaskItemDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    if (index.column() == TaskListModel::ProgressColumn) {
        const double progress = index.data(TaskListModel::ProgressRole).toDouble();
        QStyledItemDelegate::paint(painter, option, index);
        if (progress >= 0) {
            const QRect bar = option.rect.adjusted(4, option.rect.height() - 5, -4, -2);
            painter->fillRect(bar, option.palette.color(QPalette::Mid));
            QRect done = bar;
            done.setWidth(int(bar.width() * std::clamp(progress, 0.0, 1.0)));
            painter->fillRect(done, option.palette.color(QPalette::Highlight));
        }
        return;
    }
    if (index.column() == TaskListModel::StatusColumn) {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        const auto status = TaskRow::Status(index.data(TaskListModel::StatusRole).toInt());
        QColor color;
        switch (status) {
        case TaskRow::Status::Running:
            color = QColor(0x2f, 0x9e, 0x62);
            break;
        case TaskRow::Status::Failed:
            color = QColor(0xd9, 0x3b, 0x3b);
            break;
        case TaskRow::Status::Starting:
        case TaskRow::Status::Stopping:
            color = QColor(0xc8, 0x84, 0x1a);
            break;
        default:
            break;
        }
        if (color.isValid() && !(opt.state & QStyle::State_Selected))
            opt.palette.setColor(QPalette::Text, color);
        QStyledItemDelegate::paint(painter, opt, index);
        return;
    }
    QStyledItemDelegate::paint(painter, option, index);
}

} // namespace Taskscope::Ui
