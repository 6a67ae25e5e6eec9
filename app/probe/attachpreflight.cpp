#include "app/probe/attachpreflight.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QVersionNumber>

#include <algorithm>

#include <pwd.h>
#include <unistd.h>

namespace Taskscope::Probe {

QString AttachPreflight::checkGdb(const QString &gdbPath)
{
    if (!gdbPath.isEmpty())
        return {};
    return QStringLiteral("gdb was not found: attach injects the probe with it (Debian package gdb). "
                          "Or start the program with taskscope launch");
}

QString AttachPreflight::checkPtraceScope(std::optional<int> scope, bool privileged)
{
    if (!scope || *scope == 0)
        return {};
    const QString fix = QStringLiteral(" (start it with taskscope launch instead, or allow it with "
                                       "sudo sysctl kernel.yama.ptrace_scope=0)");
    switch (*scope) {
    case 1:
        return privileged ? QString()
                          : QStringLiteral("ptrace is not permitted: kernel.yama.ptrace_scope is 1, so only a "
                                           "process's parent may trace it")
                + fix;
    case 2:
        return privileged ? QString()
                          : QStringLiteral("ptrace is not permitted: kernel.yama.ptrace_scope is 2, so only a "
                                           "process with CAP_SYS_PTRACE may trace")
                + fix;
    default:
        return QStringLiteral("ptrace is not permitted: kernel.yama.ptrace_scope is %1, so no process may "
                              "trace another until reboot (start the program with taskscope launch instead)")
            .arg(*scope);
    }
}

QString AttachPreflight::qtVersionFromMaps(const QString &maps)
{
    static const QRegularExpression pattern(QStringLiteral(R"(libQt6Core\.so\.(6\.\d+\.\d+))"));
    const QRegularExpressionMatch match = pattern.match(maps);
    return match.hasMatch() ? match.captured(1) : QString();
}

QString AttachPreflight::checkQt(qint64 pid, const QString &maps, const QString &builtFor)
{
    if (maps.contains(u"libtaskscope_probe.so"))
        return QStringLiteral("process %1 already has the Taskscope probe").arg(pid);
    if (!maps.contains(u"libQt6Core.so")) {
        if (maps.contains(u"libQt5Core.so"))
            return QStringLiteral("process %1 is a Qt 5 program; the probe is for Qt 6").arg(pid);
        return QStringLiteral("process %1 is not a Qt 6 program (no libQt6Core in its memory map)").arg(pid);
    }
    const QString version = qtVersionFromMaps(maps);
    if (version.isEmpty())
        return {}; // a Qt built without the versioned file name: the probe's own check decides
    const QVersionNumber runtime = QVersionNumber::fromString(version);
    const QVersionNumber built = QVersionNumber::fromString(builtFor);
    if (runtime.majorVersion() != built.majorVersion() || runtime.minorVersion() != built.minorVersion()) {
        return QStringLiteral("process %1 runs Qt %2; this probe is built for Qt %3.%4")
            .arg(pid)
            .arg(version)
            .arg(built.majorVersion())
            .arg(built.minorVersion());
    }
    return {};
}

QString AttachPreflight::refusal(qint64 pid, QString *gdbPath)
{
    *gdbPath = QStandardPaths::findExecutable(QStringLiteral("gdb"));
    if (QString why = checkGdb(*gdbPath); !why.isEmpty())
        return why;
    const QString proc = QStringLiteral("/proc/%1").arg(pid);
    if (pid <= 0 || !QFileInfo::exists(proc))
        return QStringLiteral("there is no process %1").arg(pid);
    std::optional<int> scope;
    QFile yama(QStringLiteral("/proc/sys/kernel/yama/ptrace_scope"));
    if (yama.open(QIODevice::ReadOnly))
        scope = yama.readAll().trimmed().toInt();
    if (QString why = checkPtraceScope(scope, geteuid() == 0); !why.isEmpty())
        return why;
    QFile maps(proc + QStringLiteral("/maps"));
    if (!maps.open(QIODevice::ReadOnly))
        return QStringLiteral("cannot read %1/maps (%2): the process belongs to another user")
            .arg(proc, maps.errorString());
    return checkQt(pid, QString::fromLocal8Bit(maps.readAll()),
                   QStringLiteral("%1.%2").arg(QT_VERSION_MAJOR).arg(QT_VERSION_MINOR));
}

QStringList AttachPreflight::gdbInjection(qint64 pid, const QString &library,
                                          const QList<QPair<QString, QString>> &environment)
{
    auto quoted = [](const QString &text) {
        QString escaped = text;
        escaped.replace(u'\\', QStringLiteral("\\\\")).replace(u'"', QStringLiteral("\\\""));
        return QString(u'"' + escaped + u'"');
    };
    QStringList arguments {QStringLiteral("-nx"), QStringLiteral("-batch"), QStringLiteral("-p"), QString::number(pid)};
    for (const auto &[name, value] : environment)
        arguments << QStringLiteral("-ex")
                  << QStringLiteral("call (int)setenv(%1, %2, 1)").arg(quoted(name), quoted(value));
    // The probe's constructor hands its set-up to the UI thread (gdb stops the process on any thread).
    arguments << QStringLiteral("-ex") << QStringLiteral("call (void *)dlopen(%1, 2)").arg(quoted(library));
    arguments << QStringLiteral("-ex") << QStringLiteral("detach");
    return arguments;
}

QString AttachPreflight::gdbFailure(qint64 pid, int exitCode, bool crashed, const QString &output)
{
    static const QRegularExpression nullResult(QStringLiteral(R"(\$\d+ = \(void \*\) 0x0\b)"));
    if (crashed || output.contains(u"ptrace: Operation not permitted"))
        return QStringLiteral("gdb could not attach to process %1").arg(pid);
    if (nullResult.match(output).hasMatch())
        return QStringLiteral("dlopen of the probe failed inside process %1").arg(pid);
    if (!output.contains(u"(void *) 0x"))
        return QStringLiteral("gdb did not run the injection (exit %1)").arg(exitCode);
    return {};
}

QList<AttachPreflight::Candidate> AttachPreflight::qtProcesses()
{
    QList<Candidate> found;
    const qint64 self = QCoreApplication::applicationPid();
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool ok = false;
        const qint64 pid = entry.toLongLong(&ok);
        if (!ok || pid == self)
            continue;
        QFile maps(QStringLiteral("/proc/%1/maps").arg(pid));
        if (!maps.open(QIODevice::ReadOnly) || !maps.readAll().contains("libQt6Core.so"))
            continue; // not readable (another user's) or not a Qt 6 program
        Candidate candidate;
        candidate.pid = pid;
        QFile comm(QStringLiteral("/proc/%1/comm").arg(pid));
        if (comm.open(QIODevice::ReadOnly))
            candidate.name = QString::fromLocal8Bit(comm.readAll().trimmed());
        const uint uid = QFileInfo(QStringLiteral("/proc/%1").arg(pid)).ownerId();
        const passwd *user = getpwuid(uid);
        candidate.user = user ? QString::fromLocal8Bit(user->pw_name) : QString::number(uid);
        QString gdb;
        candidate.refusal = refusal(pid, &gdb);
        found.append(candidate);
    }
    std::sort(found.begin(), found.end(), [](const Candidate &a, const Candidate &b) { return a.pid < b.pid; });
    return found;
}

} // namespace Taskscope::Probe
