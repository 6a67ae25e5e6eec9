#include "workers/probe/probehost.h"

#include "model/alertrecord.h"
#include "model/protocol/probewire.h"
#include "model/trace/tracerecorder.h"
#include "workers/probe/dispatchrecorder.h"
#include "workers/probe/probetransport.h"
#include "workers/watchdog/uiwatchdog.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QThread>
#include <QVersionNumber>

#include <unistd.h>

using Taskscope::Model::AlertRecord;
using Taskscope::Trace::TraceClock;
using Taskscope::Trace::TraceRecorder;
using Taskscope::Watchdog::UiWatchdog;
using Taskscope::Watchdog::UiWatchdogConfig;

namespace Taskscope::Probe {
namespace {

constexpr quint64 MaxRecorderBytes = 32ull << 20;

} // namespace

ProbeHost::Settings ProbeHost::Settings::fromEnvironment(QString *error)
{
    Settings settings;
    settings.socketPath = qEnvironmentVariable("TASKSCOPE_PROBE_SOCKET");
    // Inside someone else's program: no journal in its data folder, no desktop pop-ups.
    QJsonObject config {{QStringLiteral("journal"), false}, {QStringLiteral("desktopNotifications"), false}};
    const QByteArray json = qgetenv("TASKSCOPE_PROBE_WATCHDOG");
    if (!json.isEmpty()) {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
        if (!document.isObject()) {
            if (error)
                *error =
                    QStringLiteral("TASKSCOPE_PROBE_WATCHDOG is not a JSON object: %1").arg(parseError.errorString());
        } else {
            const QJsonObject overrides = document.object();
            for (auto it = overrides.begin(); it != overrides.end(); ++it)
                config.insert(it.key(), it.value());
        }
    }
    QString configError;
    settings.watchdog = UiWatchdogConfig::fromJson(config, &configError);
    if (!configError.isEmpty() && error)
        *error = QStringLiteral("TASKSCOPE_PROBE_WATCHDOG: %1").arg(configError);
    return settings;
}

ProbeHost::ProbeHost(Settings settings, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
{
}

ProbeHost::~ProbeHost()
{
    stop(QStringLiteral("probe destroyed"));
}

QString ProbeHost::incompatibility(const char *runtimeVersion)
{
    const QVersionNumber runtime = QVersionNumber::fromString(QLatin1String(runtimeVersion));
    if (runtime.majorVersion() == QT_VERSION_MAJOR && runtime.minorVersion() == QT_VERSION_MINOR)
        return {};
    return QStringLiteral("built for Qt %1.%2, this program runs Qt %3")
        .arg(QT_VERSION_MAJOR)
        .arg(QT_VERSION_MINOR)
        .arg(QLatin1String(runtimeVersion));
}

bool ProbeHost::start()
{
    QCoreApplication *app = QCoreApplication::instance();
    if (!app || QThread::currentThread() != app->thread() || m_watchdog)
        return false;
    // A guest's share of the host's memory: the transport drains every 25 ms, so this is seconds of a flood.
    TraceRecorder::setBufferBudgetBytes(MaxRecorderBytes);
    const bool recording = DispatchRecorder::install();
    DispatchRecorder::setUiThread();

    ProbeTransport::Options options;
    options.socketPath = m_settings.socketPath;
    m_transport = std::make_unique<ProbeTransport>(options);

    UiWatchdogConfig config = m_settings.watchdog;
    // The recorder's callback brackets the UI thread's dispatches for the watchdog too.
    config.installDispatchProbe = !recording;
    ProbeTransport *transport = m_transport.get();
    config.alertObserver = [transport](const AlertRecord &record, int phase) { transport->postAlert(record, phase); };
    m_watchdog = std::make_unique<UiWatchdog>(config);
    const bool watching = m_watchdog->start();

    const QJsonObject hello {
        {QStringLiteral("pid"), qint64(getpid())},
        {QStringLiteral("program"), QCoreApplication::applicationFilePath()},
        {QStringLiteral("arguments"), QJsonArray::fromStringList(QCoreApplication::arguments())},
        {QStringLiteral("qtVersion"), QString::fromLatin1(qVersion())},
        {QStringLiteral("builtForQt"), QStringLiteral(QT_VERSION_STR)},
        {QStringLiteral("wireVersion"), ProbeWire::Version},
        {QStringLiteral("uiTid"), qint64(gettid())},
        {QStringLiteral("dispatchRecorder"), recording},
        {QStringLiteral("watchdog"), watching},
        {QStringLiteral("stackSampling"), m_watchdog->stackSamplingActive()},
        {QStringLiteral("hangMs"), qint64(config.hang.count())},
        // Our times are ns since this origin: a reader maps them onto its own clock with it.
        {QStringLiteral("originSteadyNs"), qint64(TraceClock::originSteadyNs())},
    };
    m_transport->start(hello);
    return true;
}

void ProbeHost::stop(const QString &reason)
{
    if (m_watchdog) {
        m_watchdog->stop();
        m_watchdog.reset();
    }
    if (m_transport) {
        m_transport->stop(std::chrono::seconds(1), reason);
        m_transport.reset();
    }
    DispatchRecorder::uninstall();
    DispatchRecorder::setUiThread(false);
}

} // namespace Taskscope::Probe
