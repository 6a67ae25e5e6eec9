#include "app/headlessmain.h"

#include "app/headlesssession.h"

#include <QCoreApplication>

#include <csignal>
#include <memory>

int runHeadless(int argc, char *argv[])
{
    std::signal(SIGPIPE, SIG_IGN);
    std::unique_ptr<QCoreApplication> app;
    if (!QCoreApplication::instance())
        app = std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("taskscope"));
    HeadlessSession session;
    // Watchdog hook (the lead connects it): create the UI watchdog here and pass its alerts, e.g.
    //   session.setAlertSource(&alertListModel, AlertListModel::JsonRole);
    // or session.addAlertProducer([&] { return alertsAsJson(); }); every run's report then carries
    // the alerts raised while it ran ("alerts" in each run).
    return session.run(QCoreApplication::arguments());
}
