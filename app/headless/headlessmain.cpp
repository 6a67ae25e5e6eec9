#include "app/headless/headlessmain.h"

#include "app/headless/headlesssession.h"
#include "workers/execution/eventloopchoice.h"
#include "workers/watchdog/uiwatchdog.h"
#include "workers/watchdog/watchdogbudget.h"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>

#include <csignal>
#include <memory>

using Taskscope::Model::AlertListModel;
using Taskscope::Watchdog::UiWatchdog;
using Taskscope::Watchdog::UiWatchdogConfig;
using Taskscope::Watchdog::WatchdogBudget;

namespace Taskscope::Headless {

int runHeadless(int argc, char *argv[])
{
    std::signal(SIGPIPE, SIG_IGN);
    std::unique_ptr<QCoreApplication> app;
    if (!QCoreApplication::instance()) {
        // Coroutine streams run on this thread: it gets the --event-loop choice too.
        if (QAbstractEventDispatcher *dispatcher = Taskscope::Execution::EventLoopChoice::create())
            QCoreApplication::setEventDispatcher(dispatcher);
        app = std::make_unique<QCoreApplication>(argc, argv);
    }
    QCoreApplication::setApplicationName(QStringLiteral("taskscope"));
    return runHeadlessWithWatchdog(QCoreApplication::arguments());
}

int runHeadlessWithWatchdog(const QStringList &arguments)
{
    // The watchdog watches the thread the coroutines run on: every run's report carries the alerts
    // raised while it ran, with their evidence. No QApplication subclass here, so it installs its
    // own dispatch probe. No journal (a CI run must not add to the user's) and no desktop popups.
    UiWatchdogConfig config;
    config.installDispatchProbe = true;
    config.journal = false;
    config.desktopNotifications = false;
    UiWatchdog watchdog(config);
    watchdog.start();

    HeadlessSession session;
    session.setAlertSource(watchdog.model(), AlertListModel::JsonRole);
    // Writing the report and a large trace after the runs is the session's own work on the guarded
    // thread: budgeted, so only an overrun is an alert (and names the budget).
    session.setOwnWorkScope([&watchdog](QStringView reason) {
        return std::static_pointer_cast<void>(
            std::make_shared<WatchdogBudget>(watchdog, std::chrono::seconds(30), reason));
    });
    // A run's report carries the alerts up to its end, with final durations: the watcher's last
    // word arrives within a few polls once the loop runs again; 2 s bounds a collector still busy.
    session.setAlertSettler([&watchdog](std::function<void()> done) {
        watchdog.settle(std::chrono::seconds(2), [done = std::move(done)](bool) { done(); });
    });
    const int code = session.run(arguments);
    watchdog.stop();
    return code;
}

} // namespace Taskscope::Headless
