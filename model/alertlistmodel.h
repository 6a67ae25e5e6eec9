#pragma once

#include "model/alertrecord.h"

#include <QAbstractTableModel>
#include <QList>
#include <QTimer>

namespace Taskscope::Model {

/// The alert inspector's list: one row per watchdog alert, newest last.
///
/// Rows are keyed by (session, id), so alerts of earlier sessions loaded from the journal sit beside
/// the live ones. Ongoing alerts show a live duration: a timer refreshes the Duration column while
/// any row is ongoing. Bounded: past maxRows the oldest rows go and are counted.
class AlertListModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertListModel)

public:
    enum Column { TimeColumn, DurationColumn, VerdictColumn, TierColumn, CulpritColumn, ColumnCount };

    enum Role {
        AlertIdRole = Qt::UserRole + 1, ///< quint32
        SessionRole, ///< QString
        PreviousSessionRole, ///< bool: from the journal of an earlier run
        StartNsRole, ///< qint64 TraceClock ns
        StartWallMsRole, ///< qint64 ms since the epoch
        DurationNsRole, ///< qint64, live while ongoing
        VerdictRole, ///< int (AlertVerdict)
        TierRole, ///< int (AlertTier)
        EndRole, ///< int (AlertEnd)
        OngoingRole, ///< bool
        CulpritRole, ///< QString
        DispatchRole, ///< QString: "Receiver 'name' MetaCall (depth 1)"
        StackRole, ///< QStringList: representative stack, leaf first
        TopFramesRole, ///< QStringList: "12/20  function (file:line)"
        ThreadStateRole, ///< QString: the UI thread's state summary
        WorkersRole, ///< QStringList: one line per worker thread
        NotesRole, ///< QStringList
        RecordRole, ///< QVariant<AlertRecord>
        JsonRole, ///< QJsonObject: AlertRecord::toJson()
    };

    explicit AlertListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// Inserts the alert or updates its row (same session and id).
    void upsert(const AlertRecord &record);
    void clear();
    /// Removes this session's ended alerts that ended before `ns` (their trace was let go); alerts
    /// of earlier sessions and ongoing ones stay. Counted in evictedRows(). Returns how many went.
    int removeEndedBefore(qint64 ns);
    quint64 evictedRows() const { return m_evictedRows; }
    /// The row of an alert, or -1.
    int rowOf(const QString &session, quint32 id) const;
    const AlertRecord &alertAt(int row) const { return m_rows.at(row); }
    QList<AlertRecord> alerts() const { return m_rows; }

    void setMaxRows(int maxRows);
    int maxRows() const { return m_maxRows; }
    /// Rows removed because the cap was reached.
    quint64 droppedRows() const { return m_droppedRows; }

    /// Period of the live-duration refresh (default 250 ms; 0 turns it off).
    void setRefreshIntervalMs(int ms);
    /// Recomputes live durations of ongoing rows now (the timer calls this).
    void refreshLiveDurations();

private:
    qint64 liveDurationNs(const AlertRecord &record) const;
    void updateTimer();

    QList<AlertRecord> m_rows;
    int m_maxRows = 1000;
    quint64 m_droppedRows = 0;
    quint64 m_evictedRows = 0;
    QTimer m_refreshTimer;
};

} // namespace Taskscope::Model
