#include "app/gui/workloadcontroller.h"

#include "model/metricsseries.h"
#include "model/timeformat.h"
#include "model/trace/traceclock.h"
#include "model/transcriptmodel.h"
#include "workers/execution/workerthreadpool.h"
#include "workers/workloads/workloadfactory.h"

#include <QEventLoop>
#include <QFileInfo>
#include <QThread>
#include <QThreadPool>

#include <algorithm>
#include <cmath>

using Taskscope::Execution::WorkerThreadPool;
using Taskscope::Model::AppSettings;
using Taskscope::Model::AudioSourceKind;
using Taskscope::Model::LatencyHistogram;
using Taskscope::Model::MetricsSeries;
using Taskscope::Model::StreamStatistics;
using Taskscope::Model::TaskListModel;
using Taskscope::Model::TaskRow;
using Taskscope::Model::TimeFormat;
using Taskscope::Model::TranscriptModel;
using Taskscope::Model::WorkloadKind;
using Taskscope::Model::WorkloadSpec;
using Taskscope::Scenarios::WorkloadSummary;
using Taskscope::Trace::TraceClock;
using Taskscope::Workloads::ApiKey;
using Taskscope::Workloads::createWorkload;
using Taskscope::Workloads::Workload;
using Taskscope::Workloads::WorkloadStatistics;
namespace MetricNames = Taskscope::Model::MetricNames;

