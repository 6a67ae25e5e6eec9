#include "app/headless/headlesssession.h"

#include "app/headless/headlesscommandline.h"
#include "app/headless/servicehost.h"
#include "app/scenario/runreport.h"
#include "app/scenario/scenario.h"
#include "app/scenario/scenariorunner.h"
#include "model/trace/chrometracewriter.h"
#include "model/trace/tracerecorder.h"
#include "model/trace/tracestore.h"
#include "workers/workloads/workloadenvironment.h"

#include <QAbstractItemModel>
#include <QCoreApplication>
#include <QDateTime>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>
#include <QSocketNotifier>
#include <QTextStream>
#include <QTimer>

#include <atomic>
#include <csignal>
#include <cstdio>

#include <fcntl.h>
#include <unistd.h>

using Taskscope::Model::ExecutionModel;
using Taskscope::Model::WorkloadSpec;
using Taskscope::Scenarios::RunReport;
using Taskscope::Scenarios::Scenario;
using Taskscope::Scenarios::ScenarioRunner;
using Taskscope::Trace::ChromeTraceOptions;
using Taskscope::Trace::ChromeTraceWriter;
using Taskscope::Trace::TraceRecorder;
using Taskscope::Trace::TraceStore;
using Taskscope::Workloads::WorkloadEnvironment;

