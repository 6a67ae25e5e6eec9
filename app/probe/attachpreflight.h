#pragma once

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <optional>

namespace Taskscope::Probe {

/// Why `taskscope attach PID` cannot inject the probe, checked before gdb touches the process.
/// Each check returns an empty string when it passes, else a sentence for the user.
class AttachPreflight final
{
public:
    AttachPreflight() = delete;

    /// Every check, in order, on the live system: gdb, the process, ptrace, Qt 6, the Qt version.
    static QString refusal(qint64 pid, QString *gdbPath);

    static QString checkGdb(const QString &gdbPath);
    /// `scope`: kernel.yama.ptrace_scope, nullopt when Yama is not active. `privileged`: root
    /// (CAP_SYS_PTRACE). `parent`: we started the process ourselves.
    static QString checkPtraceScope(std::optional<int> scope, bool privileged);
    /// `maps`: the text of /proc/PID/maps; `builtFor`: "6.4" style major.minor of this build.
    static QString checkQt(qint64 pid, const QString &maps, const QString &builtFor);
    /// The Qt version a mapped libQt6Core file name carries ("libQt6Core.so.6.4.2" -> "6.4.2").
    static QString qtVersionFromMaps(const QString &maps);

    /// gdb's arguments that set `environment` in process `pid`, dlopen `library` there and detach.
    static QStringList gdbInjection(qint64 pid, const QString &library,
                                    const QList<QPair<QString, QString>> &environment);
    /// Why that gdb run did not inject the probe (its merged output), or empty when it did.
    static QString gdbFailure(qint64 pid, int exitCode, bool crashed, const QString &output);

    /// A running process that could be watched: it maps libQt6Core (read from /proc).
    struct Candidate
    {
        qint64 pid = 0;
        QString name;
        QString user;
        QString refusal; ///< empty when attaching can be tried
    };
    /// Every readable process that maps libQt6Core, except this one, by pid.
    static QList<Candidate> qtProcesses();
};

} // namespace Taskscope::Probe
