#include "app/scenario/loopbackhost.h"

#include "workers/loopback/loopbackservice.h"

#include <QElapsedTimer>

#include <sys/resource.h>
#include <unistd.h>

using Taskscope::Loopback::LoopbackConfig;
using Taskscope::Loopback::LoopbackService;

namespace Taskscope::Scenarios {

LoopbackHost::LoopbackHost(QObject *parent)
    : QObject(parent)
{
    m_thread.setObjectName(QStringLiteral("loopback-owner"));
}

LoopbackHost::~LoopbackHost()
{
    stop();
}

void LoopbackHost::start(const LoopbackConfig &config)
{
    if (m_started)
        return;
    m_started = true;
    m_starting = true;
    m_context = new QObject;
    m_context->moveToThread(&m_thread);
    m_thread.start();
    const int nice = m_nice;
    QMetaObject::invokeMethod(m_context, [this, config, nice] {
        // Linux threads inherit the creator's nice value: every thread the service starts from here
        // on (and the recognition threads those start) runs below the UI thread.
        if (nice > 0)
            ::setpriority(PRIO_PROCESS, id_t(::gettid()), nice);
        QElapsedTimer timer;
        timer.start();
        m_service = new LoopbackService(config);
        const quint16 port = m_service->start();
        const double ms = double(timer.nsecsElapsed()) / 1e6;
        const QUrl url = port ? m_service->httpUrl() : QUrl();
        const QString error = port ? QString() : m_service->errorString();
        const QStringList warnings = m_service->warnings();
        // Back on the UI thread; dropped if the host is gone by then.
        QMetaObject::invokeMethod(
            this,
            [this, url, error, warnings, ms] {
                if (m_stopped)
                    return;
                m_starting = false;
                m_startMs = ms;
                m_warnings = warnings;
                if (url.isEmpty()) {
                    m_error = error.isEmpty() ? QStringLiteral("unknown error") : error;
                    Q_EMIT failed(m_error);
                } else {
                    m_url = url;
                    Q_EMIT ready(m_url);
                }
            },
            Qt::QueuedConnection);
    });
}

void LoopbackHost::stop()
{
    m_stopped = true;
    if (!m_context)
        return;
    // Runs after a start still in progress (the owner thread does one thing at a time).
    QMetaObject::invokeMethod(
        m_context,
        [this] {
            if (m_service) {
                m_service->stop();
                delete m_service;
                m_service = nullptr;
            }
        },
        Qt::BlockingQueuedConnection);
    m_context->deleteLater();
    m_context = nullptr;
    m_thread.quit();
    m_thread.wait();
    m_url.clear();
    m_starting = false;
}

} // namespace Taskscope::Scenarios
