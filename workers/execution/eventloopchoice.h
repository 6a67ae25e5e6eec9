#pragma once

#include <QString>

#include <optional>

class QAbstractEventDispatcher;
class QThread;

namespace Taskscope::Execution {

/// Which event dispatcher the threads that run streams use: Linux epoll (EpollEventDispatcher) or
/// Qt's own (the UNIX dispatcher, or glib when the platform picks it). One process-wide choice, set
/// from the command line before the application object and the first worker thread exist.
class EventLoopChoice final
{
public:
    enum class Kind { Epoll, Qt };

    static std::optional<Kind> parse(const QString &text);
    static QString toString(Kind kind);

    /// The process-wide choice (default: Epoll, the cheaper one where it works).
    static Kind current();
    static void setCurrent(Kind kind);

    /// A new dispatcher of the current kind, or nullptr for Qt's own (also when epoll is unavailable).
    static QAbstractEventDispatcher *create();
    /// Gives a thread that has not started yet the current kind's dispatcher.
    static void prepare(QThread *thread);
    /// What a running dispatcher is: "epoll", "unix", "glib", "epoll nested in unix" (the UI
    /// thread's) or its class name.
    static QString describe(const QAbstractEventDispatcher *dispatcher);
};

} // namespace Taskscope::Execution
