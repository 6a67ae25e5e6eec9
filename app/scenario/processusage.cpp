#include "app/scenario/processusage.h"

#include "model/procstat.h"

#include <QByteArray>
#include <QFile>
#include <QList>

#include <algorithm>

#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

using Taskscope::Model::ProcStat;

namespace Taskscope::Scenarios {

namespace {

qint64 toNs(const timeval &tv)
{
    return qint64(tv.tv_sec) * 1'000'000'000 + qint64(tv.tv_usec) * 1000;
}

// A "Name:   123 kB" line of /proc/self/status, in bytes.
qint64 statusKiB(const QByteArray &status, const char *name)
{
    const QByteArray key = QByteArray(name) + ':';
    const qsizetype at = status.indexOf(key);
    if (at < 0)
        return 0;
    const qsizetype end = status.indexOf('\n', at);
    const QByteArray value = status.mid(at + key.size(), end < 0 ? -1 : end - at - key.size()).trimmed();
    return value.split(' ').value(0).toLongLong() * 1024;
}

} // namespace

ProcessUsage ProcessUsage::now()
{
    ProcessUsage u;
    rusage ru {};
    if (getrusage(RUSAGE_SELF, &ru) == 0) {
        u.userNs = toNs(ru.ru_utime);
        u.systemNs = toNs(ru.ru_stime);
        u.peakRssBytes = qint64(ru.ru_maxrss) * 1024;
    }
    QFile status(QStringLiteral("/proc/self/status"));
    if (status.open(QIODevice::ReadOnly)) {
        const QByteArray text = status.readAll();
        u.rssBytes = statusKiB(text, "VmRSS");
        if (const qint64 hwm = statusKiB(text, "VmHWM"); hwm > 0)
            u.peakRssBytes = hwm;
    }
    return u;
}

qint64 ProcessUsage::residentBytes()
{
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = statm.readAll().split(' ');
    return fields.value(1).toLongLong() * sysconf(_SC_PAGESIZE);
}

qint64 ProcessUsage::anonymousResidentBytes()
{
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = statm.readAll().split(' ');
    return std::max<qint64>(0, fields.value(1).toLongLong() - fields.value(2).toLongLong()) * sysconf(_SC_PAGESIZE);
}

bool ProcessUsage::resetPeak()
{
    QFile clear(QStringLiteral("/proc/self/clear_refs"));
    return clear.open(QIODevice::WriteOnly) && clear.write("5") == 1;
}

void ProcessUsage::trimHeap()
{
    malloc_trim(0);
}

qint64 ProcessUsage::cpuNsOfProcess(qint64 pid)
{
    if (pid <= 0)
        return -1;
    const QList<QByteArray> fields = ProcStat::fieldsAfterCommand(pid);
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    if (fields.size() < 13)
        return -1;
    const qint64 ticks = fields.at(11).toLongLong() + fields.at(12).toLongLong();
    return ticks * 1'000'000'000 / sysconf(_SC_CLK_TCK);
}

} // namespace Taskscope::Scenarios
