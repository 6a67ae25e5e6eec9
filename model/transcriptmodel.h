#pragma once

#include <QAbstractListModel>
#include <QHash>
#include <QList>

namespace Taskscope::Model {

/// What one stream has produced so far: final transcript text, the current interim hypothesis
/// (replaced by each new interim, cleared by a final), and token text for chat streams.
struct TranscriptEntry
{
    quint64 streamId = 0;
    QString label;
    QString finalText; ///< finals, joined by spaces
    QString interimText; ///< the latest interim hypothesis, not yet final
    QString tokenText; ///< chat tokens, appended as they arrive
    int finals = 0;
    int interims = 0;
    quint64 tokens = 0;
    quint64 droppedChars = 0; ///< text dropped from the front by the per-stream cap
};

/// Per-stream transcript and token text, one row per stream, filled by the app.
///
/// Bounded: each stream keeps at most maxCharsPerStream() characters per text (the oldest text is
/// dropped and counted), and at most maxStreams() rows (the oldest row goes).
class TranscriptModel final : public QAbstractListModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TranscriptModel)

public:
    enum Role {
        StreamIdRole = Qt::UserRole + 1, ///< quint64
        LabelRole,
        FinalTextRole,
        InterimTextRole,
        TokenTextRole,
        FinalCountRole,
        TokenCountRole,
    };

    explicit TranscriptModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// Adds a stream row (or renames it). Returns its row.
    int addStream(quint64 streamId, const QString &label);
    void removeStream(quint64 streamId);
    void clear();
    /// Replaces the stream's interim hypothesis.
    void setInterim(quint64 streamId, const QString &text);
    /// Appends a final result and clears the interim hypothesis.
    void addFinal(quint64 streamId, const QString &text);
    /// Appends chat token text as it arrives.
    void appendTokens(quint64 streamId, const QString &text, int tokenCount = 1);

    const TranscriptEntry *entry(quint64 streamId) const;
    int rowOf(quint64 streamId) const;

    void setMaxCharsPerStream(int chars) { m_maxChars = std::max(chars, 64); }
    int maxCharsPerStream() const { return m_maxChars; }
    void setMaxStreams(int streams) { m_maxStreams = std::max(streams, 1); }
    int maxStreams() const { return m_maxStreams; }

Q_SIGNALS:
    /// Text of a stream changed (interim, final or tokens); lets a view refresh one stream cheaply.
    void textChanged(quint64 streamId);

private:
    TranscriptEntry &ensure(quint64 streamId);
    void trim(QString &text, TranscriptEntry &entry);
    void changed(quint64 streamId, const QList<int> &roles);
    void rebuildIndex();

    QList<TranscriptEntry> m_entries;
    QHash<quint64, int> m_rowOf;
    int m_maxChars = 64 * 1024;
    int m_maxStreams = 4096;
};

} // namespace Taskscope::Model
