#include "workers/probe/probetransport.h"

#include "model/alertrecord.h"
#include "model/protocol/probewire.h"
#include "model/trace/laneregistry.h"
#include "model/trace/traceclock.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracerecorder.h"
#include "workers/probe/dispatchrecorder.h"

#include <QJsonArray>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <vector>

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using Taskscope::Model::AlertRecord;
using Taskscope::Trace::EventKind;
using Taskscope::Trace::LaneId;
using Taskscope::Trace::LaneInfo;
using Taskscope::Trace::LaneRegistry;
using Taskscope::Trace::NameId;
using Taskscope::Trace::TraceClock;
using Taskscope::Trace::TraceEvent;
using Taskscope::Trace::TraceNames;
using Taskscope::Trace::TraceRecorder;
using Taskscope::Trace::UiThreadLane;

namespace Taskscope::Probe {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto ReconnectInterval = std::chrono::seconds(1);
constexpr auto StatsInterval = std::chrono::seconds(1);

QJsonObject laneJson(const LaneInfo &lane)
{
    return QJsonObject {
        {QStringLiteral("id"), qint64(lane.id)},
        {QStringLiteral("kind"), int(lane.kind)},
        {QStringLiteral("name"), TraceNames::name(lane.name)},
        {QStringLiteral("tid"), qint64(lane.osThreadId)},
        {QStringLiteral("createdNs"), lane.createdNs},
        {QStringLiteral("endedNs"), lane.endedNs},
    };
}

} // namespace

ProbeTransport::ProbeTransport(Options options)
    : m_options(std::move(options))
{
}

ProbeTransport::~ProbeTransport()
{
    stop(std::chrono::milliseconds(0), QStringLiteral("probe destroyed"));
}

void ProbeTransport::start(const QJsonObject &hello)
{
    if (m_thread.joinable())
        return;
    m_hello = hello;
    m_dispatchRateName = TraceNames::intern(u"dispatches/s"); // before the first Names frame
    m_postedName = Trace::TraceNames::intern(u"posted events");
    m_wakeFd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    m_lastCollect = {};
    m_stop.store(false);
    m_thread = std::thread([this] { run(); });
}

void ProbeTransport::stop(std::chrono::milliseconds flushTimeout, const QString &reason)
{
    if (!m_thread.joinable())
        return;
    m_flushTimeout = flushTimeout;
    m_stopReason = reason;
    m_stop.store(true);
    const std::uint64_t one = 1;
    (void)!write(m_wakeFd, &one, sizeof one);
    m_thread.join();
    m_clock.stop();
    close(m_wakeFd);
    m_wakeFd = -1;
}

void ProbeTransport::postAlert(const AlertRecord &record, int phase)
{
    QByteArray frame;
    ProbeWire::appendJson(frame, MessageType::Alert,
                          QJsonObject {{QStringLiteral("phase"), phase}, {QStringLiteral("alert"), record.toJson()}});
    {
        std::lock_guard lock(m_mutex);
        if (m_alerts.size() >= m_options.maxQueuedAlerts) {
            ++m_stats.alertsDropped;
            return;
        }
        m_alerts.append(std::move(frame));
    }
    if (m_wakeFd >= 0) {
        const std::uint64_t one = 1;
        (void)!write(m_wakeFd, &one, sizeof one);
    }
}

ProbeTransport::Stats ProbeTransport::stats() const
{
    std::lock_guard lock(m_mutex);
    Stats stats = m_stats;
    stats.recorderDropped = TraceRecorder::droppedEvents();
    return stats;
}

bool ProbeTransport::connectSocket()
{
    const QByteArray path = m_options.socketPath.toLocal8Bit();
    sockaddr_un address {};
    if (path.isEmpty() || path.size() >= qsizetype(sizeof address.sun_path))
        return false;
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return false;
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path.constData(), size_t(path.size()));
    if (::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0) {
        close(fd);
        return false;
    }
    m_socket = fd;
    m_pending.clear();
    m_pendingOffset = 0;
    m_namesSent = 0;
    m_laneGeneration = 0;
    ProbeWire::appendJson(m_pending, MessageType::Hello, m_hello);
    std::lock_guard lock(m_mutex);
    ++m_stats.connects;
    return true;
}

void ProbeTransport::disconnectSocket()
{
    if (m_socket >= 0)
        close(m_socket);
    m_socket = -1;
    m_pending.clear();
    m_pendingOffset = 0;
}

