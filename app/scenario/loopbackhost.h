#pragma once

#include "workers/loopback/loopbackconfig.h"

#include <QObject>
#include <QStringList>
#include <QThread>
#include <QUrl>

namespace Taskscope::Loopback {
class LoopbackService;
}

namespace Taskscope::Scenarios {

/// The built-in service inside the window's process, started without blocking the UI thread.
///
/// LoopbackService::start() reads the pronunciation dictionary and binds (hundreds of ms on a cold
/// cache): it runs on an owner thread of its own, which keeps the service object for its whole
/// life, so the service is created, started, stopped and deleted on one thread. ready() or failed()
/// then arrive on the UI thread. The service's own network and recognition threads do the serving.
class LoopbackHost final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LoopbackHost)

public:
    explicit LoopbackHost(QObject *parent = nullptr);
    /// Stops the service (see stop()).
    ~LoopbackHost() override;

    /// Nice value of the owner thread, inherited by every thread the service starts (network loops,
    /// recognition pool). The service is a stand-in for a remote server: on a small machine its
    /// recognizers must not take the CPU the UI thread needs to draw (default 10; 0 keeps the UI's).
    static constexpr int DefaultServiceNice = 10;
    void setServiceNice(int nice) { m_nice = nice; }

    /// Starts the service on the owner thread; returns at once. Once only.
    void start(const Loopback::LoopbackConfig &config = Loopback::LoopbackConfig());
    /// Stops the service and joins the owner thread: closes every connection and stops its threads.
    /// Waits for a start still in progress. Idempotent; UI thread.
    void stop();

    bool isStarting() const { return m_starting; }
    bool isReady() const { return !m_url.isEmpty(); }
    QUrl url() const { return m_url; }
    QString errorString() const { return m_error; }
    QStringList warnings() const { return m_warnings; }
    /// The running service (after ready(), until stop()); for its thread-safe counters.
    Loopback::LoopbackService *service() const { return isReady() ? m_service : nullptr; }
    /// How long start() took on the owner thread (ms), -1 until it has.
    double startMs() const { return m_startMs; }

Q_SIGNALS:
    void ready(const QUrl &url);
    void failed(const QString &error);

private:
    QThread m_thread;
    QObject *m_context = nullptr; ///< lives on m_thread; the service's calls run through it
    Loopback::LoopbackService *m_service = nullptr; ///< owned on m_thread
    bool m_started = false;
    bool m_starting = false;
    bool m_stopped = false;
    QUrl m_url;
    QString m_error;
    QStringList m_warnings;
    double m_startMs = -1;
    int m_nice = DefaultServiceNice;
};

} // namespace Taskscope::Scenarios
