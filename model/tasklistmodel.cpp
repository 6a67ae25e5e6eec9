#include "model/tasklistmodel.h"

#include "model/timeformat.h"

#include <algorithm>

namespace Taskscope::Model {

QString TaskRow::toString(Status status)
{
    switch (status) {
    case Status::Starting:
        return QStringLiteral("starting");
    case Status::Running:
        return QStringLiteral("running");
    case Status::Stopping:
        return QStringLiteral("stopping");
    case Status::Finished:
        return QStringLiteral("finished");
    case Status::Stopped:
        return QStringLiteral("stopped");
    case Status::Failed:
        return QStringLiteral("failed");
    }
    return {};
}

TaskListModel::TaskListModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

int TaskListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TaskListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

qint64 TaskListModel::elapsedNs(const TaskRow &task) const
{
    const qint64 end = task.endedNs >= 0 ? task.endedNs : m_nowNs;
    return std::max<qint64>(0, end - task.startedNs);
}

QVariant TaskListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TaskRow &task = m_rows[index.row()];
    switch (role) {
    case TaskIdRole:
        return task.id;
    case StatusRole:
        return int(task.status);
    case ActiveRole:
        return task.isActive();
    case ProgressRole:
        return task.progress;
    case ElapsedNsRole:
        return elapsedNs(task);
    case LastErrorRole:
        return task.lastError;
    case FiguresRole:
        return task.figures;
    case Qt::ToolTipRole: {
        QStringList lines;
        if (index.column() == TaskColumn && !task.label.isEmpty())
            lines.append(task.label); // the column may cut it short
        if (!task.figures.isEmpty())
            lines.append(task.figures);
        if (!task.lastError.isEmpty())
            lines.append(QStringLiteral("%1 error(s); last: %2").arg(task.errors).arg(task.lastError));
        return lines.isEmpty() ? QVariant() : QVariant(lines.join(u'\n'));
    }
    case Qt::TextAlignmentRole:
        if (index.column() == IdColumn || index.column() == ElapsedColumn || index.column() == ProgressColumn
            || index.column() == ErrorsColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case SortRole:
        switch (index.column()) {
        case IdColumn:
            return task.id;
        case ElapsedColumn:
            return elapsedNs(task);
        case ProgressColumn:
            return task.progress;
        case ErrorsColumn:
            return task.errors;
        case StatusColumn:
            return int(task.status);
        default:
            break;
        }
        return data(index, Qt::DisplayRole);
    case Qt::DisplayRole:
        switch (index.column()) {
        case IdColumn:
            return task.id;
        case TaskColumn:
            return task.label.isEmpty() ? WorkloadSpec::toString(task.kind) : task.label;
        case ModelColumn:
            return WorkloadSpec::toString(task.model);
        case StatusColumn:
            return TaskRow::toString(task.status);
        case ElapsedColumn:
            return TimeFormat::duration(elapsedNs(task), 1);
        case ProgressColumn:
            return task.progress < 0 ? QString() : QStringLiteral("%1 %").arg(qRound(task.progress * 100));
        case ErrorsColumn:
            return task.errors;
        default:
            break;
        }
        break;
    default:
        break;
    }
    return {};
}

QVariant TaskListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case IdColumn:
        return QStringLiteral("#");
    case TaskColumn:
        return QStringLiteral("Task");
    case ModelColumn:
        return QStringLiteral("Model");
    case StatusColumn:
        return QStringLiteral("Status");
    case ElapsedColumn:
        return QStringLiteral("Elapsed");
    case ProgressColumn:
        return QStringLiteral("Done");
    case ErrorsColumn:
        return QStringLiteral("Errors");
    default:
        break;
    }
    return {};
}

void TaskListModel::addTask(const TaskRow &task)
{
    if (const auto it = m_rowOf.constFind(task.id); it != m_rowOf.cend()) {
        m_rows[*it] = task;
        emitRowChanged(*it);
        return;
    }
    const int row = int(m_rows.size());
    beginInsertRows({}, row, row);
    m_rows.append(task);
    m_rowOf.insert(task.id, row);
    endInsertRows();
    enforceCap();
}

