// An application that links Taskscope's probe in and marks its own work: a scoped span, a span
// that crosses a co_await in a QCoro coroutine, an instant and a counter.
#include <QCoreApplication>
#include <QThread>
#include <QTimer>
#include <qcorotask.h>
#include <qcorotimer.h>

#include <chrono>

#include <taskscope/probe.h>

namespace {

QCoro::Task<> fetchReply()
{
    const auto span = Taskscope::Probe::beginSpan("linked fetch across co_await");
    co_await QCoro::sleepFor(std::chrono::milliseconds(40));
    Taskscope::Probe::endSpan(span);
    Taskscope::Probe::instant("linked reply arrived");
}

} // namespace

int main(int argc, char *argv[])
{
    Taskscope::Probe::start();
    QCoreApplication app(argc, argv);
    QTimer::singleShot(50, &app, [] {
        {
            Taskscope::Probe::Scope scope("linked parse");
            QThread::msleep(5);
        }
        for (int i = 1; i <= 3; ++i)
            Taskscope::Probe::counter("linked queue length", double(i));
        fetchReply();
    });
    QTimer::singleShot(800, &app, &QCoreApplication::quit);
    return QCoreApplication::exec();
}
