#include "workers/watchdog/desktopnotifier.h"

#include <QFile>
#include <QStandardPaths>

#include <csignal>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace Taskscope::Watchdog {

namespace {

// At most this many notifier processes at once; more are dropped (a notification storm helps nobody).
constexpr std::size_t MaxChildren = 4;

} // namespace

DesktopNotifier::DesktopNotifier()
{
    const QString notifySend = QStandardPaths::findExecutable(QStringLiteral("notify-send"));
    const bool haveBus = !qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS")
        || QFile::exists(QStringLiteral("/run/user/%1/bus").arg(getuid()));
    if (!notifySend.isEmpty()) {
        m_program = notifySend;
    } else if (const QString gdbus = QStandardPaths::findExecutable(QStringLiteral("gdbus"));
               !gdbus.isEmpty() && haveBus) {
        m_program = gdbus;
        m_useGdbus = true;
    } else if (!haveBus) {
        m_reason = QStringLiteral("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS unset) and no notify-send");
    } else {
        m_reason = QStringLiteral("neither notify-send nor gdbus is installed");
    }
}

DesktopNotifier::~DesktopNotifier()
{
    // Give running notifiers no more than a moment; never leave zombies behind.
    for (pid_t pid : m_children)
        ::kill(pid, SIGKILL);
    reap(true);
}

QString DesktopNotifier::method() const
{
    if (m_program.isEmpty())
        return {};
    return m_useGdbus ? QStringLiteral("gdbus") : QStringLiteral("notify-send");
}

void DesktopNotifier::reap(bool wait)
{
    for (auto it = m_children.begin(); it != m_children.end();) {
        int status = 0;
        const pid_t done = ::waitpid(*it, &status, wait ? 0 : WNOHANG);
        if (done == *it || (done < 0 && errno == ECHILD))
            it = m_children.erase(it);
        else
            ++it;
    }
}

bool DesktopNotifier::notify(const QString &summary, const QString &body, bool critical)
{
    reap(false);
    if (m_program.isEmpty() || m_children.size() >= MaxChildren)
        return false;
    QList<QByteArray> args;
    args.append(QFile::encodeName(m_program));
    if (m_useGdbus) {
        args << "call"
             << "--session"
             << "--timeout"
             << "5"
             << "--dest"
             << "org.freedesktop.Notifications"
             << "--object-path"
             << "/org/freedesktop/Notifications"
             << "--method"
             << "org.freedesktop.Notifications.Notify"
             << "Taskscope"
             << "0"
             << "dialog-warning";
        // gdbus parses GVariant text: quote the strings.
        auto quoted = [](const QString &text) {
            QString escaped = text;
            escaped.replace(u'\\', QStringLiteral("\\\\")).replace(u'"', QStringLiteral("\\\""));
            return (u'"' + escaped + u'"').toUtf8();
        };
        args << quoted(summary) << quoted(body) << "[]"
             << (critical ? QByteArray("{\"urgency\": <byte 2>}") : QByteArray("{\"urgency\": <byte 1>}")) << "8000";
    } else {
        args << "--app-name=Taskscope" << (critical ? "--urgency=critical" : "--urgency=normal") << "--expire-time=8000"
             << summary.toUtf8() << body.toUtf8();
    }
    std::vector<char *> argv;
    for (QByteArray &arg : args)
        argv.push_back(arg.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    const int status = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (status != 0)
        return false;
    m_children.push_back(pid);
    ++m_sent;
    return true;
}

} // namespace Taskscope::Watchdog
