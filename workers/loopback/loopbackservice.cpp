#include "workers/loopback/loopbackservice.h"

#include "workers/loopback/connectionacceptor.h"
#include "workers/loopback/networkloop.h"
#include "workers/loopback/servicecontext.h"
#include "workers/loopback/speech/decoderpool.h"

#include <QRunnable>
#include <QThread>

namespace Taskscope::Loopback {

LoopbackService::LoopbackService(const LoopbackConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_idleStats(std::make_unique<ServiceStats>())
{
}

LoopbackService::~LoopbackService()
{
    stop();
}

quint16 LoopbackService::start()
{
    if (m_port != 0)
        return m_port;
    m_error.clear();
    if (!m_config.allowRemote && !m_config.host.isLoopback()) {
        m_error = QStringLiteral("refusing to bind %1: not a loopback address (set allowRemote / --allow-remote)")
                      .arg(m_config.host.toString());
        return 0;
    }
    m_context = std::make_unique<ServiceContext>(m_config);
    const int loops = m_config.networkThreads > 0 ? m_config.networkThreads : std::max(1, QThread::idealThreadCount());
    for (int i = 0; i < loops; ++i) {
        auto *thread = new QThread;
        thread->setObjectName(QStringLiteral("loopback-net-%1").arg(i));
        auto *loop = new NetworkLoop(m_context.get(), i);
        loop->moveToThread(thread);
        thread->start();
        m_threads << thread;
        m_loops << loop;
    }
    NetworkLoop *first = m_loops.first();
    bool listening = false;
    QMetaObject::invokeMethod(
        first,
        [this, first, &listening] {
            m_acceptor = new ConnectionAcceptor(m_context.get(), m_loops, first);
            listening = m_acceptor->listen(m_config.host, m_config.port);
            if (listening) {
                m_port = m_acceptor->serverPort();
            } else {
                m_error = QStringLiteral("cannot listen on %1:%2: %3")
                              .arg(m_config.host.toString())
                              .arg(m_config.port)
                              .arg(m_acceptor->errorString());
                delete m_acceptor;
                m_acceptor = nullptr;
            }
        },
        Qt::BlockingQueuedConnection);
    if (!listening) {
        stop();
        return 0;
    }
    // Warm grammar decoders on the pool so the first streams do not pay for ps_init.
    DecoderPool *decoders = m_context->decoders();
    const int prewarm = m_config.prewarmDecoders;
    if (prewarm > 0 && decoders->grammarAvailable() && !m_config.loadSink)
        m_context->recognitionPool()->start(
            QRunnable::create([decoders, prewarm] { decoders->prewarm(DecoderPool::Kind::Grammar, prewarm); }));
    return m_port;
}

void LoopbackService::stop()
{
    if (!m_context)
        return;
    if (m_acceptor) {
        ConnectionAcceptor *acceptor = m_acceptor;
        QMetaObject::invokeMethod(
            m_loops.first(), [acceptor] { delete acceptor; }, Qt::BlockingQueuedConnection);
        m_acceptor = nullptr;
    }
    for (NetworkLoop *loop : std::as_const(m_loops))
        QMetaObject::invokeMethod(
            loop, [loop] { loop->closeAll(); }, Qt::BlockingQueuedConnection);
    // Closing cancelled every synthesis; wait for the synthesis thread to let go of this service.
    m_context->waitForSynthesisJobs();
    // Nothing may be posted to the loops once they start to go away.
    m_context->stopPosting();
    m_context->recognitionPool()->waitForDone();
    for (int i = 0; i < m_loops.size(); ++i) {
        // Deleted on its own thread: deferred deletes run when the thread finishes.
        m_loops.at(i)->deleteLater();
        m_threads.at(i)->quit();
        m_threads.at(i)->wait();
        delete m_threads.at(i);
    }
    m_loops.clear();
    m_threads.clear();
    m_context.reset();
    m_port = 0;
}

QUrl LoopbackService::httpUrl(const QString &pathAndQuery) const
{
    const QString host = m_config.host.protocol() == QAbstractSocket::IPv6Protocol
        ? QLatin1Char('[') + m_config.host.toString() + QLatin1Char(']')
        : m_config.host.toString();
    return QUrl(QStringLiteral("http://%1:%2%3").arg(host).arg(m_port).arg(pathAndQuery));
}

QUrl LoopbackService::webSocketUrl(const QString &pathAndQuery) const
{
    QUrl url = httpUrl(pathAndQuery);
    url.setScheme(QStringLiteral("ws"));
    return url;
}

ServiceStats &LoopbackService::stats()
{
    return m_context ? m_context->stats() : *m_idleStats;
}

void LoopbackService::setFaults(const FaultSpec &faults)
{
    m_config.faults = faults;
    if (m_context)
        m_context->setServerFaults(faults);
}

QStringList LoopbackService::warnings() const
{
    return m_context ? m_context->warnings() : QStringList();
}

} // namespace Taskscope::Loopback
