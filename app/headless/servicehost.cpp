#include "app/headless/servicehost.h"

#include "app/scenario/loopbackhost.h"
#include "app/scenario/processusage.h"
#include "workers/loopback/faultspec.h"
#include "workers/loopback/loopbackservice.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTimer>

#include <unistd.h>

using Taskscope::Loopback::FaultSpec;
using Taskscope::Loopback::LoopbackConfig;
using Taskscope::Loopback::LoopbackService;
using Taskscope::Loopback::ServiceStats;
using Taskscope::Scenarios::LoopbackHost;
using Taskscope::Scenarios::ProcessUsage;
using Taskscope::Scenarios::Scenario;

namespace Taskscope::Headless {

ServiceHost::ServiceHost() = default;

ServiceHost::~ServiceHost()
{
    stop();
}

QString ServiceHost::findServerProgram()
{
    QStringList candidates;
    const QString fromEnvironment = qEnvironmentVariable("TASKSCOPE_SERVER");
    if (!fromEnvironment.isEmpty())
        candidates << fromEnvironment;
    const QString dir = QCoreApplication::applicationDirPath();
    candidates << dir + QStringLiteral("/taskscope-server")
               << dir + QStringLiteral("/../workers/loopback/taskscope-server")
               << dir + QStringLiteral("/../../workers/loopback/taskscope-server");
    for (const QString &candidate : std::as_const(candidates)) {
        const QFileInfo info(candidate);
        if (info.isFile() && info.isExecutable())
            return info.canonicalFilePath();
    }
    return QStandardPaths::findExecutable(QStringLiteral("taskscope-server"));
}

bool ServiceHost::start(const Scenario::Service &settings)
{
    stop();
    m_settings = settings;
    m_error.clear();
    return settings.external ? startExternal(settings) : startInProcess(settings);
}

bool ServiceHost::startInProcess(const Scenario::Service &settings)
{
    LoopbackConfig config;
    config.loadSink = settings.loadSink;
    config.networkThreads = settings.networkThreads;
    if (settings.chatTokensPerSecond >= 0)
        config.chatTokensPerSecond = settings.chatTokensPerSecond;
    if (settings.chatFirstTokenDelayMs >= 0)
        config.chatFirstTokenDelayMs = settings.chatFirstTokenDelayMs;
    if (settings.idleTimeoutMs > 0)
        config.idleTimeoutMs = settings.idleTimeoutMs;
    if (!settings.faults.isEmpty()) {
        QString why;
        const std::optional<FaultSpec> faults = FaultSpec::parse(settings.faults, &why);
        if (!faults) {
            m_error = QStringLiteral("service.faults: %1").arg(why);
            return false;
        }
        config.faults = *faults;
    }
    m_service = std::make_unique<LoopbackHost>();
    m_service->setServiceNice(0); // a headless run measures the service at the client's priority
    QEventLoop wait;
    QObject::connect(m_service.get(), &LoopbackHost::ready, &wait, &QEventLoop::quit);
    QObject::connect(m_service.get(), &LoopbackHost::failed, &wait, &QEventLoop::quit);
    m_service->start(config);
    wait.exec();
    if (!m_service->isReady()) {
        m_error = QStringLiteral("the built-in service did not start: %1").arg(m_service->errorString());
        m_service.reset();
        return false;
    }
    m_url = m_service->url();
    return true;
}

bool ServiceHost::startExternal(const Scenario::Service &settings)
{
    m_program = findServerProgram();
    if (m_program.isEmpty()) {
        m_error = QStringLiteral("service.external: taskscope-server not found (set TASKSCOPE_SERVER, or build the "
                                 "taskscope-server target next to taskscope)");
        return false;
    }
    QStringList args {QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--quiet")};
    if (settings.loadSink)
        args << QStringLiteral("--load-sink");
    if (settings.networkThreads > 0)
        args << QStringLiteral("--network-threads") << QString::number(settings.networkThreads);
    if (!settings.faults.isEmpty())
        args << QStringLiteral("--faults") << settings.faults;
    if (settings.chatTokensPerSecond >= 0)
        args << QStringLiteral("--chat-rate") << QString::number(qint64(settings.chatTokensPerSecond));
    if (settings.chatFirstTokenDelayMs >= 0)
        args << QStringLiteral("--chat-first-token-ms") << QString::number(settings.chatFirstTokenDelayMs);
    if (settings.idleTimeoutMs > 0)
        args << QStringLiteral("--idle-timeout-ms") << QString::number(settings.idleTimeoutMs);
    m_process = new QProcess;
    m_process->setProcessChannelMode(QProcess::SeparateChannels);
    m_process->setProcessEnvironment(QProcessEnvironment::systemEnvironment());
    m_process->setProgram(m_program);
    m_process->setArguments(args);
    // Its own process group: a Ctrl-C in the terminal reaches the runner, which stops the workloads
    // before it stops the service, instead of both at once (streams would fail on the closed sockets).
    m_process->setChildProcessModifier([] { ::setpgid(0, 0); });
    // Waits in an event loop, not in waitForReadyRead(): the calling thread is the one the watchdog
    // guards, and the server may take a while to bind and load.
    QEventLoop wait;
    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, &wait, &QEventLoop::quit);
    QObject::connect(m_process, &QProcess::readyReadStandardOutput, &wait, &QEventLoop::quit);
    QObject::connect(m_process, &QProcess::finished, &wait, &QEventLoop::quit);
    QObject::connect(m_process, &QProcess::errorOccurred, &wait, &QEventLoop::quit);
    deadline.start(15000);
    m_process->start(QIODevice::ReadOnly);
    QByteArray output;
    for (;;) {
        while (m_process->canReadLine()) {
            const QByteArray line = m_process->readLine().trimmed();
            output += line + '\n';
            if (line.startsWith("listening on ")) {
                m_url = QUrl(QString::fromUtf8(line.mid(13)));
                return m_url.isValid();
            }
        }
        if (m_process->error() == QProcess::FailedToStart) {
            m_error = QStringLiteral("service.external: %1 did not start: %2").arg(m_program, m_process->errorString());
            stop();
            return false;
        }
        if (!deadline.isActive() || m_process->state() == QProcess::NotRunning)
            break;
        wait.exec();
    }
    const QByteArray errors = m_process->readAllStandardError().trimmed();
    m_error = QStringLiteral("service.external: %1 did not report \"listening on\" within 15 s%2")
                  .arg(m_program,
                       errors.isEmpty() ? QString() : QStringLiteral(": ") + QString::fromUtf8(errors.right(400)));
    stop();
    return false;
}

void ServiceHost::stop()
{
    if (m_service) {
        m_service->stop();
        m_service.reset();
    }
    if (m_process) {
        if (m_process->state() != QProcess::NotRunning) {
            m_process->terminate(); // SIGTERM: the server shuts down cleanly
            if (!m_process->waitForFinished(5000)) {
                m_process->kill();
                m_process->waitForFinished(2000);
            }
        }
        delete m_process;
        m_process = nullptr;
    }
    m_url.clear();
}

qint64 ServiceHost::externalCpuNs() const
{
    if (!m_process || m_process->state() == QProcess::NotRunning)
        return -1;
    return ProcessUsage::cpuNsOfProcess(m_process->processId());
}

QJsonObject ServiceHost::describe() const
{
    QJsonObject o;
    o.insert(QStringLiteral("kind"), m_process ? QStringLiteral("external") : QStringLiteral("in-process"));
    o.insert(QStringLiteral("url"), m_url.toString());
    o.insert(QStringLiteral("loadSink"), m_settings.loadSink);
    if (!m_settings.faults.isEmpty())
        o.insert(QStringLiteral("faults"), m_settings.faults);
    if (m_process) {
        o.insert(QStringLiteral("program"), m_program);
        o.insert(QStringLiteral("pid"), m_process->processId());
    }
    return o;
}

std::optional<ServiceStats::Totals> ServiceHost::totals() const
{
    LoopbackService *service = m_service ? m_service->service() : nullptr;
    if (!service)
        return std::nullopt;
    return service->stats().totals();
}

} // namespace Taskscope::Headless
