#include "model/procstat.h"

#include <QFile>

namespace Taskscope::Model {

QList<QByteArray> ProcStat::fieldsAfterCommand(qint64 pid)
{
    QFile stat(pid == 0 ? QStringLiteral("/proc/self/stat") : QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return {};
    const QByteArray text = stat.readAll();
    // The command name ends at the last ')'; a name may itself contain ')'.
    const qsizetype close = text.lastIndexOf(')');
    if (close < 0)
        return {};
    return text.mid(close + 2).split(' ');
}

} // namespace Taskscope::Model
