#include "workers/execution/eventloopchoice.h"

#include "workers/execution/epolleventdispatcher.h"
#include "workers/execution/nestedepolldispatcher.h"

#include <QAbstractEventDispatcher>
#include <QThread>

#include <atomic>
#include <cstring>
#include <memory>

namespace Taskscope::Execution {

namespace {
std::atomic<EventLoopChoice::Kind> g_kind {EventLoopChoice::Kind::Epoll};
} // namespace

std::optional<EventLoopChoice::Kind> EventLoopChoice::parse(const QString &text)
{
    if (text == u"epoll")
        return Kind::Epoll;
    if (text == u"qt")
        return Kind::Qt;
    return std::nullopt;
}

QString EventLoopChoice::toString(Kind kind)
{
    return kind == Kind::Epoll ? QStringLiteral("epoll") : QStringLiteral("qt");
}

EventLoopChoice::Kind EventLoopChoice::current()
{
    return g_kind.load(std::memory_order_relaxed);
}

void EventLoopChoice::setCurrent(Kind kind)
{
    g_kind.store(kind, std::memory_order_relaxed);
}

QAbstractEventDispatcher *EventLoopChoice::create()
{
    if (current() != Kind::Epoll)
        return nullptr;
    auto dispatcher = std::make_unique<EpollEventDispatcher>();
    if (!dispatcher->isValid())
        return nullptr; // the warning says why; Qt's own dispatcher takes over
    return dispatcher.release();
}

void EventLoopChoice::prepare(QThread *thread)
{
    if (QAbstractEventDispatcher *dispatcher = create())
        thread->setEventDispatcher(dispatcher);
}

QString EventLoopChoice::describe(const QAbstractEventDispatcher *dispatcher)
{
    if (!dispatcher)
        return QStringLiteral("none");
    if (qobject_cast<const EpollEventDispatcher *>(dispatcher))
        return QStringLiteral("epoll");
    if (const auto *nested = qobject_cast<const NestedEpollDispatcher *>(dispatcher))
        return QStringLiteral("epoll nested in %1").arg(describe(nested->inner()));
    // Qt's own, including the platform plugins' subclasses (QXcbUnixEventDispatcher, ...).
    for (const QMetaObject *m = dispatcher->metaObject(); m; m = m->superClass()) {
        if (std::strcmp(m->className(), "QEventDispatcherUNIX") == 0)
            return QStringLiteral("unix");
        if (std::strcmp(m->className(), "QEventDispatcherGlib") == 0)
            return QStringLiteral("glib");
    }
    return QString::fromLatin1(dispatcher->metaObject()->className());
}

} // namespace Taskscope::Execution
