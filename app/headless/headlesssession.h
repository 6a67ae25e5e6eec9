#pragma once

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

namespace Taskscope::Scenarios {
class Scenario;
class ScenarioRunner;
} // namespace Taskscope::Scenarios
namespace Taskscope::Workloads {
struct WorkloadEnvironment;
}
class QAbstractItemModel;
class QTextStream;
namespace Taskscope::Trace {
class TraceStore;
} // namespace Taskscope::Trace

namespace Taskscope::Headless {

struct HeadlessCommandLine;
class ServiceHost;

/// One `taskscope --headless ...` invocation, on an existing QCoreApplication (runHeadless makes
/// it; tests call run() directly): parses the command line, loads the scenario, starts the
/// built-in service (in-process or external), runs the scenario once or once per --compare model
/// with ScenarioRunner, shows progress on stderr, prints the summary (and comparison) table on
/// stdout, writes the JSON report and the Chrome trace, and returns the exit code:
/// 0 all workloads succeeded, 1 a workload failed / timeout / the service did not start,
/// 2 usage or scenario error, 130 interrupted (what was measured is still written).
///
/// Ctrl-C (SIGINT) or SIGTERM stops the current run cleanly; a second one exits at once.
///
/// Watchdog hook: setAlertSource() (e.g. the watchdog's AlertListModel with its JsonRole) and
/// addAlertProducer() are passed to every run; the alerts raised during a run go into its report.
class HeadlessSession final : public QObject
{
    Q_OBJECT
public:
    explicit HeadlessSession(QObject *parent = nullptr);
    ~HeadlessSession() override;
    Q_DISABLE_COPY_MOVE(HeadlessSession)

    void setAlertSource(QAbstractItemModel *model, int jsonRole);
    void addAlertProducer(std::function<QList<QJsonObject>()> producer);
    /// Known work on the calling thread after the runs (writing the report and the trace): the
    /// returned token (e.g. a WatchdogBudget) lives while it runs.
    void setOwnWorkScope(std::function<std::shared_ptr<void>(QStringView reason)> scope)
    {
        m_ownWork = std::move(scope);
    }
    /// See ScenarioRunner::setAlertSettler: every run's alerts wait for it.
    void setAlertSettler(std::function<void(std::function<void()>)> settler) { m_alertSettler = std::move(settler); }
    /// Where the progress line, tables and errors go (default: stderr and stdout).
    void setOutput(QTextStream *out, QTextStream *err);
    /// Handle SIGINT/SIGTERM while running (default true; tests turn it off).
    void setHandleSignals(bool handle) { m_handleSignals = handle; }

    /// arguments[0] is the program name.
    int run(const QStringList &arguments);
    /// Stops the current run as if Ctrl-C was pressed.
    void interrupt();

    /// The last report built by run() (also written with --report).
    QJsonObject report() const { return m_report; }

private:
    /// What the runs of one invocation gave: one result per run, or the error that stopped them.
    struct Passes
    {
        QList<QJsonObject> runs;
        bool allSucceeded = true;
        QString usageError;
    };

    Passes runPasses(const HeadlessCommandLine &options, const Scenarios::Scenario &scenario,
                     const Workloads::WorkloadEnvironment &env, Trace::TraceStore &store, ServiceHost &service);
    /// Writes the report and the trace where the command line asked; false if one could not be written.
    bool writeOutputs(const HeadlessCommandLine &options, const QString &scenarioName, const Trace::TraceStore &store);
    void showProgress(bool final);
    void installSignalHandlers();
    void removeSignalHandlers();

    QPointer<QAbstractItemModel> m_alertModel;
    int m_alertJsonRole = 0;
    QList<std::function<QList<QJsonObject>()>> m_alertProducers;
    std::function<void(std::function<void()>)> m_alertSettler;
    std::function<std::shared_ptr<void>(QStringView)> m_ownWork;
    QTextStream *m_out = nullptr;
    QTextStream *m_err = nullptr;
    bool m_handleSignals = true;
    bool m_interrupted = false;
    bool m_quiet = false;
    bool m_errIsTerminal = false;
    qint64 m_lastProgressPrintMs = 0;
    QPointer<Scenarios::ScenarioRunner> m_current;
    QString m_runLabel;
    QJsonObject m_report;
    class SignalPipe;
    SignalPipe *m_signals = nullptr;
};

} // namespace Taskscope::Headless
