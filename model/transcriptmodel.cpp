#include "model/transcriptmodel.h"

namespace Taskscope::Model {

TranscriptModel::TranscriptModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

int TranscriptModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

QVariant TranscriptModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TranscriptEntry &e = m_entries[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        return e.label.isEmpty() ? QStringLiteral("stream %1").arg(e.streamId) : e.label;
    case Qt::ToolTipRole:
        return QStringLiteral("%1 finals, %2 interims, %3 tokens").arg(e.finals).arg(e.interims).arg(e.tokens);
    case StreamIdRole:
        return e.streamId;
    case LabelRole:
        return e.label;
    case FinalTextRole:
        return e.finalText;
    case InterimTextRole:
        return e.interimText;
    case TokenTextRole:
        return e.tokenText;
    case FinalCountRole:
        return e.finals;
    case TokenCountRole:
        return e.tokens;
    default:
        break;
    }
    return {};
}

QHash<int, QByteArray> TranscriptModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(StreamIdRole, "streamId");
    names.insert(LabelRole, "label");
    names.insert(FinalTextRole, "finalText");
    names.insert(InterimTextRole, "interimText");
    names.insert(TokenTextRole, "tokenText");
    names.insert(FinalCountRole, "finalCount");
    names.insert(TokenCountRole, "tokenCount");
    return names;
}

int TranscriptModel::addStream(quint64 streamId, const QString &label)
{
    if (const auto it = m_rowOf.constFind(streamId); it != m_rowOf.cend()) {
        m_entries[*it].label = label;
        changed(streamId, {Qt::DisplayRole, LabelRole});
        return *it;
    }
    if (m_entries.size() >= m_maxStreams) {
        beginRemoveRows({}, 0, 0);
        m_entries.removeFirst();
        endRemoveRows();
        rebuildIndex();
    }
    const int row = int(m_entries.size());
    beginInsertRows({}, row, row);
    TranscriptEntry entry;
    entry.streamId = streamId;
    entry.label = label;
    m_entries.append(entry);
    m_rowOf.insert(streamId, row);
    endInsertRows();
    return row;
}

void TranscriptModel::removeStream(quint64 streamId)
{
    const int row = rowOf(streamId);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_entries.removeAt(row);
    endRemoveRows();
    rebuildIndex();
}

void TranscriptModel::clear()
{
    beginResetModel();
    m_entries.clear();
    m_rowOf.clear();
    endResetModel();
}

void TranscriptModel::setInterim(quint64 streamId, const QString &text)
{
    TranscriptEntry &e = ensure(streamId);
    e.interimText = text.left(m_maxChars);
    ++e.interims;
    changed(streamId, {InterimTextRole});
}

void TranscriptModel::addFinal(quint64 streamId, const QString &text)
{
    TranscriptEntry &e = ensure(streamId);
    const QString trimmed = text.trimmed();
    if (!trimmed.isEmpty()) {
        if (!e.finalText.isEmpty())
            e.finalText.append(QLatin1Char(' '));
        e.finalText.append(trimmed);
        trim(e.finalText, e);
    }
    e.interimText.clear();
    ++e.finals;
    changed(streamId, {FinalTextRole, InterimTextRole, FinalCountRole});
}

void TranscriptModel::appendTokens(quint64 streamId, const QString &text, int tokenCount)
{
    TranscriptEntry &e = ensure(streamId);
    e.tokenText.append(text);
    e.tokens += quint64(std::max(tokenCount, 0));
    trim(e.tokenText, e);
    changed(streamId, {TokenTextRole, TokenCountRole});
}

const TranscriptEntry *TranscriptModel::entry(quint64 streamId) const
{
    const int row = rowOf(streamId);
    return row < 0 ? nullptr : &m_entries[row];
}

int TranscriptModel::rowOf(quint64 streamId) const
{
    return m_rowOf.value(streamId, -1);
}

TranscriptEntry &TranscriptModel::ensure(quint64 streamId)
{
    int row = rowOf(streamId);
    if (row < 0)
        row = addStream(streamId, QString());
    return m_entries[row];
}

void TranscriptModel::trim(QString &text, TranscriptEntry &entry)
{
    if (text.size() <= m_maxChars)
        return;
    // Drop whole words from the front, keeping a margin so trimming is not paid on every append.
    qsizetype cut = text.size() - m_maxChars + m_maxChars / 8;
    const qsizetype space = text.indexOf(QLatin1Char(' '), cut);
    if (space > 0 && space - cut < 64)
        cut = space + 1;
    entry.droppedChars += quint64(cut);
    text.remove(0, cut);
}

void TranscriptModel::changed(quint64 streamId, const QList<int> &roles)
{
    const int row = rowOf(streamId);
    if (row < 0)
        return;
    const QModelIndex cell = index(row);
    Q_EMIT dataChanged(cell, cell, roles);
    Q_EMIT textChanged(streamId);
}

void TranscriptModel::rebuildIndex()
{
    m_rowOf.clear();
    for (int row = 0; row < m_entries.size(); ++row)
        m_rowOf.insert(m_entries[row].streamId, row);
}

} // namespace Taskscope::Model
