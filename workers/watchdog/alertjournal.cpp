#include "workers/watchdog/alertjournal.h"

#include "model/procstat.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonDocument>
#include <QSaveFile>
#include <QStandardPaths>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using Taskscope::Model::AlertEnd;
using Taskscope::Model::AlertRecord;
using Taskscope::Model::ProcStat;

namespace Taskscope::Watchdog {

struct AlertJournal::Line
{
    QString session;
    qint64 pid = 0;
    quint64 processStart = 0;
    QString op;
    QJsonObject alert;
    QByteArray raw;
};

namespace {

constexpr int JournalVersion = 1;
// A line longer than this is not ours (or was cut by a crash); skip it.
constexpr qsizetype MaxLineBytes = 256 * 1024;

QString opName(AlertJournal::Op op)
{
    switch (op) {
    case AlertJournal::Op::Start:
        return QStringLiteral("start");
    case AlertJournal::Op::Update:
        return QStringLiteral("update");
    case AlertJournal::Op::End:
        return QStringLiteral("end");
    }
    return {};
}

} // namespace

AlertJournal::AlertJournal(const QString &path, const QString &session, qint64 maxBytes)
    : m_path(path)
    , m_session(session)
    , m_maxBytes(qMax<qint64>(16 * 1024, maxBytes))
    , m_pid(qint64(getpid()))
    , m_processStart(processStartTime(qint64(getpid())))
{
}

AlertJournal::~AlertJournal()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

QString AlertJournal::defaultPath()
{
    QString folder = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
    if (folder.isEmpty())
        folder = QDir::tempPath();
    return folder + QStringLiteral("/watchdog-journal.jsonl");
}

quint64 AlertJournal::processStartTime(qint64 pid)
{
    if (pid <= 0)
        return 0;
    // starttime is field 22.
    const QList<QByteArray> fields = ProcStat::fieldsAfterCommand(pid);
    return fields.size() > 19 ? fields.at(19).toULongLong() : 0;
}

bool AlertJournal::open(QString *error)
{
    if (m_fd >= 0)
        return true;
    const QFileInfo info(m_path);
    if (!QDir().mkpath(info.absolutePath())) {
        if (error)
            *error = QStringLiteral("cannot create the journal folder %1").arg(info.absolutePath());
        return false;
    }
    if (info.exists() && info.size() > m_maxBytes)
        compact(m_maxBytes / 2);
    m_fd = ::open(QFile::encodeName(m_path).constData(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (m_fd < 0) {
        if (error)
            *error = QStringLiteral("cannot open the journal %1: %2")
                         .arg(m_path, QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    return true;
}

QByteArray AlertJournal::encode(Op op, const AlertRecord &record) const
{
    const QJsonObject line {
        {QStringLiteral("v"), JournalVersion},
        {QStringLiteral("op"), opName(op)},
        {QStringLiteral("session"), m_session},
        {QStringLiteral("pid"), m_pid},
        {QStringLiteral("procStart"), QString::number(m_processStart)},
        {QStringLiteral("alert"), record.toJson()},
    };
    return QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n';
}

bool AlertJournal::append(Op op, const AlertRecord &record)
{
    if (m_fd < 0 && !open()) {
        ++m_failedWrites;
        return false;
    }
    const QByteArray line = encode(op, record);
    const ssize_t written = ::write(m_fd, line.constData(), std::size_t(line.size()));
    if (written != ssize_t(line.size())) {
        ++m_failedWrites;
        return false;
    }
    struct stat st;
    if (::fstat(m_fd, &st) == 0 && st.st_size > m_maxBytes) {
        ::close(m_fd);
        m_fd = -1;
        compact(m_maxBytes / 2);
        open();
    }
    return true;
}

QList<AlertJournal::Line> AlertJournal::readLines()
{
    QList<Line> lines;
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly))
        return lines;
    while (!file.atEnd()) {
        QByteArray raw = file.readLine(MaxLineBytes);
        if (!raw.endsWith('\n')) {
            // Cut by a kill mid-write, or too long: not a complete record.
            if (!raw.isEmpty())
                ++m_skippedLines;
            if (raw.size() >= MaxLineBytes - 1) {
                while (!file.atEnd() && !file.readLine(MaxLineBytes).endsWith('\n')) { }
            }
            continue;
        }
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(raw, &parseError);
        const QJsonObject object = document.object();
        if (parseError.error != QJsonParseError::NoError || object.value(u"v").toInt() != JournalVersion
            || !object.value(u"alert").isObject()) {
            ++m_skippedLines;
            continue;
        }
        Line line;
        line.session = object.value(u"session").toString();
        line.pid = object.value(u"pid").toInteger();
        line.processStart = object.value(u"procStart").toString().toULongLong();
        line.op = object.value(u"op").toString();
        line.alert = object.value(u"alert").toObject();
        line.raw = raw;
        lines.append(line);
    }
    return lines;
}

bool AlertJournal::compact(qint64 targetBytes)
{
    const QList<Line> lines = readLines();
    // Last line per alert, in order of first appearance.
    QList<QString> order;
    QHash<QString, Line> last;
    for (const Line &line : lines) {
        const QString key = line.session + u'/' + QString::number(line.alert.value(u"id").toInteger());
        if (!last.contains(key))
            order.append(key);
        last.insert(key, line);
    }
    qint64 total = 0;
    qsizetype first = order.size();
    while (first > 0) {
        const qint64 size = last.value(order.at(first - 1)).raw.size();
        if (total + size > targetBytes)
            break;
        total += size;
        --first;
    }
    QSaveFile out(m_path);
    if (!out.open(QIODevice::WriteOnly))
        return false;
    for (qsizetype i = first; i < order.size(); ++i)
        out.write(last.value(order.at(i)).raw);
    ++m_compactions;
    return out.commit();
}

QList<AlertRecord> AlertJournal::loadPreviousSessions()
{
    const QList<Line> lines = readLines();
    QList<QString> order;
    QHash<QString, Line> last;
    for (const Line &line : lines) {
        if (line.session == m_session)
            continue;
        const QString key = line.session + u'/' + QString::number(line.alert.value(u"id").toInteger());
        if (!last.contains(key))
            order.append(key);
        last.insert(key, line);
    }
    QHash<qint64, bool> aliveCache;
    QList<AlertRecord> records;
    for (const QString &key : std::as_const(order)) {
        const Line line = last.value(key);
        AlertRecord record;
        if (!AlertRecord::fromJson(line.alert, &record)) {
            ++m_skippedLines;
            continue;
        }
        record.previousSession = true;
        if (line.op != u"end") {
            bool alive = false;
            if (auto it = aliveCache.constFind(line.pid); it != aliveCache.constEnd()) {
                alive = *it;
            } else {
                alive = line.processStart != 0 && processStartTime(line.pid) == line.processStart;
                aliveCache.insert(line.pid, alive);
            }
            if (alive)
                continue; // another running instance's ongoing alert
            record.end = AlertEnd::KilledWhileHung;
            record.notes.append(QStringLiteral("the process ended while this alert was ongoing (killed or crashed); "
                                               "it lasted at least %1")
                                    .arg(AlertRecord::formatDuration(record.durationNs)));
            // Record the verdict once, so later launches read it as ended.
            if (m_fd >= 0 || open()) {
                AlertRecord closed = record;
                closed.previousSession = false;
                const QJsonObject endLine {
                    {QStringLiteral("v"), JournalVersion},
                    {QStringLiteral("op"), QStringLiteral("end")},
                    {QStringLiteral("session"), line.session},
                    {QStringLiteral("pid"), line.pid},
                    {QStringLiteral("procStart"), QString::number(line.processStart)},
                    {QStringLiteral("alert"), closed.toJson()},
                };
                const QByteArray raw = QJsonDocument(endLine).toJson(QJsonDocument::Compact) + '\n';
                if (::write(m_fd, raw.constData(), std::size_t(raw.size())) != ssize_t(raw.size()))
                    ++m_failedWrites;
            }
        }
        records.append(record);
    }
    std::stable_sort(records.begin(), records.end(),
                     [](const AlertRecord &a, const AlertRecord &b) { return a.startWallMs < b.startWallMs; });
    return records;
}

} // namespace Taskscope::Watchdog
