#include "workers/watchdog/uiwatchdog.h"

#include "model/trace/laneregistry.h"
#include "model/trace/traceclock.h"
#include "model/trace/tracerecorder.h"
#include "workers/watchdog/alertevidencecollector.h"
#include "workers/watchdog/dispatchprobe.h"
#include "workers/watchdog/hangclassifier.h"
#include "workers/watchdog/stacksampler.h"
#include "workers/watchdog/threadstate.h"
#include "workers/watchdog/watchloop.h"

#include <QCoreApplication>
#include <QEvent>
#include <QThread>
#include <QTimer>
#include <QUuid>

#include <linux/futex.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

using Taskscope::Model::AlertRecord;
using Taskscope::Trace::TraceClock;
using Taskscope::Trace::TraceRecorder;

namespace Taskscope::Watchdog {

namespace {

enum DeliveryKind { DeliverStart, DeliverUpdate, DeliverEnd, DeliverSuppressed, DeliverSettled };

QEvent::Type heartbeatEventType()
{
    static const auto type = QEvent::Type(QEvent::registerEventType());
    return type;
}

class HeartbeatEvent final : public QEvent
{
public:
    HeartbeatEvent(int kind, quint64 seq)
        : QEvent(heartbeatEventType())
        , m_kind(kind)
        , m_seq(seq)
    {
    }
    int kind() const { return m_kind; }
    quint64 seq() const { return m_seq; }

private:
    int m_kind;
    quint64 m_seq;
};

} // namespace

/// Lives on the UI thread and answers heartbeats: the time a posted event actually ran.
class HeartbeatTarget final : public QObject
{
    Q_DISABLE_COPY_MOVE(HeartbeatTarget)

public:
    explicit HeartbeatTarget(UiWatchdog *watchdog)
        : m_watchdog(watchdog)
    {
        setObjectName(QStringLiteral("UiWatchdog heartbeat"));
    }

