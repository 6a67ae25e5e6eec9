#include "workers/watchdog/notifyhook.h"

#include <QtCore/qnamespace.h>

#include <dlfcn.h>

namespace Taskscope::Watchdog {

NotifyHook::NotifyInternal NotifyHook::install(Callback callback)
{
    const auto notifyInternal = reinterpret_cast<NotifyInternal>(
        dlsym(RTLD_DEFAULT, "_ZN16QCoreApplication15notifyInternal2EP7QObjectP6QEvent"));
    if (!notifyInternal || !QInternal::registerCallback(QInternal::EventNotifyCallback, callback))
        return nullptr;
    return notifyInternal;
}

void NotifyHook::uninstall(Callback callback)
{
    QInternal::unregisterCallback(QInternal::EventNotifyCallback, callback);
}

} // namespace Taskscope::Watchdog
