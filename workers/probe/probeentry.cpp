// How the probe gets into a host process: a static constructor (LD_PRELOAD, or dlopen by an
// attaching debugger) checks the Qt version and registers a pre-routine; Qt runs it inside the
// QCoreApplication constructor, or at once when the application object already exists. Set-up
// always happens on the UI thread. The only exported symbols are the C entry points below.
#include "workers/probe/probehost.h"

#include <QCoreApplication>
#include <QThread>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <dlfcn.h>

namespace {

using Taskscope::Probe::ProbeHost;

ProbeHost *g_host = nullptr;

void stopOnUiThread()
{
    if (!g_host)
        return;
    g_host->stop(QStringLiteral("application object destroyed"));
    delete g_host;
    g_host = nullptr;
}

// exit() without the application object's destructor: stop the probe's threads before the
// static objects they use are destroyed.
void stopAtExit()
{
    if (g_host) {
        g_host->stop(QStringLiteral("process exiting"));
        g_host = nullptr; // not deleted: QObject destruction this late is not worth the risk
    }
}

void startOnUiThread()
{
    if (g_host)
        return;
    QString error;
    ProbeHost::Settings settings = ProbeHost::Settings::fromEnvironment(&error);
    if (!error.isEmpty())
        std::fprintf(stderr, "taskscope-probe: %s\n", qPrintable(error));
    g_host = new ProbeHost(std::move(settings));
    if (!g_host->start()) {
        std::fprintf(stderr, "taskscope-probe: could not start in this process\n");
        delete g_host;
        g_host = nullptr;
        return;
    }
    qAddPostRoutine(stopOnUiThread);
    std::atexit(stopAtExit);
}

void startRoutine()
{
    QCoreApplication *app = QCoreApplication::instance();
    if (!app)
        return;
    if (QThread::currentThread() == app->thread())
        startOnUiThread();
    else // injected on whichever thread the debugger stopped: hand the set-up to the UI thread
        QMetaObject::invokeMethod(app, &startOnUiThread, Qt::QueuedConnection);
}

// Children of the host do not inherit the probe unless asked (TASKSCOPE_PROBE_FOLLOW_CHILDREN=1).
void removeSelfFromPreload()
{
    const char *preload = std::getenv("LD_PRELOAD");
    Dl_info info {};
    if (!preload || !dladdr(reinterpret_cast<void *>(&removeSelfFromPreload), &info) || !info.dli_fname)
        return;
    const std::string self = info.dli_fname;
    const char *slash = std::strrchr(info.dli_fname, '/');
    const std::string selfName = slash ? slash + 1 : self;
    std::string kept;
    std::string list = preload;
    std::size_t start = 0;
    while (start <= list.size()) {
        const std::size_t end = list.find_first_of(": ", start);
        const std::string entry = list.substr(start, end == std::string::npos ? std::string::npos : end - start);
        const std::size_t entrySlash = entry.rfind('/');
        const std::string entryName = entrySlash == std::string::npos ? entry : entry.substr(entrySlash + 1);
        if (!entry.empty() && entry != self && entryName != selfName)
            kept += (kept.empty() ? "" : ":") + entry;
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    if (kept.empty())
        unsetenv("LD_PRELOAD");
    else
        setenv("LD_PRELOAD", kept.c_str(), 1);
}

__attribute__((constructor)) void probeLoaded()
{
    if (std::getenv("TASKSCOPE_PROBE_DISABLE"))
        return;
    const char *follow = std::getenv("TASKSCOPE_PROBE_FOLLOW_CHILDREN");
    if (!follow || std::strcmp(follow, "1") != 0)
        removeSelfFromPreload();
    const QString why = ProbeHost::incompatibility(qVersion());
    if (!why.isEmpty()) {
        std::fprintf(stderr, "taskscope-probe: %s; no hooks installed\n", qPrintable(why));
        return;
    }
    qAddPreRoutine(startRoutine);
}

} // namespace

extern "C" {

/// For an app that links the probe in, or for an injector: starts the probe now if the application
/// object exists (set-up runs on the UI thread), else when it is created. Returns 0.
__attribute__((visibility("default"))) int taskscope_probe_start()
{
    if (QCoreApplication::instance())
        startRoutine();
    else
        qAddPreRoutine(startRoutine);
    return 0;
}

/// The Qt version this probe was built for ("6.4.2"), for an injector's version check.
__attribute__((visibility("default"))) const char *taskscope_probe_qt_version()
{
    return QT_VERSION_STR;
}

} // extern "C"
