// taskscope-server: the loopback service as a standalone process (see servercommandline.cpp --help).
#include "workers/loopback/loopbackservice.h"
#include "workers/loopback/servercommandline.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>

#include <sys/resource.h>
#include <sys/signalfd.h>
#include <unistd.h>

using Taskscope::Loopback::LoopbackService;
using Taskscope::Loopback::ServerCommandLine;

namespace {

// Thousands of sockets need more than the usual soft limit of 1024 descriptors.
void raiseDescriptorLimit()
{
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

} // namespace

int main(int argc, char *argv[])
{
    // The UNIX event dispatcher costs half of glib's per event; it must be chosen before the application.
    qputenv("QT_NO_GLIB", "1");
    raiseDescriptorLimit();

    // SIGINT/SIGTERM are blocked in every thread (threads inherit the mask) and read from a signalfd on
    // the main event loop, so shutdown runs as ordinary code, not in a signal handler.
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGINT);
    sigaddset(&stopSignals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
    signal(SIGPIPE, SIG_IGN);

    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("taskscope-server"));

    QString error;
    const auto parsed = ServerCommandLine::parse(QCoreApplication::arguments(),
                                                 qEnvironmentVariable("TASKSCOPE_SERVER_KEY"), &error);
    if (!parsed) {
        std::fprintf(stderr, "taskscope-server: %s\n", qPrintable(error));
        return 2;
    }
    if (parsed->showHelp) {
        std::fputs(qPrintable(ServerCommandLine::helpText()), stdout);
        return 0;
    }

    const int signalFd = signalfd(-1, &stopSignals, SFD_NONBLOCK | SFD_CLOEXEC);
    if (signalFd < 0) {
        std::perror("taskscope-server: signalfd");
        return 1;
    }
    QSocketNotifier signalNotifier(signalFd, QSocketNotifier::Read);
    QObject::connect(&signalNotifier, &QSocketNotifier::activated, &app, [signalFd] {
        signalfd_siginfo info {};
        while (read(signalFd, &info, sizeof info) == sizeof info)
            std::fprintf(stderr, "taskscope-server: %s, shutting down\n",
                         info.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM");
        QCoreApplication::quit();
    });

    LoopbackService service(parsed->config);
    if (!service.start()) {
        std::fprintf(stderr, "taskscope-server: %s\n", qPrintable(service.errorString()));
        close(signalFd);
        return 1;
    }
    for (const QString &warning : service.warnings())
        std::fprintf(stderr, "taskscope-server: warning: %s\n", qPrintable(warning));
    std::printf("listening on %s\n", qPrintable(service.httpUrl().toString()));
    std::fflush(stdout);

    const int status = app.exec();
    service.stop();
    close(signalFd);
    return status;
}