    bool event(QEvent *event) override
    {
        if (event->type() != heartbeatEventType())
            return QObject::event(event);
        const auto *beat = static_cast<HeartbeatEvent *>(event);
        UiWatchdog::Heartbeat &heartbeat = m_watchdog->m_heartbeat[beat->kind()];
        heartbeat.answeredTicks.store(TraceClock::ticks(), std::memory_order_relaxed);
        heartbeat.answeredSeq.store(beat->seq(), std::memory_order_release);
        return true;
    }

private:
    UiWatchdog *m_watchdog;
};

UiWatchdog::UiWatchdog(const UiWatchdogConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_session(QUuid::createUuid().toString(QUuid::WithoutBraces))
    , m_uiTid(gettid())
    , m_uiActivity(TraceRecorder::currentThreadActivity())
{
    Q_ASSERT_X(QCoreApplication::instance() && QThread::currentThread() == QCoreApplication::instance()->thread(),
               "UiWatchdog", "construct on the UI thread after the application object");
    qRegisterMetaType<AlertRecord>();
    m_model.setMaxRows(m_config.maxAlertsKept);
    m_heartbeatTarget = std::make_unique<HeartbeatTarget>(this);
}

UiWatchdog::~UiWatchdog()
{
    stop();
}

bool UiWatchdog::start()
{
    if (isRunning() || !m_config.validate().isEmpty())
        return false;
    m_probeActive = m_config.dispatchProbe && m_config.installDispatchProbe ? DispatchProbe::install() : false;
    if (m_config.dispatchProbe && !m_config.installDispatchProbe) {
        // The app brackets dispatches itself (DispatchProbe::Scope in its notify()).
        DispatchProbe::setObservedThread();
        m_probeActive = true;
    }
    m_samplingActive = m_config.sampleStacks && StackSampler::install();
    for (Heartbeat &heartbeat : m_heartbeat) {
        heartbeat.postedSeq.store(0);
        heartbeat.answeredSeq.store(0);
        heartbeat.answeredTicks.store(TraceClock::ticks());
    }
    m_stopWord.store(0);
    m_collector = std::make_unique<AlertEvidenceCollector>(
        m_config, m_session, m_uiTid, std::vector<pid_t> {},
        [this](AlertEvidenceMessage::Kind kind, const AlertRecord &record) {
            int delivery = DeliverUpdate;
            if (kind == AlertEvidenceMessage::Kind::Settled) {
                enqueueDelivery(DeliverSettled, record);
                return;
            }
            if (record.debuggerAttached) {
                if (kind != AlertEvidenceMessage::Kind::End)
                    return;
                delivery = DeliverSuppressed;
            } else if (kind == AlertEvidenceMessage::Kind::Start) {
                delivery = DeliverStart;
            } else if (kind == AlertEvidenceMessage::Kind::End) {
                delivery = DeliverEnd;
            }
            if (m_config.alertObserver && delivery != DeliverSuppressed)
                m_config.alertObserver(record, delivery == DeliverStart ? 0 : delivery == DeliverEnd ? 2 : 1);
            enqueueDelivery(delivery, record);
        });
    m_collector->start();
    m_watcher = std::thread([this] { watch(); });
    // The collector leaves the watcher out of the worker list.
    while (m_watcherTid.load() == 0)
        std::this_thread::yield();
    m_collector->excludeThread(m_watcherTid.load());
    return true;
}

void UiWatchdog::stop()
{
    if (m_watcher.joinable()) {
        m_stopWord.store(1);
        syscall(SYS_futex, &m_stopWord, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
        m_watcher.join();
        m_watcherTid.store(0);
    }
    if (m_collector) {
        m_collector->stop();
        {
            std::lock_guard lock(m_statsMutex);
            m_stats.symbolizerPrewarmNs = m_collector->prewarmNs();
            m_stats.notificationsSent = m_collector->notificationsSent();
        }
    }
    if (m_probeActive && m_config.installDispatchProbe)
        DispatchProbe::uninstall();
    else if (m_probeActive)
        DispatchProbe::setObservedThread(false);
    if (m_samplingActive)
        StackSampler::uninstall();
    m_probeActive = false;
    m_samplingActive = false;
    // Deliver what the collector finished (e.g. alerts ended by the stop) before returning.
    if (QThread::currentThread() == thread())
        deliverPending();
}

QList<AlertRecord> UiWatchdog::loadPreviousSessionAlerts()
{
    QList<AlertRecord> records;
    if (m_collector) {
        records = m_collector->loadPreviousSessions();
    } else {
        AlertEvidenceCollector reader(m_config, m_session, m_uiTid, {}, {});
        records = reader.loadPreviousSessions();
    }
    for (const AlertRecord &record : std::as_const(records))
        m_model.upsert(record);
    return records;
}

QJsonArray UiWatchdog::alertsJson() const
{
    QJsonArray array;
    for (const AlertRecord &record : m_alerts)
        array.append(record.toJson());
    return array;
}

void UiWatchdog::settle(std::chrono::milliseconds timeout, std::function<void(bool settled)> done)
{
    if (!isRunning()) {
        deliverPending();
        done(true);
        return;
    }
    // Answered by number; the time tells the watcher which heartbeat answer proves the loop ran.
    m_settleRequestNs.store(TraceClock::nowNs(), std::memory_order_relaxed);
    const quint64 request = m_settleRequest.fetch_add(1, std::memory_order_release) + 1;
    struct Pending
    {
        std::function<void(bool)> done;
        bool finished = false;
    };
    auto pending = std::make_shared<Pending>(Pending {std::move(done), false});
    auto *context = new QObject(this); // carries both triggers; deleted with them
    const auto finish = [pending, context](bool ok) {
        if (pending->finished)
            return;
        pending->finished = true;
        context->deleteLater();
        pending->done(ok);
    };
    connect(this, &UiWatchdog::settled, context, [finish, request](quint64 answered) {
        if (answered >= request)
            finish(true);
    });
    QTimer::singleShot(timeout, context, [this, finish] {
        deliverPending(); // whatever did arrive
        finish(false);
    });
}

void UiWatchdog::pause()
{
    m_pauseCount.fetch_add(1, std::memory_order_relaxed);
}

void UiWatchdog::resume()
{
    int count = m_pauseCount.load(std::memory_order_relaxed);
    while (count > 0 && !m_pauseCount.compare_exchange_weak(count, count - 1, std::memory_order_relaxed)) { }
}

QString UiWatchdog::journalPath() const
{
    if (!m_config.journal)
        return {};
    return m_collector ? m_collector->journalPath()
                       : AlertEvidenceCollector(m_config, m_session, 0, {}, {}).journalPath();
}

QString UiWatchdog::notificationStatus() const
{
    return m_collector ? m_collector->notificationStatus() : QString();
}

int UiWatchdog::signalNumber() const
{
    return m_samplingActive ? StackSampler::signalNumber() : 0;
}

UiWatchdog::Stats UiWatchdog::stats() const
{
    std::lock_guard lock(m_statsMutex);
    Stats stats = m_stats;
    if (m_collector) {
        stats.symbolizerPrewarmNs = m_collector->prewarmNs();
        stats.notificationsSent = m_collector->notificationsSent();
    }
    return stats;
}

void UiWatchdog::enqueueDelivery(int kind, const AlertRecord &record)
{
    bool post = false;
    {
        std::lock_guard lock(m_deliveryMutex);
        // While the UI is frozen, keep only the latest update of an alert.
        if (kind == DeliverUpdate && !m_deliveries.isEmpty() && m_deliveries.last().first == DeliverUpdate
            && m_deliveries.last().second.id == record.id) {
            m_deliveries.last().second = record;
        } else {
            post = m_deliveries.isEmpty();
            m_deliveries.append({kind, record});
        }
    }
    if (post)
        QMetaObject::invokeMethod(this, &UiWatchdog::deliverPending, Qt::QueuedConnection);
}

void UiWatchdog::deliverPending()
{
    QList<QPair<int, AlertRecord>> deliveries;
    {
        std::lock_guard lock(m_deliveryMutex);
        deliveries.swap(m_deliveries);
    }
    for (const auto &[kind, record] : std::as_const(deliveries)) {
        if (kind == DeliverSettled) {
            emit settled(record.id);
            continue;
        }
        if (kind == DeliverSuppressed) {
            {
                std::lock_guard lock(m_statsMutex);
                ++m_stats.suppressed;
            }
            emit suppressedAlert(record);
            continue;
        }
        m_model.upsert(record);
        bool found = false;
        for (qsizetype i = m_alerts.size() - 1; i >= 0; --i) {
            if (m_alerts[i].id == record.id) {
                m_alerts[i] = record;
                found = true;
                break;
            }
        }
        if (!found) {
            if (m_alerts.size() >= m_config.maxAlertsKept)
                m_alerts.removeFirst();
            m_alerts.append(record);
        }
        if (kind == DeliverStart)
            emit alertStarted(record);
        else if (kind == DeliverEnd)
            emit alertEnded(record);
        else
            emit alertUpdated(record);
    }
}

void UiWatchdog::watch()
{
    pthread_setname_np(pthread_self(), "ui-watchdog");
    m_watcherTid.store(gettid());
    WatchLoop(*this).run();
}

void UiWatchdog::postHeartbeat(int kind, quint64 seq)
{
    QCoreApplication::postEvent(m_heartbeatTarget.get(), new HeartbeatEvent(kind, seq),
                                kind == 0 ? Qt::NormalEventPriority : Qt::HighEventPriority);
}

} // namespace Taskscope::Watchdog