void ProbeTransport::collect()
{
    // Events first: every name and lane they refer to exists by the time they were recorded, so
    // the names and lanes read afterwards cover them. What does not fit under the cap is dropped.
    QByteArray events;
    quint64 kept = 0;
    quint64 dropped = 0;
    const qsizetype room = m_socket < 0 ? 0 : m_options.maxPendingBytes - (m_pending.size() - m_pendingOffset);
    std::vector<TraceEvent> converted;
    quint64 dispatches = 0;
    TraceRecorder::drain([&](LaneId threadLane, const TraceEvent *source, std::size_t count) {
        for (std::size_t i = 0; i < count; ++i) { // dispatch rates count what was dropped too
            if (source[i].kind == Trace::EventKind::Begin && (source[i].arg & ProbeWire::DispatchArgFlag)) {
                ++m_dispatches[source[i].lane];
                ++dispatches;
            }
        }
        const auto bytes = qsizetype(ProbeWire::HeaderBytes + sizeof(LaneId) + count * sizeof(TraceEvent));
        if (events.size() + bytes > room) {
            dropped += count;
            return;
        }
        converted.assign(source, source + count);
        for (TraceEvent &event : converted) {
            event.ticks = std::uint64_t(TraceClock::toNs(event.ticks));
            if (event.kind == EventKind::Complete || (event.kind == EventKind::Alert && event.arg != 0))
                event.arg = std::uint64_t(TraceClock::toNs(event.arg));
        }
        ProbeWire::appendEvents(events, threadLane, converted.data(), converted.size());
        kept += count;
    });
    const auto now = std::chrono::steady_clock::now();
    if (m_lastCollect.time_since_epoch().count() != 0) {
        const double seconds = std::chrono::duration<double>(now - m_lastCollect).count();
        if (seconds > 0)
            m_clock.setDispatchRate(double(dispatches) / seconds);
    }
    m_lastCollect = now;
    if (m_socket >= 0) {
        const int names = TraceNames::count();
        if (names > m_namesSent) {
            QJsonArray list;
            for (int id = m_namesSent; id < names; ++id)
                list.append(TraceNames::name(NameId(id)));
            ProbeWire::appendJson(
                m_pending, MessageType::Names,
                QJsonObject {{QStringLiteral("first"), m_namesSent}, {QStringLiteral("names"), list}});
            m_namesSent = names;
        }
        const QList<LaneInfo> lanes = LaneRegistry::changedSince(m_laneGeneration, &m_laneGeneration);
        if (!lanes.isEmpty()) {
            QJsonArray list;
            for (const LaneInfo &lane : lanes)
                list.append(laneJson(lane));
            ProbeWire::appendJson(m_pending, MessageType::Lanes, QJsonObject {{QStringLiteral("lanes"), list}});
        }
        m_pending.append(events);
    }
    std::lock_guard lock(m_mutex);
    m_stats.eventsSent += kept;
    m_stats.eventsDropped += dropped;
}

void ProbeTransport::collectAlerts()
{
    std::lock_guard lock(m_mutex);
    for (const QByteArray &frame : std::as_const(m_alerts)) {
        if (m_socket >= 0) {
            m_pending.append(frame);
            ++m_stats.alertsSent;
        } else {
            ++m_stats.alertsDropped;
        }
    }
    m_alerts.clear();
}

void ProbeTransport::samplePostedEvents()
{
    DispatchRecorder::postedEventDepths([this](Trace::LaneId lane, qsizetype depth) {
        qsizetype &deepest = m_postedMax[lane]; // a new lane starts at 0
        deepest = std::max(deepest, depth);
    });
}

void ProbeTransport::appendDispatchRates(double seconds)
{
    if (m_socket < 0 || seconds <= 0) {
        m_dispatches.clear();
        m_postedMax.clear();
        return;
    }
    std::vector<TraceEvent> counters;
    const auto ns = std::uint64_t(TraceClock::nowNs());
    for (const auto &[lane, deepest] : m_postedMax) {
        Trace::TraceEvent event {};
        event.ticks = ns;
        event.arg = std::bit_cast<std::uint64_t>(double(deepest));
        event.lane = lane;
        event.name = m_postedName;
        event.kind = Trace::EventKind::Counter;
        counters.push_back(event);
    }
    m_postedMax.clear(); // the next sample re-adds the threads still registered
    for (auto it = m_dispatches.begin(); it != m_dispatches.end();) {
        Trace::TraceEvent event {};
        event.ticks = ns;
        event.arg = std::bit_cast<std::uint64_t>(double(it->second) / seconds);
        event.lane = it->first;
        event.name = m_dispatchRateName;
        event.kind = Trace::EventKind::Counter;
        counters.push_back(event);
        // A thread that went quiet gets one zero, then leaves the table until it dispatches again.
        if (it->second == 0) {
            it = m_dispatches.erase(it);
        } else {
            it->second = 0;
            ++it;
        }
    }
    if (!counters.empty())
        ProbeWire::appendEvents(m_pending, UiThreadLane, counters.data(), counters.size());
}

