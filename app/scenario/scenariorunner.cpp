#include "app/scenario/scenariorunner.h"

#include "app/scenario/workloadsummary.h"
#include "model/alertrecord.h"
#include "model/trace/traceclock.h"
#include "model/trace/tracerecorder.h"
#include "model/trace/tracestore.h"
#include "workers/execution/pacer.h"
#include "workers/workloads/workload.h"
#include "workers/workloads/workloadfactory.h"
#include "workers/workloads/workloadstatistics.h"

#include <QAbstractItemModel>
#include <QFile>
#include <QJsonValue>

#include <algorithm>
#include <cmath>

using Taskscope::Model::AlertRecord;
using Taskscope::Model::AlertVerdict;
using Taskscope::Model::WorkloadSpec;
using Taskscope::Trace::TraceClock;
using Taskscope::Trace::TraceRecorder;
using Taskscope::Trace::TraceStore;
using Taskscope::Workloads::createWorkload;
using Taskscope::Workloads::Workload;
using Taskscope::Workloads::WorkloadEnvironment;
using Taskscope::Workloads::WorkloadStatistics;

namespace Taskscope::Scenarios {

namespace {

constexpr int TickMs = 100;
// Drains often, so each drain is short: on the coroutine model it shares the UI thread with the
// streams, and one long drain would show up as send lateness (the window drains at frame rate too).
constexpr int DrainMs = 20;
constexpr int StopGraceMs = 10000;

// The 1-minute load average: other processes competing for the cores skew lateness figures.
double loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    return file.open(QIODevice::ReadOnly) ? file.readAll().split(' ').value(0).toDouble() : -1;
}

} // namespace

ScenarioRunner::ScenarioRunner(Scenario scenario, WorkloadEnvironment environment, TraceStore *store, QObject *parent)
    : QObject(parent)
    , m_scenario(std::move(scenario))
    , m_env(std::move(environment))
    , m_store(store)
    , m_schedule(m_scenario)
{
    m_tickTimer.setInterval(TickMs);
    connect(&m_tickTimer, &QTimer::timeout, this, &ScenarioRunner::tick);
    m_drainTimer.setInterval(DrainMs);
    connect(&m_drainTimer, &QTimer::timeout, this, &ScenarioRunner::drain);
    connect(&m_schedule, &ScenarioSchedule::entryDue, this, &ScenarioRunner::startSlot);
    connect(&m_schedule, &ScenarioSchedule::entryStopDue, this, [this](int index) {
        const Slot &slot = m_slots[std::size_t(index)];
        if (slot.started && slot.workload)
            slot.workload->stop();
    });
    connect(&m_schedule, &ScenarioSchedule::durationReached, this, [this] { stopAll(End::Duration); });
    connect(&m_schedule, &ScenarioSchedule::timedOut, this, [this] { stopAll(End::Timeout); });
    m_graceTimer.setSingleShot(true);
    connect(&m_graceTimer, &QTimer::timeout, this, [this] {
        m_runErrors << QStringLiteral("some workloads did not stop within %1 s").arg(StopGraceMs / 1000);
        finalize();
    });
}

ScenarioRunner::~ScenarioRunner()
{
    for (Slot &slot : m_slots)
        delete slot.workload.data();
}

qint64 ScenarioRunner::nowNs()
{
    return qint64(TraceClock::steadyNs() - TraceClock::originSteadyNs());
}

void ScenarioRunner::setAlertSource(QAbstractItemModel *model, int jsonRole)
{
    m_alertModel = model;
    m_alertJsonRole = jsonRole;
}

void ScenarioRunner::addAlertProducer(std::function<QList<QJsonObject>()> producer)
{
    m_alertProducers.append(std::move(producer));
}

QString ScenarioRunner::toString(End end)
{
    switch (end) {
    case End::Completed:
        return QStringLiteral("completed");
    case End::Duration:
        return QStringLiteral("duration");
    case End::Timeout:
        return QStringLiteral("timeout");
    case End::Interrupted:
        return QStringLiteral("interrupted");
    case End::StartFailed:
        return QStringLiteral("start failed");
    }
    return {};
}

