#pragma once

#include "model/alertrecord.h"

#include <QList>
#include <QString>

namespace Taskscope::Watchdog {

/// A small append-only file of watchdog alerts (JSON Lines), written when an alert starts, when its
/// tier rises and when it ends, so a hang that ends in a kill is still on disk at the next launch.
///
/// Each line carries the writing process's session id, pid and start time. An alert of another
/// session whose last line is not "end", and whose process no longer runs, was killed while hung.
/// Bounded: past maxBytes the file is rewritten with the final state of the newest alerts only.
/// Not thread-safe: one writer thread (the watchdog's evidence thread).
class AlertJournal final
{
public:
    enum class Op { Start, Update, End };

    AlertJournal(const QString &path, const QString &session, qint64 maxBytes = 512 * 1024);
    ~AlertJournal();
    Q_DISABLE_COPY_MOVE(AlertJournal)

    /// The default journal: <AppLocalDataLocation>/watchdog-journal.jsonl.
    static QString defaultPath();

    /// Creates the folder and file, compacts an oversized file. False with a message on failure.
    bool open(QString *error = nullptr);
    bool isOpen() const { return m_fd >= 0; }
    QString path() const { return m_path; }

    /// One line per call, written with a single write() (atomic with O_APPEND on local files).
    bool append(Op op, const Model::AlertRecord &record);

    /// Alerts written by other sessions, oldest first, each with its last known state; unfinished
    /// alerts of processes that are gone come back as AlertEnd::KilledWhileHung (and are marked so
    /// in the file, once). Unreadable lines are skipped and counted.
    QList<Model::AlertRecord> loadPreviousSessions();

    quint64 skippedLines() const { return m_skippedLines; }
    quint64 failedWrites() const { return m_failedWrites; }
    quint64 compactions() const { return m_compactions; }

    /// This process's start time in clock ticks since boot (/proc/self/stat field 22).
    static quint64 processStartTime(qint64 pid);

private:
    struct Line;
    QList<Line> readLines();
    bool compact(qint64 targetBytes);
    QByteArray encode(Op op, const Model::AlertRecord &record) const;

    QString m_path;
    QString m_session;
    qint64 m_maxBytes;
    qint64 m_pid;
    quint64 m_processStart;
    int m_fd = -1;
    quint64 m_skippedLines = 0;
    quint64 m_failedWrites = 0;
    quint64 m_compactions = 0;
};

} // namespace Taskscope::Watchdog