bool TaskListModel::setStatus(quint64 id, TaskRow::Status status, qint64 nowNs)
{
    const auto it = m_rowOf.constFind(id);
    if (it == m_rowOf.cend())
        return false;
    TaskRow &task = m_rows[*it];
    task.status = status;
    if (!task.isActive() && task.endedNs < 0)
        task.endedNs = std::max(nowNs, task.startedNs);
    if (status == TaskRow::Status::Finished && task.progress >= 0)
        task.progress = 1.0;
    emitRowChanged(*it);
    return true;
}

bool TaskListModel::setProgress(quint64 id, double progress)
{
    const auto it = m_rowOf.constFind(id);
    if (it == m_rowOf.cend())
        return false;
    m_rows[*it].progress = progress < 0 ? -1.0 : std::min(progress, 1.0);
    const QModelIndex cell = index(*it, ProgressColumn);
    Q_EMIT dataChanged(cell, cell);
    return true;
}

bool TaskListModel::setFigures(quint64 id, const QString &figures)
{
    const auto it = m_rowOf.constFind(id);
    if (it == m_rowOf.cend())
        return false;
    if (m_rows[*it].figures == figures)
        return true;
    m_rows[*it].figures = figures;
    emitRowChanged(*it);
    return true;
}

bool TaskListModel::addError(quint64 id, const QString &message)
{
    const auto it = m_rowOf.constFind(id);
    if (it == m_rowOf.cend())
        return false;
    TaskRow &task = m_rows[*it];
    ++task.errors;
    task.lastError = message.left(500);
    emitRowChanged(*it);
    return true;
}

void TaskListModel::tick(qint64 nowNs)
{
    m_nowNs = nowNs;
    int first = -1, last = -1;
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows[row].endedNs < 0) {
            if (first < 0)
                first = row;
            last = row;
        }
    }
    if (first >= 0)
        Q_EMIT dataChanged(index(first, ElapsedColumn), index(last, ElapsedColumn));
}

void TaskListModel::removeInactive()
{
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        if (!m_rows[row].isActive()) {
            beginRemoveRows({}, row, row);
            m_rows.removeAt(row);
            endRemoveRows();
        }
    }
    rebuildIndex();
}

const TaskRow *TaskListModel::task(quint64 id) const
{
    const auto it = m_rowOf.constFind(id);
    return it == m_rowOf.cend() ? nullptr : &m_rows[*it];
}

quint64 TaskListModel::taskIdAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows[row].id : 0;
}

QList<quint64> TaskListModel::activeTaskIds() const
{
    QList<quint64> ids;
    for (const TaskRow &task : m_rows) {
        if (task.isActive())
            ids.append(task.id);
    }
    return ids;
}

int TaskListModel::activeCount() const
{
    return int(std::count_if(m_rows.cbegin(), m_rows.cend(), [](const TaskRow &t) { return t.isActive(); }));
}

void TaskListModel::setMaxRows(int maxRows)
{
    m_maxRows = std::max(maxRows, 1);
    enforceCap();
}

void TaskListModel::rebuildIndex()
{
    m_rowOf.clear();
    for (int row = 0; row < m_rows.size(); ++row)
        m_rowOf.insert(m_rows[row].id, row);
}

void TaskListModel::enforceCap()
{
    // Drop the oldest finished rows first; active tasks are never hidden.
    int excess = int(m_rows.size()) - m_maxRows;
    if (excess <= 0)
        return;
    for (int row = 0; row < m_rows.size() && excess > 0;) {
        if (m_rows[row].isActive()) {
            ++row;
            continue;
        }
        beginRemoveRows({}, row, row);
        m_rows.removeAt(row);
        endRemoveRows();
        ++m_removedRows;
        --excess;
    }
    rebuildIndex();
}

void TaskListModel::emitRowChanged(int row)
{
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

} // namespace Taskscope::Model
