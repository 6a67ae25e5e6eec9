#pragma once

#include "app/scenario/scenario.h"
#include "workers/loopback/servicestats.h"

#include <QJsonObject>
#include <QString>
#include <QUrl>

#include <memory>
#include <optional>

namespace Taskscope::Scenarios {
class LoopbackHost;
}
class QProcess;

namespace Taskscope::Headless {

/// The built-in service for a headless run: in-process on its own threads (the default; started on
/// LoopbackHost's owner thread while the calling thread's event loop keeps running, so loading the
/// grammar and decoders never blocks the thread the watchdog guards), or the
/// `taskscope-server` executable as a separate process when the scenario asks for
/// `"service": {"external": true}` (scale runs, so the service's CPU is not counted as the
/// client's). The executable is looked up as $TASKSCOPE_SERVER, next to the running program, in the
/// build tree (../workers/loopback/) and on PATH; its "listening on URL" line gives the address.
class ServiceHost final
{
public:
    ServiceHost();
    ~ServiceHost();
    Q_DISABLE_COPY_MOVE(ServiceHost)

    /// Starts the service; false with errorString() set on failure. Returns once it serves (up to
    /// 15 s for an external one), running the calling thread's event loop meanwhile.
    bool start(const Scenarios::Scenario::Service &settings);
    void stop();

    bool isRunning() const { return !m_url.isEmpty(); }
    bool isExternal() const { return m_process != nullptr; }
    QUrl baseUrl() const { return m_url; }
    QString errorString() const { return m_error; }
    /// CPU time used by an external service so far (ns), -1 when in-process or unknown.
    qint64 externalCpuNs() const;
    /// {"kind": "in-process"|"external", "url", "loadSink", "program", "pid", ...} for the report.
    QJsonObject describe() const;
    /// The in-process service's counters (none for an external one).
    std::optional<Loopback::ServiceStats::Totals> totals() const;

    /// Where taskscope-server is found (empty if nowhere).
    static QString findServerProgram();

private:
    bool startInProcess(const Scenarios::Scenario::Service &settings);
    bool startExternal(const Scenarios::Scenario::Service &settings);

    std::unique_ptr<Scenarios::LoopbackHost> m_service;
    QProcess *m_process = nullptr;
    QString m_program;
    Scenarios::Scenario::Service m_settings;
    QUrl m_url;
    QString m_error;
};

} // namespace Taskscope::Headless
