#include "workers/execution/threadservices.h"

#include "workers/execution/pendingwait.h"

#include <QCoreApplication>
#include <QEvent>
#include <QThread>

namespace Taskscope::Execution {

namespace {

thread_local ThreadServices *t_services = nullptr;

const QEvent::Type ResumeEventType = QEvent::Type(QEvent::registerEventType());

} // namespace

ThreadServices::ThreadServices() = default;

ThreadServices::~ThreadServices() = default;

ThreadServices *ThreadServices::existing()
{
    return t_services;
}

ThreadServices *ThreadServices::current()
{
    if (t_services)
        return t_services;
    t_services = new ThreadServices;
    QThread *thread = QThread::currentThread();
    if (QCoreApplication *app = QCoreApplication::instance(); app && app->thread() == thread) {
        // The UI thread: QThread::finished never comes; go before the application object does.
        qAddPostRoutine(&ThreadServices::destroyCurrent);
    } else {
        // finished is emitted on the thread itself while its event dispatcher still exists.
        QObject::connect(thread, &QThread::finished, t_services, &ThreadServices::destroyCurrent, Qt::DirectConnection);
    }
    return t_services;
}

void ThreadServices::destroyCurrent()
{
    delete t_services;
    t_services = nullptr;
}

void ThreadServices::post(PendingWait *wait)
{
    m_ready.push_back(wait);
    if (!m_eventPosted) {
        m_eventPosted = true;
        QCoreApplication::postEvent(this, new QEvent(ResumeEventType));
    }
}

bool ThreadServices::event(QEvent *event)
{
    if (event->type() != ResumeEventType)
        return QObject::event(event);
    m_eventPosted = false;
    ++m_batches;
    // Coroutines resumed here may queue more waits: those go into the next batch, so one busy
    // stream cannot starve the rest of the loop.
    m_draining.swap(m_ready);
    for (PendingWait *wait : m_draining) {
        ++m_postedResumes;
        wait->resume();
        // Hundreds of streams woken by one burst of server messages take milliseconds to resume:
        // chunks that fall due meanwhile go between them, not after the batch.
        m_pacer.fireIfDue();
    }
    m_draining.clear();
    return true;
}

} // namespace Taskscope::Execution
