#include "app/probe/launchmain.h"

#include "app/probe/launchcommandline.h"
#include "app/probe/launchsession.h"

#include <QCoreApplication>

#include <csignal>
#include <cstdio>
#include <cstring>

namespace Taskscope::Probe {

bool launchWantsWindow(int argc, char *argv[])
{
    for (int i = 2; i < argc && std::strcmp(argv[i], "--") != 0; ++i) {
        if (std::strcmp(argv[i], "--headless") == 0 || std::strcmp(argv[i], "--help") == 0
            || std::strcmp(argv[i], "-h") == 0)
            return false;
    }
    return true;
}

int runLaunch(int argc, char *argv[])
{
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
        std::fprintf(stderr, "taskscope launch: without --headless the window runs the program\n");
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

} // namespace Taskscope::Probe
