#include "app/probe/launchsession.h"

#include "app/probe/attachpreflight.h"
#include "app/probe/probereceiver.h"
#include "model/alertrecord.h"
#include "model/trace/chrometracewriter.h"
#include "model/trace/tracestore.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocalServer>
#include <QLocalSocket>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QSaveFile>
#include <QUuid>

#include <csignal>

using Taskscope::Model::AlertRecord;
using Taskscope::Model::AlertTier;
using Taskscope::Model::AlertVerdict;
using Taskscope::Trace::ChromeTraceOptions;
using Taskscope::Trace::ChromeTraceWriter;
using Taskscope::Trace::TraceStore;

namespace Taskscope::Probe {
namespace {

constexpr int ExitBadCommandLine = 1;
constexpr int ExitLaunchFailed = 2;
constexpr int ExitHangOverLimit = 3;
constexpr auto KillGrace = std::chrono::seconds(3);
constexpr auto DrainAfterExit = std::chrono::seconds(2); // the probe's last words after the program ended
constexpr auto ConnectTimeout = std::chrono::seconds(10);

} // namespace

LaunchSession::LaunchSession(LaunchCommandLine options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_store(std::make_unique<TraceStore>())
    , m_receiver(std::make_unique<ProbeReceiver>(m_store.get()))
{
    m_store->setRetentionNs(0);
    m_process.setProcessChannelMode(QProcess::ForwardedChannels);
    m_process.setInputChannelMode(QProcess::ForwardedInputChannel);
    connect(&m_process, &QProcess::finished, this, &LaunchSession::onProcessFinished);
    connect(&m_process, &QProcess::errorOccurred, this, &LaunchSession::onProcessError);
    m_stopTimer.setSingleShot(true);
    connect(&m_stopTimer, &QTimer::timeout, this, [this] {
        m_stoppedByUs = true;
        if (m_options.attachPid > 0) { // detach: the probe stays in the process, idle
            m_processDone = true;
            finish();
            return;
        }
        m_process.terminate();
        m_killTimer.start(KillGrace);
    });
    m_killTimer.setSingleShot(true);
    connect(&m_killTimer, &QTimer::timeout, &m_process, &QProcess::kill);
    m_drainTimer.setSingleShot(true);
    connect(&m_drainTimer, &QTimer::timeout, this, &LaunchSession::finish);
    m_gdb.setProcessChannelMode(QProcess::MergedChannels);
    connect(&m_gdb, &QProcess::finished, this, &LaunchSession::onGdbFinished);
    m_connectTimer.setSingleShot(true);
    connect(&m_connectTimer, &QTimer::timeout, this, [this] {
        if (m_receiver->greeted())
            return;
        m_processError = QStringLiteral("the probe was injected but did not connect within %1 s (the process's UI "
                                        "thread may be blocked, or it runs no event loop)")
                             .arg(ConnectTimeout.count());
        m_processDone = true;
        finish();
    });
}

LaunchSession::~LaunchSession()
{
    // gdb detaches at the end of its batch; killing it mid-way could leave the process stopped.
    if (m_gdb.state() != QProcess::NotRunning && !m_gdb.waitForFinished(10'000))
        m_gdb.kill();
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(3000);
    }
}

QString LaunchSession::probeLibraryPath(QString *error)
{
    QStringList candidates;
    if (const QString overridden = qEnvironmentVariable("TASKSCOPE_PROBE_LIBRARY"); !overridden.isEmpty())
        candidates << overridden;
    candidates << QStringLiteral(TASKSCOPE_PROBE_INSTALLED_PATH) << QStringLiteral(TASKSCOPE_PROBE_BUILD_PATH);
    for (const QString &candidate : std::as_const(candidates)) {
        if (QFileInfo(candidate).isFile())
            return QFileInfo(candidate).absoluteFilePath();
    }
    *error = QStringLiteral("the probe library was not found (looked for %1; set TASKSCOPE_PROBE_LIBRARY)")
                 .arg(candidates.join(QStringLiteral(", ")));
    return {};
}

bool LaunchSession::start(QString *error)
{
    const QString library = probeLibraryPath(error);
    if (library.isEmpty())
        return false;
    if (library.contains(u' ') || library.contains(u':')) {
        *error = QStringLiteral("the probe's path %1 contains a space or a colon, which LD_PRELOAD cannot carry")
                     .arg(library);
        return false;
    }
    m_server = new QLocalServer(this);
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    const QString path = QDir(QDir::tempPath())
                             .filePath(QStringLiteral("taskscope-probe-%1-%2")
                                           .arg(QCoreApplication::applicationPid())
                                           .arg(QUuid::createUuid().toString(QUuid::Id128).left(8)));
    if (!m_server->listen(path)) {
        *error = QStringLiteral("cannot listen on %1: %2").arg(path, m_server->errorString());
        return false;
    }
    connect(m_server, &QLocalServer::newConnection, this, &LaunchSession::onNewConnection);
    if (m_options.attachPid > 0)
        return startAttach(library, error);

    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    const QString preload = environment.value(QStringLiteral("LD_PRELOAD"));
    environment.insert(QStringLiteral("LD_PRELOAD"), preload.isEmpty() ? library : library + u':' + preload);
    environment.insert(QStringLiteral("TASKSCOPE_PROBE_SOCKET"), m_server->fullServerName());
    if (m_options.followChildren)
        environment.insert(QStringLiteral("TASKSCOPE_PROBE_FOLLOW_CHILDREN"), QStringLiteral("1"));
    if (const QString settings = watchdogSettings(); !settings.isEmpty())
        environment.insert(QStringLiteral("TASKSCOPE_PROBE_WATCHDOG"), settings);
    m_process.setProcessEnvironment(environment);
    m_process.setProgram(m_options.program);
    m_process.setArguments(m_options.programArguments);
    m_clock.start();
    m_process.start();
    if (m_options.stopAfter)
        m_stopTimer.start(*m_options.stopAfter);
    return true;
}

QString LaunchSession::watchdogSettings() const
{
    if (!m_options.failOnHang || *m_options.failOnHang >= std::chrono::milliseconds(250))
        return {};
    // Blocks shorter than the default hang tier must still become alerts.
    const qint64 hang = qMax<qint64>(2, m_options.failOnHang->count());
    const QJsonObject tiers {{QStringLiteral("hangMs"), hang},
                             {QStringLiteral("suspicionMs"), qMax<qint64>(1, hang / 2)}};
    return QString::fromUtf8(QJsonDocument(tiers).toJson(QJsonDocument::Compact));
}

bool LaunchSession::startAttach(const QString &library, QString *error)
{
    QString gdb;
    if (QString why = AttachPreflight::refusal(m_options.attachPid, &gdb); !why.isEmpty()) {
        *error = why;
        return false;
    }
    m_pid = m_options.attachPid;
    QList<QPair<QString, QString>> variables {{QStringLiteral("TASKSCOPE_PROBE_SOCKET"), m_server->fullServerName()}};
    if (const QString settings = watchdogSettings(); !settings.isEmpty())
        variables.append({QStringLiteral("TASKSCOPE_PROBE_WATCHDOG"), settings});
    const QStringList arguments = AttachPreflight::gdbInjection(m_options.attachPid, library, variables);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("LD_PRELOAD"));
    m_gdb.setProcessEnvironment(environment);
    m_clock.start();
    m_gdb.start(gdb, arguments);
    return true; // --stop-after counts from the probe's greeting (gdb may take seconds)
}

void LaunchSession::onGdbFinished(int exitCode, QProcess::ExitStatus status)
{
    const QString output = QString::fromLocal8Bit(m_gdb.readAll());
    const QString why = AttachPreflight::gdbFailure(m_options.attachPid, exitCode, status != QProcess::NormalExit,
                                                    output);
    if (why.isEmpty()) {
        if (!m_receiver->greeted())
            m_connectTimer.start(ConnectTimeout);
        return;
    }
    m_processError = why + QStringLiteral("; gdb said:\n") + output.trimmed();
    m_processDone = true;
    finish();
}

void LaunchSession::onNewConnection()
{
    while (QLocalSocket *socket = m_server->nextPendingConnection()) {
        if (m_socket) {
            ++m_extraConnections;
            socket->abort();
            socket->deleteLater();
            continue;
        }
        m_socket = socket;
        connect(socket, &QLocalSocket::readyRead, this, &LaunchSession::onReadyRead);
        connect(socket, &QLocalSocket::disconnected, this, [this] {
            onReadyRead();
            if (m_processDone || m_options.attachPid > 0) // attached: the process exited
                finish();
        });
    }
}

void LaunchSession::onReadyRead()
{
    if (!m_socket)
        return;
    const QByteArray bytes = m_socket->readAll();
    const quint64 before = m_receiver->eventsReceived();
    const bool wasGreeted = m_receiver->greeted();
    m_receiver->feed(bytes);
    if (!wasGreeted && m_receiver->greeted() && m_options.attachPid > 0 && m_options.stopAfter)
        m_stopTimer.start(*m_options.stopAfter);
    if (m_firstEventMs < 0 && m_receiver->eventsReceived() > before)
        m_firstEventMs = m_clock.elapsed();
    if (m_receiver->failed())
        m_socket->abort(); // a malformed stream cannot be resynchronized
}

void LaunchSession::onProcessFinished(int exitCode, QProcess::ExitStatus status)
{
    m_processDone = true;
    m_programExitCode = exitCode;
    m_programExitStatus = status;
    m_stopTimer.stop();
    m_killTimer.stop();
    if (!m_socket || m_socket->state() == QLocalSocket::UnconnectedState)
        finish();
    else
        m_drainTimer.start(DrainAfterExit);
}

void LaunchSession::onProcessError(QProcess::ProcessError error)
{
    if (error != QProcess::FailedToStart)
        return;
    m_processError = m_process.errorString();
    m_processDone = true;
    finish();
}

qint64 LaunchSession::longestUiBlockNs() const
{
    qint64 longest = 0;
    for (const AlertRecord &alert : m_receiver->alerts()) {
        if (alert.verdict == AlertVerdict::NestedModalLoop || alert.tier < AlertTier::Hang)
            continue; // a modal loop is not a hang
        longest = qMax(longest, alert.durationNs);
    }
    return longest;
}

QJsonObject LaunchSession::report() const
{
    QJsonArray alerts;
    for (const AlertRecord &alert : m_receiver->alerts())
        alerts.append(alert.toJson());
    const qint64 longest = longestUiBlockNs();
    QJsonObject report {
        {QStringLiteral("program"), m_options.program},
        {QStringLiteral("arguments"), QJsonArray::fromStringList(m_options.programArguments)},
        {QStringLiteral("pid"), m_receiver->hello().value(u"pid").toInteger(m_pid)},
        {QStringLiteral("exitCode"), m_programExitCode},
        {QStringLiteral("crashed"), m_programExitStatus == QProcess::CrashExit && !m_stoppedByUs},
        {QStringLiteral("stoppedByLauncher"), m_stoppedByUs},
        {QStringLiteral("probe"), m_receiver->hello()},
        {QStringLiteral("probeConnected"), m_receiver->greeted()},
        {QStringLiteral("probeEnded"),
         m_receiver->saidBye() ? m_receiver->byeReason() : QStringLiteral("connection lost")},
        {QStringLiteral("probeStats"), m_receiver->lastStats()},
        {QStringLiteral("protocolError"), m_receiver->error()},
        {QStringLiteral("launchToFirstEventMs"), m_firstEventMs},
        {QStringLiteral("eventsReceived"), qint64(m_receiver->eventsReceived())},
        {QStringLiteral("eventsRejected"), qint64(m_receiver->rejected())},
        {QStringLiteral("spans"), qint64(m_store->spanCount())},
        {QStringLiteral("storeDropped"), qint64(m_store->droppedItems())},
        {QStringLiteral("threads"), QJsonArray::fromStringList(m_receiver->threadNames())},
        {QStringLiteral("extraConnections"), m_extraConnections},
        {QStringLiteral("alerts"), alerts},
        {QStringLiteral("alertsSeenWhileOngoing"), m_receiver->alertsSeenWhileOngoing()},
        {QStringLiteral("longestUiBlockMs"), double(longest) / 1e6},
    };
    if (m_options.failOnHang)
        report.insert(QStringLiteral("failOnHangMs"), qint64(m_options.failOnHang->count()));
    if (!m_processError.isEmpty())
        report.insert(QStringLiteral("error"), m_processError);
    return report;
}

bool LaunchSession::writeOutputs(QString *error)
{
    if (!m_options.tracePath.isEmpty()) {
        QSaveFile file(m_options.tracePath);
        ChromeTraceOptions options;
        options.processName = QFileInfo(m_options.program).fileName();
        options.pid = quint32(m_receiver->hello().value(u"pid").toInteger(1));
        if (!file.open(QIODevice::WriteOnly) || !ChromeTraceWriter::write(*m_store, &file, options, error)
            || !file.commit()) {
            if (error->isEmpty())
                *error = QStringLiteral("cannot write %1: %2").arg(m_options.tracePath, file.errorString());
            return false;
        }
    }
    if (!m_options.reportPath.isEmpty()) {
        QSaveFile file(m_options.reportPath);
        if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(report()).toJson()) < 0 || !file.commit()) {
            *error = QStringLiteral("cannot write %1: %2").arg(m_options.reportPath, file.errorString());
            return false;
        }
    }
    return true;
}