bool ScenarioRunner::prepare(QString *error)
{
    m_slots.clear();
    m_slots.resize(std::size_t(m_scenario.workloads.size()));
    for (qsizetype i = 0; i < m_scenario.workloads.size(); ++i) {
        Slot &slot = m_slots[std::size_t(i)];
        slot.entry = m_scenario.workloads.at(i);
        if (m_modelOverride)
            slot.entry.spec.model = *m_modelOverride;
        QString why;
        Workload *workload = createWorkload(slot.entry.spec, m_env, nullptr, &why);
        if (!workload) {
            if (error)
                *error = QStringLiteral("workloads[%1] (%2): %3")
                             .arg(i)
                             .arg(WorkloadSpec::toString(slot.entry.spec.kind), why);
            m_slots.clear();
            return false;
        }
        slot.workload = workload;
        const int index = int(i);
        connect(workload, &Workload::finished, this, [this, index] { onWorkloadFinished(index); });
        connect(workload, &Workload::streamFinished, this, [this, index](int, bool ok, const QString &) {
            Slot &s = m_slots[std::size_t(index)];
            ++s.finishedStreams;
            if (!ok)
                ++s.failedStreams;
        });
    }
    return true;
}

void ScenarioRunner::start()
{
    if (m_started)
        return;
    m_started = true;
    ProcessUsage::trimHeap();
    ProcessUsage::resetPeak();
    m_usageAtStart = ProcessUsage::now();
    m_baselineRss = m_usageAtStart.rssBytes;
    m_baselineAnonymous = ProcessUsage::anonymousResidentBytes();
    m_baselineTraceBytes = traceBytes();
    m_maxRss = m_baselineRss;
    m_serviceCpuAtStart = m_serviceCpu ? m_serviceCpu() : -1;
    m_recorderDroppedAtStart = TraceRecorder::droppedEvents();
    m_storeDroppedAtStart = m_store ? m_store->droppedItems() : 0;
    m_alertRowsAtStart = m_alertModel ? m_alertModel->rowCount() : 0;
    m_loadAtStart = loadAverage();
    m_startNs = nowNs();
    m_tickTimer.start();
    m_drainTimer.start();
    if (m_slots.empty()) {
        QTimer::singleShot(0, this, &ScenarioRunner::finalize);
        return;
    }
    m_schedule.start();
}

void ScenarioRunner::startSlot(int index)
{
    Slot &slot = m_slots[std::size_t(index)];
    if (m_stopping || slot.started || slot.done || !slot.workload)
        return;
    slot.started = true;
    slot.startedNs = nowNs();
    slot.workload->start();
}

void ScenarioRunner::onWorkloadFinished(int index)
{
    Slot &slot = m_slots[std::size_t(index)];
    if (slot.done)
        return;
    slot.done = true;
    slot.endedNs = nowNs();
    const bool allDone = std::all_of(m_slots.begin(), m_slots.end(), [](const Slot &s) { return s.done; });
    if (allDone)
        finalize();
}

void ScenarioRunner::interrupt()
{
    stopAll(End::Interrupted);
}

void ScenarioRunner::stopAll(End reason)
{
    if (m_finished || m_stopping)
        return;
    m_stopping = true;
    m_end = reason;
    if (reason == End::Timeout)
        m_runErrors << QStringLiteral("timed out after %1 s").arg(m_scenario.timeoutS);
    m_schedule.cancel();
    m_graceTimer.start(StopGraceMs);
    // stop() on a workload that never started ends it at once (Stopped); on a running one it
    // cancels every stream and finished() follows.
    for (Slot &slot : m_slots) {
        if (slot.workload && !slot.done)
            slot.workload->stop();
    }
}

ScenarioRunner::Progress ScenarioRunner::progress() const
{
    Progress p;
    p.elapsedS = m_started ? double(nowNs() - m_startNs) / 1e9 : 0;
    for (const Slot &slot : m_slots) {
        p.totalStreams += slot.entry.spec.count;
        p.finishedStreams += slot.finishedStreams;
        p.failedStreams += slot.failedStreams;
        if (slot.workload && slot.started && !slot.done) {
            ++p.runningWorkloads;
            p.liveStreams += slot.workload->liveStreams();
        }
    }
    return p;
}

qint64 ScenarioRunner::traceBytes() const
{
    return qint64(TraceRecorder::bufferBytes()) + (m_store ? qint64(m_store->memoryBytes()) : 0);
}

void ScenarioRunner::drain()
{
    if (!m_store || m_draining)
        return;
    m_draining = true;
    const qint64 t0 = nowNs();
    m_store->syncLanes();
    // A drain of 512 streams' events takes milliseconds on the thread that runs coroutine streams:
    // chunks that fall due meanwhile are sent between the recorder's blocks (≤ 1,024 events each),
    // not after the drain.
    Trace::TraceRecorder::drain([this](Trace::LaneId threadLane, const Trace::TraceEvent *events, std::size_t count) {
        m_store->ingest(threadLane, events, count);
        Execution::Pacer::fireIfDueOnThisThread();
    });
    m_store->afterIngest();
    m_drainNs += nowNs() - t0;
    m_draining = false;
}

