#pragma once

#include "model/workloadspec.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

namespace Taskscope::Model {

/// One row of the task list: a running or finished workload task, as the app reports it.
struct TaskRow
{
    enum class Status { Starting, Running, Stopping, Finished, Stopped, Failed };

    quint64 id = 0;
    QString label;
    WorkloadKind kind = WorkloadKind::LiveTranscription;
    ExecutionModel model = ExecutionModel::Coroutine;
    Status status = Status::Starting;
    qint64 startedNs = 0; ///< TraceClock nanoseconds
    qint64 endedNs = -1; ///< -1 while the task runs
    double progress = -1; ///< 0..1, or -1 when the task cannot tell
    int errors = 0;
    QString lastError;
    QString figures; ///< a one-line summary of its statistics (kept once it has ended)

    bool isActive() const
    {
        return status == Status::Starting || status == Status::Running || status == Status::Stopping;
    }
    static QString toString(Status status);
};

/// The task list the stream panel shows: one row per task, filled by the app's controllers.
///
/// Bounded: past maxRows() the oldest finished tasks are removed (counted in removedRows()), so a
/// long session of short tasks cannot grow memory forever. Elapsed times advance through tick().
class TaskListModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TaskListModel)

public:
    enum Column {
        IdColumn,
        TaskColumn,
        ModelColumn,
        StatusColumn,
        ElapsedColumn,
        ProgressColumn,
        ErrorsColumn,
        ColumnCount
    };
    enum Role {
        TaskIdRole = Qt::UserRole + 1, ///< quint64
        StatusRole, ///< int(TaskRow::Status)
        ActiveRole, ///< bool: starting, running or stopping
        ProgressRole, ///< double 0..1, or -1
        ElapsedNsRole, ///< qint64
        LastErrorRole, ///< QString
        SortRole, ///< a value that sorts the column naturally
        FiguresRole, ///< QString: TaskRow::figures
    };

    explicit TaskListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// Adds a task (or replaces the row of the same id).
    void addTask(const TaskRow &task);
    bool setStatus(quint64 id, TaskRow::Status status, qint64 nowNs);
    bool setProgress(quint64 id, double progress);
    bool addError(quint64 id, const QString &message);
    /// Sets the task's summary of figures (shown in its tooltip).
    bool setFigures(quint64 id, const QString &figures);
    /// Advances the elapsed time of active tasks to `nowNs`.
    void tick(qint64 nowNs);
    /// Removes every task that is no longer active.
    void removeInactive();

    const TaskRow *task(quint64 id) const;
    quint64 taskIdAt(int row) const;
    QList<quint64> activeTaskIds() const;
    int activeCount() const;

    void setMaxRows(int maxRows);
    int maxRows() const { return m_maxRows; }
    quint64 removedRows() const { return m_removedRows; }

private:
    void rebuildIndex();
    void enforceCap();
    void emitRowChanged(int row);
    qint64 elapsedNs(const TaskRow &task) const;

    QList<TaskRow> m_rows;
    QHash<quint64, int> m_rowOf;
    qint64 m_nowNs = 0;
    int m_maxRows = 10'000;
    quint64 m_removedRows = 0;
};

} // namespace Taskscope::Model