namespace Taskscope::Gui {

namespace {

double ms(quint64 ns)
{
    return double(ns) / 1e6;
}

} // namespace

WorkloadController::WorkloadController(TaskListModel *tasks, TranscriptModel *transcripts, MetricsSeries *metrics,
                                       QObject *parent)
    : QObject(parent)
    , m_taskModel(tasks)
    , m_transcripts(transcripts)
    , m_metrics(metrics)
    , m_cpuPool(std::make_unique<QThreadPool>())
{
    // Offloaded parts are often blocking waits (a command's sleep): more threads than cores, and a
    // pool of their own so a trace save on the global pool never queues behind them.
    m_cpuPool->setObjectName(QStringLiteral("offload pool"));
    m_cpuPool->setMaxThreadCount(std::max(4, 2 * QThread::idealThreadCount()));
    m_threadPool = std::make_shared<WorkerThreadPool>(std::max(4, 2 * QThread::idealThreadCount()),
                                                      QStringLiteral("worker pool"));
    m_env.cpuPool = m_cpuPool.get();
    m_env.threadPool = m_threadPool;
    m_env.threadPoolSize = m_threadPool->maxThreads();
    applySettings(AppSettings());

    m_pollTimer.setInterval(PollIntervalMs);
    connect(&m_pollTimer, &QTimer::timeout, this, &WorkloadController::poll);
}

WorkloadController::~WorkloadController()
{
    // The workloads use the pools below: they go first (thread-model streams are joined, bounded).
    for (auto &[id, task] : m_tasks) {
        if (task.workload) {
            task.workload->cancelFromAnyThread();
            delete task.workload.data();
        }
    }
    m_cpuPool->waitForDone();
}

void WorkloadController::applySettings(const AppSettings &settings)
{
    m_env.deepgramKey = ApiKey(settings.effectiveDeepgramKey());
    m_env.openAiKey = ApiKey(settings.effectiveOpenAiKey());
    if (settings.deepgramBaseUrl.isValid() && !settings.deepgramBaseUrl.isEmpty())
        m_env.deepgramBaseUrl = settings.deepgramBaseUrl;
    if (settings.openAiBaseUrl.isValid() && !settings.openAiBaseUrl.isEmpty())
        m_env.openAiBaseUrl = settings.openAiBaseUrl;
}

void WorkloadController::setLoopbackUrl(const QUrl &url)
{
    m_env.loopbackBaseUrl = url;
    m_serviceFailed = false;
    for (auto &[id, task] : m_tasks) {
        if (task.waitingForService) {
            task.waitingForService = false;
            launch(task);
        }
    }
}

void WorkloadController::setLoopbackFailed(const QString &error)
{
    m_serviceFailed = true;
    m_serviceError = error;
    for (auto &[id, task] : m_tasks) {
        if (task.waitingForService) {
            task.waitingForService = false;
            fail(task, QStringLiteral("the built-in service did not start: %1").arg(error));
        }
    }
}

WorkloadController::Task *WorkloadController::find(quint64 id)
{
    const auto it = m_tasks.find(id);
    return it == m_tasks.end() ? nullptr : &it->second;
}

const WorkloadController::Task *WorkloadController::find(quint64 id) const
{
    const auto it = m_tasks.find(id);
    return it == m_tasks.end() ? nullptr : &it->second;
}

Workload *WorkloadController::workload(quint64 taskId) const
{
    const Task *task = find(taskId);
    return task ? task->workload.data() : nullptr;
}

TaskRow::Status WorkloadController::status(quint64 taskId) const
{
    const Task *task = find(taskId);
    return task ? task->status : TaskRow::Status::Failed;
}

int WorkloadController::activeCount() const
{
    return int(std::count_if(m_tasks.cbegin(), m_tasks.cend(), [](const auto &entry) {
        const TaskRow::Status s = entry.second.status;
        return s == TaskRow::Status::Starting || s == TaskRow::Status::Running || s == TaskRow::Status::Stopping;
    }));
}

int WorkloadController::liveStreams() const
{
    int streams = 0;
    for (const auto &[id, task] : m_tasks) {
        if (task.workload)
            streams += task.workload->liveStreams();
    }
    return streams;
}

QString WorkloadController::labelFor(const WorkloadSpec &spec)
{
    if (!spec.label.isEmpty())
        return spec.label;
    QString audio;
    switch (spec.source) {
    case AudioSourceKind::Sample:
        audio = spec.audio;
        break;
    case AudioSourceKind::File:
        audio = QFileInfo(spec.audio).fileName();
        break;
    case AudioSourceKind::Tone:
        audio = QStringLiteral("tone %1 Hz").arg(spec.toneHz);
        break;
    case AudioSourceKind::Microphone:
        audio = QStringLiteral("microphone");
        break;
    }
    const QString count = spec.count > 1 ? QStringLiteral(" ×%1").arg(spec.count) : QString();
    QString label;
    switch (spec.kind) {
    case WorkloadKind::LiveTranscription:
        label = QStringLiteral("live%1 · %2").arg(count, audio);
        break;
    case WorkloadKind::TextToSpeech:
        label = QStringLiteral("speak%1").arg(count);
        break;
    case WorkloadKind::Prerecorded:
        label = QStringLiteral("prerecorded%1 · %2").arg(count, audio);
        break;
    case WorkloadKind::ChatStream:
        label = QStringLiteral("chat%1 · %2 tokens").arg(count).arg(spec.maxTokens);
        break;
    case WorkloadKind::RequestBurst:
        label = QStringLiteral("burst%1 · %2 req @%3").arg(count).arg(spec.requests).arg(spec.concurrency);
        break;
    case WorkloadKind::Command:
        label = QStringLiteral("%1 %2 ms%3").arg(WorkloadSpec::toString(spec.command)).arg(spec.commandMs).arg(count);
        break;
    }
    if (!spec.baseUrl.isEmpty())
        label += QStringLiteral(" → %1").arg(spec.baseUrl.host());
    if (!spec.faults.isEmpty())
        label += QStringLiteral(" · faults %1").arg(spec.faults);
    return label;
}

TaskRow::Status WorkloadController::toStatus(Workload::State state)
{
    switch (state) {
    case Workload::State::Idle:
        return TaskRow::Status::Starting;
    case Workload::State::Running:
        return TaskRow::Status::Running;
    case Workload::State::Stopping:
        return TaskRow::Status::Stopping;
    case Workload::State::Finished:
        return TaskRow::Status::Finished;
    case Workload::State::Stopped:
        return TaskRow::Status::Stopped;
    case Workload::State::Failed:
        return TaskRow::Status::Failed;
    }
    return TaskRow::Status::Failed;
}

quint64 WorkloadController::start(const WorkloadSpec &spec)
{
    const quint64 id = m_nextId++;
    Task &task = m_tasks[id];
    task.id = id;
    task.spec = spec;
    task.label = labelFor(spec);
    task.startedNs = TraceClock::nowNs();

    TaskRow row;
    row.id = id;
    row.label = task.label;
    row.kind = spec.kind;
    row.model = spec.model;
    row.status = TaskRow::Status::Starting;
    row.startedNs = task.startedNs;
    row.progress = 0;
    m_taskModel->addTask(row);
    if (!m_pollTimer.isActive())
        m_pollTimer.start();

    if (m_env.usesLoopback(spec) && m_env.loopbackBaseUrl.isEmpty()) {
        if (m_serviceFailed) {
            fail(task, QStringLiteral("the built-in service did not start: %1").arg(m_serviceError));
        } else {
            task.waitingForService = true;
            Q_EMIT statusMessage(QStringLiteral("Task %1 starts as soon as the built-in service is up…").arg(id),
                                 false);
        }
    } else {
        launch(task);
    }
    Q_EMIT activeCountChanged(activeCount());
    return id;
}

void WorkloadController::launch(Task &task)
{
    QString error;
    Workload *w = createWorkload(task.spec, m_env, this, &error);
    if (!w) {
        fail(task, error.isEmpty() ? QStringLiteral("this workload cannot run") : error);
        return;
    }
    task.workload = w;
    const quint64 id = task.id;
    connect(w, &Workload::stateChanged, this, [this, id](Workload::State state) { onStateChanged(id, state); });
    connect(w, &Workload::finished, this, [this, id] { onFinished(id); });
    connect(w, &Workload::streamFinished, this,
            [this, id](int stream, bool ok, const QString &reason) { onStreamFinished(id, stream, ok, reason); });
    connect(w, &Workload::transcript, this, [this, id](int stream, const QString &text, bool isFinal, double, double) {
        onTranscript(id, stream, text, isFinal);
    });
    connect(w, &Workload::token, this, [this, id](int stream, const QString &text) { onToken(id, stream, text); });
    w->start();
    // Transcript rows in stream order (text arrives in any order); up to a screenful per task.
    if (task.spec.kind == WorkloadKind::LiveTranscription || task.spec.kind == WorkloadKind::Prerecorded
        || task.spec.kind == WorkloadKind::ChatStream) {
        for (int stream = 0; stream < std::min(task.spec.count, MaxTranscriptRowsUpFront); ++stream)
            ensureTranscriptRow(task, stream);
    }
    Q_EMIT taskStarted(id);
}

void WorkloadController::fail(Task &task, const QString &reason)
{
    task.error = reason;
    task.status = TaskRow::Status::Failed;
    task.endedNs = TraceClock::nowNs();
    m_taskModel->addError(task.id, reason);
    m_taskModel->setStatus(task.id, TaskRow::Status::Failed, task.endedNs);
    Q_EMIT statusMessage(QStringLiteral("Task %1 (%2) failed: %3").arg(task.id).arg(task.label, reason), true);
    Q_EMIT taskEnded(task.id, TaskRow::Status::Failed);
    Q_EMIT activeCountChanged(activeCount());
}

void WorkloadController::stop(quint64 taskId)
{
    Task *task = find(taskId);
    if (!task)
        return;
    if (task->waitingForService) {
        task->waitingForService = false;
        task->status = TaskRow::Status::Stopped;
        task->endedNs = TraceClock::nowNs();
        m_taskModel->setStatus(taskId, TaskRow::Status::Stopped, task->endedNs);
        Q_EMIT taskEnded(taskId, TaskRow::Status::Stopped);
        Q_EMIT activeCountChanged(activeCount());
        return;
    }
    if (task->workload && task->workload->isActive())
        task->workload->stop();
}

void WorkloadController::stopAll()
{
    QList<quint64> ids;
    for (const auto &[id, task] : m_tasks)
        ids.append(id);
    for (quint64 id : std::as_const(ids))
        stop(id);
}

int WorkloadController::shutdown(int timeoutMs)
{
    stopAll();
    for (auto &[id, task] : m_tasks) {
        // A Blocking stream waiting in a nested loop, or a thread stream in a long wait, sees the
        // flag within its next poll (≤ 50 ms) without a trip through this thread's event loop.
        if (task.workload)
            task.workload->cancelFromAnyThread();
    }
    if (activeCount() > 0) {
        QEventLoop loop;
        QTimer deadline;
        deadline.setSingleShot(true);
        connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
        const QMetaObject::Connection ended = connect(this, &WorkloadController::activeCountChanged, &loop,
                                                      [&loop](int active) {
                                                          if (active == 0)
                                                              loop.quit();
                                                      });
        deadline.start(std::max(0, timeoutMs));
        loop.exec();
        disconnect(ended);
    }
    flushFrame();
    const int remaining = activeCount();
    m_pollTimer.stop();
    for (auto &[id, task] : m_tasks) {
        if (task.workload)
            delete task.workload.data();
    }
    return remaining;
}

void WorkloadController::onStateChanged(quint64 id, Workload::State state)
{
    Task *task = find(id);
    if (!task)
        return;
    const TaskRow::Status status = toStatus(state);
    task->status = status;
    const qint64 now = TraceClock::nowNs();
    if (state == Workload::State::Failed && task->workload) {
        task->error = task->workload->errorString();
        // Streams that failed are already listed one by one; a workload-level reason is added once.
        if (task->streamErrors == 0 && !task->error.isEmpty())
            m_taskModel->addError(id, task->error);
    }
    if (!(status == TaskRow::Status::Starting || status == TaskRow::Status::Running
          || status == TaskRow::Status::Stopping))
        task->endedNs = now;
    m_taskModel->setStatus(id, status, now);
}

void WorkloadController::onStreamFinished(quint64 id, int stream, bool ok, const QString &error)
{
    Task *task = find(id);
    if (!task || ok || error.isEmpty())
        return;
    ++task->streamErrors;
    m_taskModel->addError(id, QStringLiteral("stream %1: %2").arg(stream + 1).arg(error));
}

void WorkloadController::onFinished(quint64 id)
{
    Task *task = find(id);
    if (!task || !task->workload)
        return;
    Workload *w = task->workload;
    task->status = toStatus(w->state());
    if (task->endedNs < 0)
        task->endedNs = TraceClock::nowNs();
    task->finalStatistics = w->statistics();
    const double wallS = double(task->endedNs - task->startedNs) / 1e9;
    task->summary = WorkloadSummary::of(*task->finalStatistics, wallS);
    task->finalTokens = task->summary.tokens;
    updateFigures(*task, task->summary);
    m_taskModel->setProgress(id, w->progress());
    m_taskModel->setStatus(id, task->status, task->endedNs);
    if (task->status == TaskRow::Status::Failed) {
        Q_EMIT statusMessage(QStringLiteral("Task %1 (%2) failed: %3").arg(id).arg(task->label, task->error), true);
    }
    // The figures are kept; the workload (its streams' buffers, its threads) is released.
    task->workload = nullptr;
    w->deleteLater();
    trimFinishedStatistics();
    Q_EMIT taskEnded(id, task->status);
    Q_EMIT activeCountChanged(activeCount());
}

void WorkloadController::trimFinishedStatistics()
{
    // Per-stream figures of old tasks go (a session of many large tasks must not grow forever);
    // their aggregate and summary stay.
    int kept = 0;
    for (auto it = m_tasks.rbegin(); it != m_tasks.rend(); ++it) {
        Task &task = it->second;
        if (!task.finalStatistics)
            continue;
        if (++kept > MaxFinishedWithStreams)
            task.finalStatistics->dropStreams();
    }
}

void WorkloadController::onTranscript(quint64 id, int stream, const QString &text, bool isFinal)
{
    PendingText &pending = m_pending[transcriptStreamId(id, stream)];
    if (isFinal) {
        if (!text.isEmpty())
            pending.finals.append(text);
        pending.hasInterim = false;
        pending.interim.clear();
    } else {
        pending.interim = text;
        pending.hasInterim = true;
    }
}

void WorkloadController::onToken(quint64 id, int stream, const QString &text)
{
    PendingText &pending = m_pending[transcriptStreamId(id, stream)];
    pending.tokens += text;
    ++pending.tokenCount;
}

void WorkloadController::ensureTranscriptRow(Task &task, int stream)
{
    if (task.transcriptRows.contains(stream))
        return;
    task.transcriptRows.insert(stream, true);
    m_transcripts->addStream(transcriptStreamId(task.id, stream),
                             QStringLiteral("%1 · %2 #%3 · %4")
                                 .arg(task.id)
                                 .arg(WorkloadSpec::toString(task.spec.kind))
                                 .arg(stream + 1)
                                 .arg(WorkloadSpec::toString(task.spec.model)));
}

void WorkloadController::flushFrame()
{
    if (m_pending.empty())
        return;
    std::map<quint64, PendingText> pending;
    pending.swap(m_pending);
    for (auto &[key, text] : pending) {
        Task *task = find(key >> 16);
        if (!task)
            continue;
        ensureTranscriptRow(*task, int(key & 0xffff));
        for (const QString &final : std::as_const(text.finals))
            m_transcripts->addFinal(key, final);
        if (text.hasInterim)
            m_transcripts->setInterim(key, text.interim);
        if (text.tokenCount > 0)
            m_transcripts->appendTokens(key, text.tokens, text.tokenCount);
    }
}

QString WorkloadController::figuresText(const Model::WorkloadSpec &spec, const WorkloadSummary &summary)
{
    const auto msOf = [](const std::optional<double> &ms) {
        return ms ? Model::TimeFormat::duration(qint64(*ms * 1e6), 1) : QStringLiteral("–");
    };
    QStringList parts;
    switch (spec.kind) {
    case WorkloadKind::LiveTranscription:
        parts << QStringLiteral("lateness p99 %1").arg(msOf(summary.latenessP99Ms));
        if (summary.latencyKind == WorkloadSummary::LatencyKind::Transcript)
            parts << QStringLiteral("transcript p50 %1").arg(msOf(summary.latencyP50Ms));
        break;
    case WorkloadKind::TextToSpeech:
        parts << QStringLiteral("first audio %1").arg(msOf(summary.timeToFirstAudioP50Ms));
        break;
    case WorkloadKind::Prerecorded:
        parts << QStringLiteral("%1 requests · p50 %2").arg(summary.requests).arg(msOf(summary.latencyP50Ms));
        break;
    case WorkloadKind::ChatStream:
        parts << QStringLiteral("%1 tokens · first %2 · gap p99 %3")
                     .arg(summary.tokens)
                     .arg(msOf(summary.timeToFirstTokenP50Ms), msOf(summary.interTokenGapP99Ms));
        break;
    case WorkloadKind::RequestBurst:
        parts << QStringLiteral("%1 requests · p99 %2").arg(summary.requests).arg(msOf(summary.latencyP99Ms));
        if (summary.requestsPerSecond)
            parts << QStringLiteral("%1 req/s").arg(*summary.requestsPerSecond, 0, 'f', 0);
        break;
    case WorkloadKind::Command:
        parts << QStringLiteral("%1 runs · p50 %2").arg(summary.requests).arg(msOf(summary.latencyP50Ms));
        break;
    }
    if (summary.reconnects)
        parts << QStringLiteral("%1 reconnects").arg(summary.reconnects);
    if (summary.errors)
        parts << QStringLiteral("%1 errors").arg(summary.errors);
    if (summary.failed)
        parts << QStringLiteral("%1 of %2 streams failed").arg(summary.failed).arg(summary.streams);
    return parts.join(QStringLiteral(" · "));
}

void WorkloadController::updateFigures(Task &task, const WorkloadSummary &summary)
{
    const QString text = figuresText(task.spec, summary);
    if (text == task.figures)
        return;
    task.figures = text;
    m_taskModel->setFigures(task.id, text);
}

void WorkloadController::poll()
{
    const qint64 now = TraceClock::nowNs();
    for (auto &[id, task] : m_tasks) {
        Workload *w = task.workload;
        if (!w || !w->isActive())
            continue;
        const double progress = w->progress();
        if (std::abs(progress - task.shownProgress) >= 0.005 || (progress < 0) != (task.shownProgress < 0)) {
            task.shownProgress = progress;
            m_taskModel->setProgress(id, progress);
        }
    }
    if (now - m_lastMetricsNs >= qint64(MetricsIntervalMs) * 1'000'000) {
        m_lastMetricsNs = now;
        sampleMetrics(now);
    }
    const int active = activeCount();
    if (active != m_lastActive) {
        m_lastActive = active;
        Q_EMIT activeCountChanged(active);
    }
    if (active == 0 && m_pending.empty())
        m_pollTimer.stop();
}

void WorkloadController::sampleMetrics(qint64 nowNs)
{
    // Running workloads only: the charts show what is going on now (cumulative per stream).
    StreamStatistics live;
    qint64 tokens = 0;
    bool anyChat = false;
    for (auto &[id, task] : m_tasks) {
        anyChat = anyChat || task.spec.kind == WorkloadKind::ChatStream;
        Workload *w = task.workload;
        if (!w || !w->isActive()) {
            tokens += task.finalTokens;
            continue;
        }
        const StreamStatistics figures = w->aggregateFigures();
        live.merge(figures);
        tokens += figures.tokens;
        // A running task's row shows its figures so far (the aggregate is enough for the row).
        WorkloadStatistics statistics;
        statistics.aggregate = figures;
        updateFigures(task, WorkloadSummary::of(statistics, double(nowNs - task.startedNs) / 1e9));
    }
    if (!m_metrics)
        return;
    if (!live.sendLateness.isEmpty()) {
        m_metrics->add(MetricNames::PacingLatenessP50, nowNs, ms(live.sendLateness.p50()));
        m_metrics->add(MetricNames::PacingLatenessP99, nowNs, ms(live.sendLateness.p99()));
        m_metrics->add(MetricNames::PacingLatenessMax, nowNs, ms(live.sendLateness.max()));
    }
    const LatencyHistogram &latency = live.transcriptLatency.isEmpty() ? live.requestLatency : live.transcriptLatency;
    if (!latency.isEmpty()) {
        const QList<quint64> p = latency.percentiles({50, 90, 99});
        m_metrics->add(MetricNames::LatencyP50, nowNs, ms(p.value(0)));
        m_metrics->add(MetricNames::LatencyP90, nowNs, ms(p.value(1)));
        m_metrics->add(MetricNames::LatencyP99, nowNs, ms(p.value(2)));
    }
    if (anyChat) {
        if (m_lastTokensTotal >= 0 && nowNs > m_lastTokensNs)
            m_metrics->add(MetricNames::TokensPerSecond, nowNs,
                           double(std::max<qint64>(0, tokens - m_lastTokensTotal)) * 1e9
                               / double(nowNs - m_lastTokensNs));
        m_lastTokensTotal = tokens;
        m_lastTokensNs = nowNs;
    }
}

QJsonArray WorkloadController::tasksJson() const
{
    QJsonArray array;
    for (const auto &[id, task] : m_tasks) {
        QJsonObject o;
        o.insert(QStringLiteral("id"), double(id));
        o.insert(QStringLiteral("label"), task.label);
        o.insert(QStringLiteral("spec"), task.spec.toJson());
        o.insert(QStringLiteral("status"), TaskRow::toString(task.status));
        o.insert(QStringLiteral("startedS"), double(task.startedNs) / 1e9);
        if (task.endedNs >= 0)
            o.insert(QStringLiteral("endedS"), double(task.endedNs) / 1e9);
        if (!task.error.isEmpty())
            o.insert(QStringLiteral("error"), m_env.redact(task.error));
        if (!task.figures.isEmpty())
            o.insert(QStringLiteral("figures"), task.figures);
        if (task.workload) {
            const WorkloadStatistics statistics = task.workload->statistics();
            o.insert(QStringLiteral("statistics"), statistics.toJson());
            o.insert(
                QStringLiteral("summary"),
                WorkloadSummary::of(statistics, double(Trace::TraceClock::nowNs() - task.startedNs) / 1e9).toJson());
        } else if (task.finalStatistics) {
            o.insert(QStringLiteral("statistics"), task.finalStatistics->toJson());
            o.insert(QStringLiteral("summary"), task.summary.toJson());
        }
        array.append(o);
    }
    return array;
}

} // namespace Taskscope::Gui