void ScenarioRunner::tick()
{
    drain();
    const qint64 rss = ProcessUsage::residentBytes();
    m_maxRss = std::max(m_maxRss, rss);
    // Per stream: anonymous memory only. Mapped files (the watchdog's symbolizer reads the binary's
    // debug info during the run: ~50 MiB) are not the streams' and would add ~100 KiB to each of 512.
    const qint64 anonymous = ProcessUsage::anonymousResidentBytes();
    // The trace grows with time, not with streams: leave it out of the per-stream estimate.
    const qint64 streamsRss = anonymous - traceBytes();
    const int live = progress().liveStreams;
    if (live > m_maxLiveStreams) {
        m_maxLiveStreams = live;
        m_rssAtMaxLive = streamsRss;
    } else if (live == m_maxLiveStreams && live > 0) {
        m_rssAtMaxLive = std::max(m_rssAtMaxLive, streamsRss);
    }
}

bool ScenarioRunner::succeeded() const
{
    return m_finished && m_result.value(QStringLiteral("ok")).toBool();
}

QJsonArray ScenarioRunner::collectAlerts() const
{
    QJsonArray alerts;
    if (m_alertModel) {
        const int rows = m_alertModel->rowCount();
        for (int row = std::min(m_alertRowsAtStart, rows); row < rows; ++row) {
            const QVariant value = m_alertModel->data(m_alertModel->index(row, 0), m_alertJsonRole);
            const QJsonObject alert = value.toJsonObject();
            if (!alert.isEmpty())
                alerts.append(alert);
        }
    }
    for (const auto &producer : m_alertProducers) {
        const QList<QJsonObject> list = producer();
        for (const QJsonObject &alert : list)
            alerts.append(alert);
    }
    return alerts;
}

void ScenarioRunner::finalize()
{
    if (m_finished)
        return;
    m_finished = true;
    m_tickTimer.stop();
    m_drainTimer.stop();
    m_schedule.cancel();
    m_graceTimer.stop();
    tick();
    const qint64 endNs = nowNs();
    const ProcessUsage usage = ProcessUsage::now();

    QJsonArray workloads;
    QStringList errors = m_runErrors;
    double streamSeconds = 0;
    bool anyFailed = false;
    for (std::size_t i = 0; i < m_slots.size(); ++i)
        workloads.append(slotReport(i, endNs, &streamSeconds, &errors, &anyFailed));

    QJsonObject result;
    result.insert(QStringLiteral("model"),
                  m_modelOverride ? WorkloadSpec::toString(*m_modelOverride) : QStringLiteral("as specified"));
    result.insert(QStringLiteral("end"), toString(m_end));
    result.insert(QStringLiteral("wallS"), double(endNs - m_startNs) / 1e9);
    result.insert(QStringLiteral("loadAverageAtStart"), m_loadAtStart);
    result.insert(QStringLiteral("loadAverageAtEnd"), loadAverage());
    result.insert(QStringLiteral("process"), processReport(usage, streamSeconds));
    if (m_serviceCpu) {
        const qint64 serviceCpu = m_serviceCpu();
        if (serviceCpu >= 0 && m_serviceCpuAtStart >= 0)
            result.insert(QStringLiteral("service"),
                          QJsonObject {{QStringLiteral("cpuMs"), double(serviceCpu - m_serviceCpuAtStart) / 1e6}});
    }
    result.insert(QStringLiteral("trace"), traceReport());
    result.insert(QStringLiteral("workloads"), workloads);
    result.insert(QStringLiteral("errors"), QJsonArray::fromStringList(errors));
    result.insert(QStringLiteral("ok"),
                  !anyFailed && m_end != End::Timeout && m_end != End::StartFailed && m_runErrors.isEmpty());
    m_result = result;
    // The figures above are taken; the alerts wait for the watchdog's last word (bounded by the settler).
    if (m_alertSettler)
        m_alertSettler([this] { completeWithAlerts(); });
    else
        completeWithAlerts();
}