void ProbeTransport::appendStats()
{
    if (m_socket < 0)
        return;
    const Stats s = stats();
    ProbeWire::appendJson(m_pending, MessageType::Stats,
                          QJsonObject {
                              {QStringLiteral("eventsSent"), qint64(s.eventsSent)},
                              {QStringLiteral("eventsDropped"), qint64(s.eventsDropped)},
                              {QStringLiteral("alertsSent"), qint64(s.alertsSent)},
                              {QStringLiteral("alertsDropped"), qint64(s.alertsDropped)},
                              {QStringLiteral("bytesSent"), qint64(s.bytesSent)},
                              {QStringLiteral("connects"), qint64(s.connects)},
                              {QStringLiteral("recorderDropped"), qint64(s.recorderDropped)},
                          });
}

bool ProbeTransport::flush()
{
    while (m_socket >= 0 && m_pendingOffset < m_pending.size()) {
        const ssize_t sent = ::send(m_socket, m_pending.constData() + m_pendingOffset,
                                    size_t(m_pending.size() - m_pendingOffset), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent > 0) {
            m_pendingOffset += sent;
            std::lock_guard lock(m_mutex);
            m_stats.bytesSent += quint64(sent);
            continue;
        }
        if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return false;
        if (sent < 0 && errno == EINTR)
            continue;
        disconnectSocket(); // the reader went away
        return false;
    }
    // Keep the buffer from growing with everything ever sent.
    if (m_pendingOffset > 0 && (m_pendingOffset == m_pending.size() || m_pendingOffset > (1 << 20))) {
        m_pending.remove(0, m_pendingOffset);
        m_pendingOffset = 0;
    }
    return true;
}

void ProbeTransport::run()
{
    DispatchRecorder::excludeCurrentThread();
    pthread_setname_np(pthread_self(), "taskscope-probe");
    auto nextTick = Clock::now();
    auto nextConnect = Clock::now();
    auto nextStats = Clock::now() + StatsInterval;
    auto lastStats = Clock::now();
    while (!m_stop.load()) {
        const auto now = Clock::now();
        if (m_socket < 0 && !m_options.socketPath.isEmpty() && now >= nextConnect) {
            if (!connectSocket())
                nextConnect = now + ReconnectInterval;
        }
        collectAlerts();
        if (now >= nextTick) {
            samplePostedEvents();
            collect();
            nextTick = now + m_options.interval;
        }
        if (now >= nextStats) {
            TraceClock::recalibrate();
            appendDispatchRates(std::chrono::duration<double>(now - lastStats).count());
            appendStats();
            lastStats = now;
            nextStats = now + StatsInterval;
        }
        flush();
        pollfd fds[2] = {{m_wakeFd, POLLIN, 0}, {m_socket, POLLOUT, 0}};
        const bool waitForSocket = m_socket >= 0 && m_pendingOffset < m_pending.size();
        const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(nextTick - Clock::now());
        const int timeout = int(std::clamp<std::int64_t>(wait.count() + 1, 0, m_options.interval.count()));
        if (poll(fds, waitForSocket ? 2 : 1, timeout) > 0 && (fds[0].revents & POLLIN)) {
            std::uint64_t count = 0;
            (void)!read(m_wakeFd, &count, sizeof count);
        }
    }
    // Last words: what is recorded and queued, then Bye, within the flush timeout.
    collectAlerts();
    collect();
    appendDispatchRates(std::chrono::duration<double>(Clock::now() - lastStats).count());
    appendStats();
    if (m_socket >= 0)
        ProbeWire::appendJson(m_pending, MessageType::Bye, QJsonObject {{QStringLiteral("reason"), m_stopReason}});
    const auto deadline = Clock::now() + m_flushTimeout;
    while (!flush() && m_socket >= 0 && Clock::now() < deadline) {
        pollfd fd {m_socket, POLLOUT, 0};
        poll(&fd, 1, 10);
    }
    disconnectSocket();
}

} // namespace Taskscope::Probe
