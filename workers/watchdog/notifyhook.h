#pragma once

class QEvent;
class QObject;

namespace Taskscope::Watchdog {

/// The dispatch bracket both the watchdog's DispatchProbe and the probe's DispatchRecorder use: a
/// QInternal::EventNotifyCallback that re-enters QCoreApplication::notifyInternal2 (a private static
/// member with a plain C calling convention) once per event, flagged to pass straight through.
class NotifyHook final
{
public:
    NotifyHook() = delete;

    using NotifyInternal = bool (*)(QObject *, QEvent *);
    using Callback = bool (*)(void **);

    /// Finds notifyInternal2 and registers `callback`. Returns the function to re-enter, or
    /// nullptr (and Qt untouched) when either step fails.
    static NotifyInternal install(Callback callback);
    static void uninstall(Callback callback);
};

} // namespace Taskscope::Watchdog
