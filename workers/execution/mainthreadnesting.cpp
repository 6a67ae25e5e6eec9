#include "workers/execution/mainthreadnesting.h"

#include "workers/execution/eventloopchoice.h"
#include "workers/execution/nestedepolldispatcher.h"

#include <QCoreApplication>
#include <QThread>
#include <QtCore/private/qcoreapplication_p.h>
#include <QtCore/private/qthread_p.h>

#include <cstdio>
#include <cstring>
#include <memory>

namespace Taskscope::Execution {

NestedEpollDispatcher *MainThreadNesting::install()
{
    const auto keepQt = [](const char *why) -> NestedEpollDispatcher * {
        std::fprintf(stderr, "taskscope: the UI thread keeps Qt's event dispatcher: %s\n", why);
        return nullptr;
    };
    // Private members have no ABI promise: only trust the layout of the exact version built against.
    if (std::strcmp(qVersion(), QT_VERSION_STR) != 0)
        return keepQt("Qt at run time is not the version built against (" QT_VERSION_STR ")");
    QCoreApplication *app = QCoreApplication::instance();
    if (!app || QThread::currentThread() != app->thread())
        return keepQt("not called on the main thread of a running application");
    // Qt keeps the main thread's dispatcher in two places: the thread's data (what QEventLoop,
    // QTimer, QSocketNotifier and QAbstractEventDispatcher::instance() use) and the application's
    // static copy (what ~QGuiApplication/~QCoreApplication call closingDown() on).
    QThreadData *data = QThreadData::get2(app->thread());
    QAbstractEventDispatcher *inner = data->eventDispatcher.loadRelaxed();
    if (!inner || inner != QCoreApplicationPrivate::eventDispatcher)
        return keepQt("the main thread's dispatcher is not the application's");
    if (qobject_cast<NestedEpollDispatcher *>(inner))
        return static_cast<NestedEpollDispatcher *>(inner);

    auto nested = std::make_unique<NestedEpollDispatcher>(inner);
    if (!nested->isValid())
        return keepQt("no epoll set");
    // Same ownership as Qt's: the application deletes the dispatcher (after its closingDown()), and
    // this one deletes the inner one after itself.
    QObject *owner = inner->parent();
    inner->setParent(nested.get());
    nested->setParent(owner);
    NestedEpollDispatcher *installed = nested.release();
    data->eventDispatcher.storeRelease(installed);
    QCoreApplicationPrivate::eventDispatcher = installed;
    return installed;
}

NestedEpollDispatcher *MainThreadNesting::installIfChosen()
{
    return EventLoopChoice::current() == EventLoopChoice::Kind::Epoll ? install() : nullptr;
}

} // namespace Taskscope::Execution
