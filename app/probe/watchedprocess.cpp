#include "app/probe/watchedprocess.h"

#include "app/probe/attachpreflight.h"
#include "app/probe/launchsession.h"
#include "model/trace/laneregistry.h"
#include "model/trace/traceclock.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracestore.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QSocketNotifier>
#include <QStandardPaths>
#include <QUuid>

#include <cerrno>
#include <csignal>
#include <cstring>

#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

using Taskscope::Trace::EventKind;
using Taskscope::Trace::LaneId;
using Taskscope::Trace::LaneRegistry;
using Taskscope::Trace::NoLane;
using Taskscope::Trace::TraceClock;
using Taskscope::Trace::TraceNames;
using Taskscope::Trace::TraceStore;

namespace Taskscope::Probe {
namespace {

constexpr auto ConnectTimeout = std::chrono::seconds(10);
constexpr auto AlivePoll = std::chrono::milliseconds(500);

int openPidfd(pid_t pid)
{
    return int(syscall(SYS_pidfd_open, pid, 0));
}

bool processAlive(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray text = stat.readAll();
    const qsizetype close = text.lastIndexOf(')');
    return close < 0 || text.mid(close + 2, 1) != "Z"; // a zombie has exited
}

} // namespace

WatchedProcess::WatchedProcess(QObject *parent)
    : QObject(parent)
{
    m_thread.setObjectName(QStringLiteral("probe reader"));
    m_gdb.setProcessChannelMode(QProcess::MergedChannels);
    connect(&m_gdb, &QProcess::finished, this, &WatchedProcess::onGdbFinished);
    m_connectTimer.setSingleShot(true);
    connect(&m_connectTimer, &QTimer::timeout, this, [this] {
        if (greeted() || m_state != State::Starting)
            return;
        m_state = State::Failed;
        m_error = QStringLiteral("the probe was injected but did not connect within %1 s (the process's UI "
                                 "thread may be blocked, or it runs no event loop)")
                      .arg(ConnectTimeout.count());
        Q_EMIT failed(m_error);
    });
    m_alivePoll.setInterval(AlivePoll);
    connect(&m_alivePoll, &QTimer::timeout, this, [this] {
        if (!processAlive(m_pid))
            end(QStringLiteral("exited"));
    });
}

WatchedProcess::~WatchedProcess()
{
    // gdb detaches at the end of its batch; killing it mid-way could leave the process stopped.
    if (m_gdb.state() != QProcess::NotRunning && !m_gdb.waitForFinished(10'000))
        m_gdb.kill();
    stopReader();
    if (m_pidfd >= 0)
        ::close(m_pidfd); // the program keeps running; it is reparented when we exit
}

QString WatchedProcess::describeExit(int code, bool signalled)
{
    if (!signalled)
        return QStringLiteral("exited %1").arg(code);
    const char *abbreviation = sigabbrev_np(code);
    return abbreviation ? QStringLiteral("killed by SIG%1").arg(QString::fromLatin1(abbreviation))
                        : QStringLiteral("killed by signal %1").arg(code);
}

QString WatchedProcess::checkRequest(const LaunchRequest &request)
{
    if (request.program.trimmed().isEmpty())
        return QStringLiteral("no program given");
    const QString resolved = request.program.contains(u'/') ? request.program
                                                            : QStandardPaths::findExecutable(request.program);
    const QFileInfo info(resolved);
    if (resolved.isEmpty() || !info.exists())
        return QStringLiteral("%1: no such program").arg(request.program);
    if (!info.isFile() || !info.isExecutable())
        return QStringLiteral("%1 is not an executable file").arg(request.program);
    if (!request.workingDirectory.isEmpty() && !QFileInfo(request.workingDirectory).isDir())
        return QStringLiteral("working directory %1 does not exist").arg(request.workingDirectory);
    for (const QString &line : request.environment) {
        const qsizetype equals = line.indexOf(u'=');
        if (equals <= 0)
            return QStringLiteral("environment line \"%1\" is not NAME=value").arg(line);
    }
    return {};
}

bool WatchedProcess::startReader(QString *error)
{
    m_reader = new ProbeLiveReader;
    m_reader->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_reader, &QObject::deleteLater);
    connect(m_reader, &ProbeLiveReader::greeted, this, [this](const QJsonObject &hello) {
        m_hello = hello;
        if (m_state == State::Starting)
            m_state = State::Watching;
        m_connectTimer.stop();
        Q_EMIT greetedProbe(hello);
    });
    connect(m_reader, &ProbeLiveReader::alertChanged, this, &WatchedProcess::alertChanged);
    connect(m_reader, &ProbeLiveReader::probeSaidBye, this, [this](const QString &reason) { m_byeReason = reason; });
    connect(m_reader, &ProbeLiveReader::disconnected, this, &WatchedProcess::onDisconnected);
    connect(m_reader, &ProbeLiveReader::streamFailed, this, [this](const QString &why) {
        m_error = QStringLiteral("the probe's stream is malformed: %1").arg(why);
        Q_EMIT failed(m_error);
    });
    m_thread.start();
    const QString path = QDir(QDir::tempPath())
                             .filePath(QStringLiteral("taskscope-window-probe-%1-%2")
                                           .arg(QCoreApplication::applicationPid())
                                           .arg(QUuid::createUuid().toString(QUuid::Id128).left(8)));
    QMetaObject::invokeMethod(m_reader, "listen", Qt::BlockingQueuedConnection, Q_ARG(QString, path));
    if (m_reader->serverName().isEmpty()) {
        *error = QStringLiteral("cannot listen on %1").arg(path);
        return false;
    }
    return true;
}

void WatchedProcess::stopReader()
{
    if (!m_thread.isRunning())
        return;
    QMetaObject::invokeMethod(m_reader, "close", Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    m_reader = nullptr;
}

bool WatchedProcess::launch(const LaunchRequest &request, QString *error)
{
    if (QString why = checkRequest(request); !why.isEmpty()) {
        *error = why;
        return false;
    }
    const QString library = LaunchSession::probeLibraryPath(error);
    if (library.isEmpty() || !startReader(error))
        return false;

    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    // The window chose the UNIX dispatcher for itself; the program keeps the user's choice.
    if (environment.contains(QStringLiteral("TASKSCOPE_SET_QT_NO_GLIB"))) {
        environment.remove(QStringLiteral("QT_NO_GLIB"));
        environment.remove(QStringLiteral("TASKSCOPE_SET_QT_NO_GLIB"));
    }
    for (const QString &line : request.environment) {
        const qsizetype equals = line.indexOf(u'=');
        environment.insert(line.left(equals), line.mid(equals + 1));
    }
    const QString preload = environment.value(QStringLiteral("LD_PRELOAD"));
    environment.insert(QStringLiteral("LD_PRELOAD"), preload.isEmpty() ? library : library + u':' + preload);
    environment.insert(QStringLiteral("TASKSCOPE_PROBE_SOCKET"), m_reader->serverName());

    QList<QByteArray> argStorage {QFile::encodeName(request.program)};
    for (const QString &argument : request.arguments)
        argStorage.append(argument.toLocal8Bit());
    QList<QByteArray> envStorage;
    for (const QString &entry : environment.toStringList())
        envStorage.append(entry.toLocal8Bit());
    std::vector<char *> argv, envp;
    for (QByteArray &arg : argStorage)
        argv.push_back(arg.data());
    argv.push_back(nullptr);
    for (QByteArray &entry : envStorage)
        envp.push_back(entry.data());
    envp.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    const QByteArray directory = QFile::encodeName(request.workingDirectory);
    if (!directory.isEmpty())
        posix_spawn_file_actions_addchdir_np(&actions, directory.constData());
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    // Its own process group: a Ctrl+C meant for the window does not reach the watched program.
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attributes, 0);
    pid_t pid = 0;
    m_clock.start();
    const int status = posix_spawnp(&pid, argv.front(), &actions, &attributes, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (status != 0) {
        *error =
            QStringLiteral("cannot start %1: %2").arg(request.program, QString::fromLocal8Bit(std::strerror(status)));
        stopReader();
        return false;
    }
    m_pid = pid;
    m_ourChild = true;
    m_displayName = QStringLiteral("%1 (%2)").arg(QFileInfo(request.program).fileName()).arg(pid);
    m_reader->setGroup(m_displayName);
    m_pidfd = openPidfd(pid);
    if (m_pidfd >= 0) {
        m_exitNotifier = new QSocketNotifier(m_pidfd, QSocketNotifier::Read, this);
        connect(m_exitNotifier, &QSocketNotifier::activated, this, &WatchedProcess::onChildExited);
    } else {
        m_alivePoll.start(); // no pidfd: poll, and the exit status stays unknown
    }
    return true;
}

bool WatchedProcess::attach(qint64 pid, QString *error)
{
    QString gdb;
    if (QString why = AttachPreflight::refusal(pid, &gdb); !why.isEmpty()) {
        *error = why;
        return false;
    }
    const QString library = LaunchSession::probeLibraryPath(error);
    if (library.isEmpty() || !startReader(error))
        return false;
    m_pid = pid;
    QFile comm(QStringLiteral("/proc/%1/comm").arg(pid));
    const QString name = comm.open(QIODevice::ReadOnly) ? QString::fromLocal8Bit(comm.readAll().trimmed())
                                                        : QStringLiteral("process");
    m_displayName = QStringLiteral("%1 (%2)").arg(name).arg(pid);
    m_reader->setGroup(m_displayName);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("LD_PRELOAD"));
    m_gdb.setProcessEnvironment(environment);
    m_clock.start();
    m_gdb.start(gdb,
                AttachPreflight::gdbInjection(pid, library,
                                              {{QStringLiteral("TASKSCOPE_PROBE_SOCKET"), m_reader->serverName()}}));
    m_alivePoll.start();
    return true;
}

void WatchedProcess::onGdbFinished(int exitCode, QProcess::ExitStatus status)
{
    const QString output = QString::fromLocal8Bit(m_gdb.readAll());
    const QString why = AttachPreflight::gdbFailure(m_pid, exitCode, status != QProcess::NormalExit, output);
    if (why.isEmpty()) {
        if (!greeted())
            m_connectTimer.start(ConnectTimeout);
        return;
    }
    m_state = State::Failed;
    m_alivePoll.stop();
    m_error = why + QStringLiteral("; gdb said: ") + output.trimmed().right(400);
    Q_EMIT failed(m_error);
}

void WatchedProcess::onChildExited()
{
    siginfo_t info {};
    if (waitid(idtype_t(P_PIDFD), id_t(m_pidfd), &info, WEXITED | WNOHANG) != 0 || info.si_pid == 0)
        return;
    m_exitNotifier->setEnabled(false);
    if (m_state == State::Detached)
        return; // reaped, nothing more: we no longer watch it
    end(describeExit(info.si_status, info.si_code != CLD_EXITED));
}

void WatchedProcess::onDisconnected()
{
    if (m_state == State::Ended || m_state == State::Detached)
        return;
    // Our own child: its exit status comes through the pidfd. Otherwise see whether it still runs.
    if (!m_ourChild && !processAlive(m_pid))
        end(QStringLiteral("exited"));
    else if (!m_ourChild)
        end(QStringLiteral("probe stopped (%1)")
                .arg(m_byeReason.isEmpty() ? QStringLiteral("connection lost") : m_byeReason));
}

void WatchedProcess::end(const QString &reason)
{
    if (m_state == State::Ended || m_state == State::Detached)
        return;
    m_state = State::Ended;
    m_endReason = reason;
    m_alivePoll.stop();
    m_connectTimer.stop();
    const LaneId ui = uiLane();
    if (ui != NoLane) {
        LaneRegistry::rename(ui, QStringLiteral("UI thread — %1").arg(reason));
        LiveProbeItem marker;
        marker.kind = EventKind::Instant;
        marker.lane = ui;
        marker.ns = TraceClock::nowNs();
        marker.name = TraceNames::intern(reason);
        m_items.push_back(marker);
    }
    for (const LaneId lane : lanes())
        LaneRegistry::end(lane);
    Q_EMIT ended(reason);
}

void WatchedProcess::detach()
{
    if (m_state == State::Detached)
        return;
    const bool wasEnded = m_state == State::Ended;
    m_state = State::Detached;
    m_alivePoll.stop();
    m_connectTimer.stop();
    if (!wasEnded) {
        m_endReason = QStringLiteral("detached; still running");
        if (const LaneId ui = uiLane(); ui != NoLane)
            LaneRegistry::rename(ui, QStringLiteral("UI thread — detached"));
        for (const LaneId lane : lanes())
            LaneRegistry::end(lane);
    }
    if (m_reader)
        QMetaObject::invokeMethod(m_reader, "close", Qt::BlockingQueuedConnection);
}

std::size_t WatchedProcess::drainInto(TraceStore &store)
{
    std::vector<LiveProbeItem> local;
    local.swap(m_items);
    if (m_reader)
        m_reader->takeItems(&m_items);
    m_items.insert(m_items.end(), local.begin(), local.end());
    if (m_items.empty())
        return 0;
    for (const LiveProbeItem &item : m_items) {
        if (!store.hasLane(item.lane))
            store.setLane(LaneRegistry::info(item.lane));
        switch (item.kind) {
        case EventKind::Begin:
            store.beginSpan(item.lane, item.ns, item.name, item.arg);
            break;
        case EventKind::End:
            store.endSpan(item.lane, item.ns, item.name);
            break;
        case EventKind::Complete:
            store.addSpan(item.lane, item.ns, item.endNs, item.name);
            break;
        case EventKind::Instant:
            store.addInstant(item.lane, item.ns, item.name, item.arg);
            break;
        case EventKind::Counter:
            store.addCounter(item.lane, item.name, item.ns, item.value);
            break;
        case EventKind::Alert:
            store.setAlert(item.lane, item.aux, item.name, item.ns, item.endNs);
            break;
        default:
            break;
        }
    }
    store.afterIngest();
    if (m_msToFirstSpan < 0)
        m_msToFirstSpan = m_clock.elapsed();
    const std::size_t count = m_items.size();
    m_items.clear();
    return count;
}

} // namespace Taskscope::Probe
