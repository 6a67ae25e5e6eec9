#pragma once

#include <QApplication>

namespace Taskscope::Gui {

/// Taskscope's QApplication: every event dispatch on the UI thread is bracketed for the watchdog
/// (DispatchProbe::Scope), so its watcher thread knows what the UI thread runs and since when.
///
/// This is the cheapest hook (two relaxed stores per dispatch) and needs no Qt-internal callback:
/// the watchdog runs with UiWatchdogConfig::installDispatchProbe = false beside it. On other
/// threads, and while no watchdog observes the UI thread, the scope does nothing.
class TaskscopeApplication final : public QApplication
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TaskscopeApplication)

public:
    TaskscopeApplication(int &argc, char **argv);
    ~TaskscopeApplication() override;

    bool notify(QObject *receiver, QEvent *event) override;
};

} // namespace Taskscope::Gui
