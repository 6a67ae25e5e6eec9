#include "model/alertlistmodel.h"

#include "model/trace/traceclock.h"

#include <QDateTime>
#include <QEvent>
#include <QMetaEnum>

using Taskscope::Trace::TraceClock;

namespace Taskscope::Model {

namespace {

QString eventTypeName(int type)
{
    const QMetaEnum metaEnum = QMetaEnum::fromType<QEvent::Type>();
    if (const char *key = metaEnum.valueToKey(type))
        return QString::fromLatin1(key);
    return QString::number(type);
}

QString dispatchText(const AlertDispatch &dispatch)
{
    if (dispatch.receiverClass.isEmpty())
        return QStringLiteral("(no dispatch)");
    QString text = dispatch.receiverClass;
    if (!dispatch.objectName.isEmpty())
        text += QStringLiteral(" '") + dispatch.objectName + u'\'';
    text += u' ' + (dispatch.eventName.isEmpty() ? eventTypeName(dispatch.eventType) : dispatch.eventName);
    text += QStringLiteral(" (depth %1)").arg(dispatch.depth);
    return text;
}

} // namespace

AlertListModel::AlertListModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    m_refreshTimer.setInterval(250);
    connect(&m_refreshTimer, &QTimer::timeout, this, &AlertListModel::refreshLiveDurations);
}

int AlertListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int AlertListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

qint64 AlertListModel::liveDurationNs(const AlertRecord &record) const
{
    if (!record.isOngoing() || record.previousSession)
        return record.durationNs;
    return qMax(record.durationNs, TraceClock::nowNs() - record.startNs - record.excludedNs);
}

QVariant AlertListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const AlertRecord &r = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn: {
            QString text = QDateTime::fromMSecsSinceEpoch(r.startWallMs).toString(QStringLiteral("HH:mm:ss.zzz"));
            if (r.previousSession)
                text += QStringLiteral(" (earlier run)");
            return text;
        }
        case DurationColumn: {
            QString text = AlertRecord::formatDuration(liveDurationNs(r));
            if (r.isOngoing())
                text += QStringLiteral(" …");
            else if (r.end == AlertEnd::KilledWhileHung)
                text = QStringLiteral("≥ ") + text + QStringLiteral(" (killed)");
            return text;
        }
        case VerdictColumn:
            return AlertRecord::verdictName(r.verdict);
        case TierColumn:
            return r.verdict == AlertVerdict::NestedModalLoop ? QStringLiteral("not a hang")
                                                              : AlertRecord::tierName(r.tier);
        case CulpritColumn:
            return r.culprit;
        default:
            return {};
        }
    case Qt::ToolTipRole:
        if (index.column() == CulpritColumn || index.column() == VerdictColumn) {
            QString tip = dispatchText(r.dispatch);
            if (!r.uiThread.summary.isEmpty())
                tip += QStringLiteral("\nUI thread: ") + r.uiThread.summary;
            if (!r.topFrames.isEmpty())
                tip += QStringLiteral("\nTop frame: ") + r.topFrames.first().toString();
            return tip;
        }
        return {};
    case AlertIdRole:
        return r.id;
    case SessionRole:
        return r.session;
    case PreviousSessionRole:
        return r.previousSession;
    case StartNsRole:
        return r.startNs;
    case StartWallMsRole:
        return r.startWallMs;
    case DurationNsRole:
        return liveDurationNs(r);
    case VerdictRole:
        return int(r.verdict);
    case TierRole:
        return int(r.tier);
    case EndRole:
        return int(r.end);
    case OngoingRole:
        return r.isOngoing();
    case CulpritRole:
        return r.culprit;
    case DispatchRole:
        return dispatchText(r.dispatch);
    case StackRole: {
        QStringList frames;
        for (const AlertStackFrame &frame : r.stack)
            frames.append(frame.toString());
        return frames;
    }
    case TopFramesRole: {
        QStringList frames;
        for (const AlertStackFrame &frame : r.topFrames)
            frames.append(QStringLiteral("%1/%2  ").arg(frame.count).arg(r.sampleCount) + frame.toString());
        return frames;
    }
    case ThreadStateRole:
        return r.uiThread.summary;
    case WorkersRole: {
        QStringList lines;
        for (const AlertWorkerActivity &worker : r.workers) {
            QString line = worker.lane + QStringLiteral(": ") + worker.state;
            if (!worker.coroutine.isEmpty())
                line += QStringLiteral(", coroutine ") + worker.coroutine;
            if (!worker.spans.isEmpty())
                line += QStringLiteral(", in ") + worker.spans.join(QStringLiteral(" > "));
            lines.append(line);
        }
        return lines;
    }
    case NotesRole:
        return r.notes;
    case RecordRole:
        return QVariant::fromValue(r);
    case JsonRole:
        return r.toJson();
    default:
        return {};
    }
}