// One workload's part of the report; a failed or unfinished one adds to *errors.
QJsonObject ScenarioRunner::slotReport(std::size_t i, qint64 endNs, double *streamSeconds, QStringList *errors,
                                       bool *anyFailed) const
{
    const Slot &slot = m_slots[i];
    QJsonObject w;
    w.insert(QStringLiteral("index"), int(i));
    w.insert(QStringLiteral("spec"), slot.entry.spec.toJson());
    w.insert(QStringLiteral("startS"), slot.entry.startS);
    if (slot.entry.stopAfterS > 0)
        w.insert(QStringLiteral("stopAfterS"), slot.entry.stopAfterS);
    if (!slot.workload) {
        w.insert(QStringLiteral("state"), QStringLiteral("missing"));
        return w;
    }
    const double slotWallS = slot.startedNs >= 0
        ? double((slot.endedNs >= 0 ? slot.endedNs : endNs) - slot.startedNs) / 1e9
        : 0;
    const WorkloadStatistics statistics = slot.workload->statistics();
    const WorkloadSummary summary = WorkloadSummary::of(statistics, slotWallS);
    *streamSeconds += summary.streamSeconds;
    const Workload::State state = slot.workload->state();
    w.insert(QStringLiteral("state"), slot.started ? Workload::toString(state) : QStringLiteral("not started"));
    w.insert(QStringLiteral("wallS"), slotWallS);
    if (!slot.workload->errorString().isEmpty())
        w.insert(QStringLiteral("error"), slot.workload->errorString());
    w.insert(QStringLiteral("summary"), summary.toJson());
    w.insert(QStringLiteral("statistics"), statistics.toJson());
    if (state == Workload::State::Failed || slot.workload->isActive()) {
        *anyFailed = true;
        const QString why = slot.workload->isActive() ? QStringLiteral("still running at the end")
                                                      : slot.workload->errorString();
        *errors << QStringLiteral("workloads[%1] (%2, %3): %4")
                       .arg(i)
                       .arg(WorkloadSpec::toString(slot.entry.spec.kind), WorkloadSpec::toString(slot.entry.spec.model),
                            why);
    }
    return w;
}

QJsonObject ScenarioRunner::processReport(const ProcessUsage &usage, double streamSeconds) const
{
    QJsonObject process;
    const double cpuMs = double(usage.cpuNs() - m_usageAtStart.cpuNs()) / 1e6;
    process.insert(QStringLiteral("cpuMs"), cpuMs);
    process.insert(QStringLiteral("cpuUserMs"), double(usage.userNs - m_usageAtStart.userNs) / 1e6);
    process.insert(QStringLiteral("cpuSystemMs"), double(usage.systemNs - m_usageAtStart.systemNs) / 1e6);
    process.insert(QStringLiteral("streamSeconds"), streamSeconds);
    process.insert(QStringLiteral("cpuMsPerStreamSecond"),
                   streamSeconds > 0 ? QJsonValue(cpuMs / streamSeconds) : QJsonValue::Null);
    process.insert(QStringLiteral("baselineRssBytes"), m_baselineRss);
    process.insert(QStringLiteral("peakRssBytes"), std::max(usage.peakRssBytes, m_maxRss));
    process.insert(QStringLiteral("maxLiveStreams"), m_maxLiveStreams);
    process.insert(QStringLiteral("memoryPerStreamBytes"),
                   m_maxLiveStreams > 0 ? QJsonValue(
                       double(std::max<qint64>(0, m_rssAtMaxLive - (m_baselineAnonymous - m_baselineTraceBytes)))
                       / m_maxLiveStreams)
                                        : QJsonValue::Null);
    process.insert(QStringLiteral("includesInProcessService"), !m_serviceCpu && m_scenario.needsLoopback());
    return process;
}

QJsonObject ScenarioRunner::traceReport() const
{
    QJsonObject trace;
    trace.insert(QStringLiteral("recorderDroppedEvents"),
                 qint64(TraceRecorder::droppedEvents() - m_recorderDroppedAtStart));
    trace.insert(QStringLiteral("drainMs"), double(m_drainNs) / 1e6);
    if (m_store) {
        trace.insert(QStringLiteral("storeDroppedItems"), qint64(m_store->droppedItems() - m_storeDroppedAtStart));
        trace.insert(QStringLiteral("storeItems"), qint64(m_store->itemCount()));
    }
    return trace;
}

void ScenarioRunner::completeWithAlerts()
{
    const QJsonArray all = collectAlerts();
    QJsonArray alerts;
    QJsonArray nestedLoops;
    for (const QJsonValue &alert : all) {
        // A nested modal loop is information (events flowed), not a hang.
        if (alert.toObject().value(QStringLiteral("verdict")).toString()
            == AlertRecord::verdictKey(AlertVerdict::NestedModalLoop))
            nestedLoops.append(alert);
        else
            alerts.append(alert);
    }
    m_result.insert(QStringLiteral("alerts"), alerts);
    if (!nestedLoops.isEmpty())
        m_result.insert(QStringLiteral("nestedLoops"), nestedLoops);
    m_resultComplete = true;
    emit finished();
}

} // namespace Taskscope::Scenarios
