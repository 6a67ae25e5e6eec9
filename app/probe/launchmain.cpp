#include "app/probe/launchmain.h"

#include "app/probe/launchcommandline.h"
#include "app/probe/launchsession.h"

#include <QCoreApplication>

#include <csignal>
#include <cstdio>

int runLaunch(int argc, char *argv[])
{
    using namespace Taskscope::Probe;
    std::signal(SIGPIPE, SIG_IGN);
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("taskscope"));
    QString error;
    const auto line = LaunchCommandLine::parse(QCoreApplication::arguments(), &error);
    if (!line) {
        std::fprintf(stderr, "taskscope launch: %s\n", qPrintable(error));
        return 1;
    }
    if (line->help) {
        std::fputs(qPrintable(LaunchCommandLine::helpText()), stdout);
        return 0;
    }
    if (!line->headless) {
        std::fprintf(stderr,
                     "taskscope launch: only --headless is available so far (the window's lane groups "
                     "for watched programs are not built yet)\n");
        return 1;
    }
    LaunchSession session(*line);
    if (!session.start(&error)) {
        std::fprintf(stderr, "taskscope launch: %s\n", qPrintable(error));
        return 2;
    }
    QObject::connect(&session, &LaunchSession::finished, &app, [](int code) { QCoreApplication::exit(code); });
    return QCoreApplication::exec();
}
