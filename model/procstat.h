#pragma once

#include <QByteArray>
#include <QList>

namespace Taskscope::Model {

/// Reads /proc/PID/stat, whose second field (the command name) may hold spaces and parentheses.
struct ProcStat
{
    /// The space-separated fields after the command name: index 0 is field 3 (state), index 11 and
    /// 12 are utime and stime, index 19 is starttime. pid 0 reads this process. Empty if unreadable.
    static QList<QByteArray> fieldsAfterCommand(qint64 pid);
};

} // namespace Taskscope::Model