QVariant AlertListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn:
        return QStringLiteral("Time");
    case DurationColumn:
        return QStringLiteral("Duration");
    case VerdictColumn:
        return QStringLiteral("Verdict");
    case TierColumn:
        return QStringLiteral("Tier");
    case CulpritColumn:
        return QStringLiteral("Culprit");
    default:
        return {};
    }
}

QHash<int, QByteArray> AlertListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(AlertIdRole, "alertId");
    names.insert(SessionRole, "session");
    names.insert(PreviousSessionRole, "previousSession");
    names.insert(StartNsRole, "startNs");
    names.insert(StartWallMsRole, "startWallMs");
    names.insert(DurationNsRole, "durationNs");
    names.insert(VerdictRole, "verdict");
    names.insert(TierRole, "tier");
    names.insert(EndRole, "end");
    names.insert(OngoingRole, "ongoing");
    names.insert(CulpritRole, "culprit");
    names.insert(DispatchRole, "dispatch");
    names.insert(StackRole, "stack");
    names.insert(TopFramesRole, "topFrames");
    names.insert(ThreadStateRole, "threadState");
    names.insert(WorkersRole, "workers");
    names.insert(NotesRole, "notes");
    names.insert(RecordRole, "record");
    names.insert(JsonRole, "json");
    return names;
}

int AlertListModel::rowOf(const QString &session, quint32 id) const
{
    // Newest rows are looked up most: search from the end.
    for (qsizetype row = m_rows.size() - 1; row >= 0; --row) {
        if (m_rows[row].id == id && m_rows[row].session == session)
            return int(row);
    }
    return -1;
}

void AlertListModel::upsert(const AlertRecord &record)
{
    const int row = rowOf(record.session, record.id);
    if (row >= 0) {
        m_rows[row] = record;
        emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
    } else {
        if (m_maxRows > 0 && m_rows.size() >= m_maxRows) {
            const int excess = int(m_rows.size()) - m_maxRows + 1;
            beginRemoveRows({}, 0, excess - 1);
            m_rows.remove(0, excess);
            m_droppedRows += quint64(excess);
            endRemoveRows();
        }
        beginInsertRows({}, int(m_rows.size()), int(m_rows.size()));
        m_rows.append(record);
        endInsertRows();
    }
    updateTimer();
}

void AlertListModel::clear()
{
    if (m_rows.isEmpty())
        return;
    beginResetModel();
    m_rows.clear();
    endResetModel();
    updateTimer();
}

int AlertListModel::removeEndedBefore(qint64 ns)
{
    int removed = 0;
    for (qsizetype row = m_rows.size(); row-- > 0;) {
        const AlertRecord &r = m_rows[row];
        if (r.previousSession || r.isOngoing() || r.startNs + r.durationNs >= ns)
            continue;
        beginRemoveRows({}, int(row), int(row));
        m_rows.removeAt(row);
        endRemoveRows();
        ++removed;
    }
    m_evictedRows += quint64(removed);
    if (removed)
        updateTimer();
    return removed;
}

void AlertListModel::setMaxRows(int maxRows)
{
    m_maxRows = qMax(1, maxRows);
    if (m_rows.size() > m_maxRows) {
        const int excess = int(m_rows.size()) - m_maxRows;
        beginRemoveRows({}, 0, excess - 1);
        m_rows.remove(0, excess);
        m_droppedRows += quint64(excess);
        endRemoveRows();
    }
}

void AlertListModel::setRefreshIntervalMs(int ms)
{
    m_refreshTimer.setInterval(qMax(0, ms));
    updateTimer();
}

void AlertListModel::refreshLiveDurations()
{
    for (qsizetype row = 0; row < m_rows.size(); ++row) {
        if (m_rows[row].isOngoing() && !m_rows[row].previousSession) {
            const QModelIndex cell = index(int(row), DurationColumn);
            emit dataChanged(cell, cell, {Qt::DisplayRole, DurationNsRole});
        }
    }
    updateTimer();
}

void AlertListModel::updateTimer()
{
    bool anyOngoing = false;
    for (const AlertRecord &record : std::as_const(m_rows)) {
        if (record.isOngoing() && !record.previousSession) {
            anyOngoing = true;
            break;
        }
    }
    const bool run = anyOngoing && m_refreshTimer.interval() > 0;
    if (run && !m_refreshTimer.isActive())
        m_refreshTimer.start();
    else if (!run && m_refreshTimer.isActive())
        m_refreshTimer.stop();
}

} // namespace Taskscope::Model