namespace Taskscope::Headless {

namespace {

std::atomic<int> s_signalCount {0};
int s_signalPipe[2] = {-1, -1};

void onStopSignal(int)
{
    // Async-signal-safe: count, then wake the event loop through the pipe; a second signal exits.
    if (s_signalCount.fetch_add(1) >= 1)
        _exit(130);
    const char byte = 1;
    if (s_signalPipe[1] >= 0) {
        const ssize_t written = ::write(s_signalPipe[1], &byte, 1);
        Q_UNUSED(written);
    }
}

QString formatProgress(const ScenarioRunner::Progress &p, const QString &label)
{
    return QStringLiteral("[%1 s]%2 live %3 · finished %4/%5 · failed %6")
        .arg(p.elapsedS, 6, 'f', 1)
        .arg(label.isEmpty() ? QString() : QStringLiteral(" ") + label + QStringLiteral(":"))
        .arg(p.liveStreams)
        .arg(p.finishedStreams)
        .arg(p.totalStreams)
        .arg(p.failedStreams);
}

bool writeFile(const QString &path, const QByteArray &bytes, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace

class HeadlessSession::SignalPipe final
{
public:
    explicit SignalPipe(HeadlessSession *session)
    {
        s_signalCount = 0;
        if (::pipe2(s_signalPipe, O_CLOEXEC | O_NONBLOCK) != 0) {
            s_signalPipe[0] = s_signalPipe[1] = -1;
            return;
        }
        m_notifier = new QSocketNotifier(s_signalPipe[0], QSocketNotifier::Read);
        QObject::connect(m_notifier, &QSocketNotifier::activated, session, [session] {
            char buffer[16];
            while (::read(s_signalPipe[0], buffer, sizeof buffer) > 0) { }
            session->interrupt();
        });
        struct sigaction action
        {
        };
        action.sa_handler = &onStopSignal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART;
        sigaction(SIGINT, &action, &m_oldInt);
        sigaction(SIGTERM, &action, &m_oldTerm);
    }
    ~SignalPipe()
    {
        sigaction(SIGINT, &m_oldInt, nullptr);
        sigaction(SIGTERM, &m_oldTerm, nullptr);
        delete m_notifier;
        for (int &fd : s_signalPipe) {
            if (fd >= 0)
                ::close(fd);
            fd = -1;
        }
    }
    Q_DISABLE_COPY_MOVE(SignalPipe)

private:
    QSocketNotifier *m_notifier = nullptr;
    struct sigaction m_oldInt
    {
    };
    struct sigaction m_oldTerm
    {
    };
};

HeadlessSession::HeadlessSession(QObject *parent)
    : QObject(parent)
{
}

HeadlessSession::~HeadlessSession()
{
    removeSignalHandlers();
}

void HeadlessSession::setAlertSource(QAbstractItemModel *model, int jsonRole)
{
    m_alertModel = model;
    m_alertJsonRole = jsonRole;
}

void HeadlessSession::addAlertProducer(std::function<QList<QJsonObject>()> producer)
{
    m_alertProducers.append(std::move(producer));
}

void HeadlessSession::setOutput(QTextStream *out, QTextStream *err)
{
    m_out = out;
    m_err = err;
}

void HeadlessSession::installSignalHandlers()
{
    if (m_handleSignals && !m_signals)
        m_signals = new SignalPipe(this);
}

void HeadlessSession::removeSignalHandlers()
{
    delete m_signals;
    m_signals = nullptr;
}

void HeadlessSession::interrupt()
{
    if (m_interrupted)
        return;
    m_interrupted = true;
    if (m_err)
        *m_err << "\ntaskscope: interrupted, stopping the workloads (again to quit at once)\n" << Qt::flush;
    if (m_current)
        m_current->interrupt();
}

void HeadlessSession::showProgress(bool final)
{
    if (m_quiet || !m_current || !m_err)
        return;
    const QString line = formatProgress(m_current->progress(), m_runLabel);
    if (m_errIsTerminal) {
        *m_err << "\r\033[K" << line;
        if (final)
            *m_err << '\n';
        *m_err << Qt::flush;
        return;
    }
    // Not a terminal (CI logs): a line every 5 s and at the end, not a stream of carriage returns.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (final || now - m_lastProgressPrintMs >= 5000) {
        m_lastProgressPrintMs = now;
        *m_err << line << '\n' << Qt::flush;
    }
}

int HeadlessSession::run(const QStringList &arguments)
{
    QTextStream defaultOut(stdout);
    QTextStream defaultErr(stderr);
    if (!m_out)
        m_out = &defaultOut;
    if (!m_err) {
        m_err = &defaultErr;
        m_errIsTerminal = ::isatty(STDERR_FILENO) == 1;
    }
    m_interrupted = false;
    m_report = {};
    QTextStream &out = *m_out;
    QTextStream &err = *m_err;
    auto usageError = [&](const QString &message) {
        err << "taskscope: " << message << '\n' << Qt::flush;
        return 2;
    };

    QString error;
    const std::optional<HeadlessCommandLine> options = HeadlessCommandLine::parse(arguments, &error);
    if (!options)
        return usageError(error);
    if (options->help) {
        out << HeadlessCommandLine::helpText() << Qt::flush;
        return 0;
    }
    if (options->listScenarios) {
        for (const QString &name : Scenario::bundledNames())
            out << name << '\n';
        out << Qt::flush;
        return 0;
    }
    m_quiet = options->quiet;
    QString source;
    std::optional<Scenario> scenario = Scenario::load(options->scenario, &error, &source);
    if (!scenario)
        return usageError(error);
    if (options->durationS > 0)
        scenario->durationS = options->durationS;

    TraceStore store;
    store.setRetentionNs(qint64(scenario->trace.retentionS * 1e9));
    store.setCapacity(quint64(scenario->trace.maxItems));
    if (scenario->trace.bufferMiB > 0)
        TraceRecorder::setBufferBudgetBytes(quint64(scenario->trace.bufferMiB) << 20);
    TraceRecorder::drain(store); // start from now: whatever was recorded before is not this run's

    ServiceHost service;
    if (scenario->needsLoopback() && !service.start(scenario->service)) {
        err << "taskscope: " << service.errorString() << '\n' << Qt::flush;
        return 1;
    }
    WorkloadEnvironment env = WorkloadEnvironment::fromProcessEnvironment();
    env.loopbackBaseUrl = service.baseUrl();
    const QJsonObject environment = RunReport::environment(service.isRunning() ? service.describe() : QJsonObject(),
                                                           !env.openAiKey.isEmpty(), !env.deepgramKey.isEmpty());
    installSignalHandlers();
    const Passes passes = runPasses(*options, *scenario, env, store, service);
    removeSignalHandlers();
    if (!passes.usageError.isEmpty())
        return usageError(passes.usageError);
    // From here on the thread writes what the runs measured: its own work, excused up to a budget.
    const std::shared_ptr<void> ownWork = m_ownWork ? m_ownWork(u"writing the report and the trace") : nullptr;
    TraceRecorder::drain(store);
    if (passes.runs.size() > 1)
        out << "\n== comparison (" << scenario->name << ")\n" << RunReport::comparisonTable(passes.runs) << Qt::flush;

    m_report = RunReport::build(*scenario, source, environment, passes.runs);
    const bool written = writeOutputs(*options, scenario->name, store);
    service.stop();
    if (m_interrupted)
        return 130;
    return passes.allSucceeded && written ? 0 : 1;
}

HeadlessSession::Passes HeadlessSession::runPasses(const HeadlessCommandLine &options, const Scenario &scenario,
                                                   const WorkloadEnvironment &env, TraceStore &store,
                                                   ServiceHost &service)
{
    QList<std::optional<ExecutionModel>> models;
    if (options.compare.isEmpty())
        models.append(std::nullopt);
    for (ExecutionModel model : options.compare)
        models.append(model);

    Passes passes;
    QTimer progressTimer;
    progressTimer.setInterval(250);
    connect(&progressTimer, &QTimer::timeout, this, [this] { showProgress(false); });
    for (const std::optional<ExecutionModel> &model : std::as_const(models)) {
        if (m_interrupted)
            break;
        ScenarioRunner runner(scenario, env, &store);
        runner.setModelOverride(model);
        if (service.isExternal())
            runner.setServiceCpuSource([&service] { return service.externalCpuNs(); });
        if (m_alertModel)
            runner.setAlertSource(m_alertModel, m_alertJsonRole);
        for (const auto &producer : std::as_const(m_alertProducers))
            runner.addAlertProducer(producer);
        runner.setAlertSettler(m_alertSettler);
        if (!runner.prepare(&passes.usageError))
            return passes;
        m_current = &runner;
        m_runLabel = model ? WorkloadSpec::toString(*model) : QString();
        QEventLoop loop;
        connect(&runner, &ScenarioRunner::finished, &loop, &QEventLoop::quit);
        progressTimer.start();
        runner.start();
        if (!runner.isFinished())
            loop.exec();
        progressTimer.stop();
        showProgress(true);
        m_current = nullptr;
        passes.runs.append(runner.result());
        if (!runner.succeeded())
            passes.allSucceeded = false;
        if (options.compare.isEmpty() || !m_quiet) {
            if (model)
                *m_out << "== " << WorkloadSpec::toString(*model) << '\n';
            *m_out << RunReport::summaryTable(runner.result()) << Qt::flush;
        }
    }
    return passes;
}

bool HeadlessSession::writeOutputs(const HeadlessCommandLine &options, const QString &scenarioName,
                                   const TraceStore &store)
{
    QTextStream &err = *m_err;
    bool ok = true;
    QString error;
    if (!options.reportPath.isEmpty()) {
        if (!writeFile(options.reportPath, QJsonDocument(m_report).toJson(QJsonDocument::Indented), &error)) {
            err << "taskscope: " << error << '\n';
            ok = false;
        } else if (!m_quiet) {
            err << "report: " << options.reportPath << '\n';
        }
    }
    if (!options.tracePath.isEmpty()) {
        ChromeTraceOptions traceOptions;
        traceOptions.metadata.insert(QStringLiteral("scenario"), scenarioName);
        QFile file(options.tracePath);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
            || !ChromeTraceWriter::write(store, &file, traceOptions, &error)) {
            err << "taskscope: cannot write the trace " << options.tracePath << ": "
                << (error.isEmpty() ? file.errorString() : error) << '\n';
            ok = false;
        } else if (!m_quiet) {
            err << "trace: " << options.tracePath << " (" << store.itemCount() << " items)\n";
        }
    }
    err << Qt::flush;
    return ok;
}

} // namespace Taskscope::Headless