void LaunchSession::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    m_drainTimer.stop();
    if (m_socket)
        onReadyRead();
    const qint64 longest = longestUiBlockNs();
    QString error;
    const bool written = writeOutputs(&error);
    if (!m_processError.isEmpty()) {
        std::fprintf(stderr, "taskscope launch: %s: %s\n", qPrintable(m_options.program), qPrintable(m_processError));
        m_exitCode = ExitLaunchFailed;
    } else if (!written) {
        std::fprintf(stderr, "taskscope launch: %s\n", qPrintable(error));
        m_exitCode = ExitLaunchFailed;
    } else if (m_options.failOnHang && longest > qint64(m_options.failOnHang->count()) * 1'000'000) {
        m_exitCode = ExitHangOverLimit;
    } else if (m_programExitStatus == QProcess::CrashExit && !m_stoppedByUs) {
        m_exitCode = ExitLaunchFailed;
    } else {
        m_exitCode = m_stoppedByUs ? 0 : m_programExitCode;
    }
    if (!m_options.quiet) {
        std::fprintf(
            stderr,
            "taskscope launch: %s %s; probe %s; %d threads, %llu spans, %d alerts; longest UI block %.0f ms%s\n",
            qPrintable(QFileInfo(m_options.program).fileName()),
            m_stoppedByUs ? "stopped after the set time"
                : m_programExitStatus == QProcess::CrashExit
                ? "crashed"
                : qPrintable(QStringLiteral("exited %1").arg(m_programExitCode)),
            m_receiver->greeted() ? "connected" : "never connected", int(m_receiver->threadNames().size()),
            static_cast<unsigned long long>(m_store->spanCount()), int(m_receiver->alerts().size()),
            double(longest) / 1e6,
            m_exitCode == ExitHangOverLimit
                ? qPrintable(QStringLiteral(" (over the %1 ms limit)").arg(m_options.failOnHang->count()))
                : "");
    }
    Q_UNUSED(ExitBadCommandLine);
    emit finished(m_exitCode);
}

} // namespace Taskscope::Probe
