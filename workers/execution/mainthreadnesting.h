#pragma once

namespace Taskscope::Execution {

class NestedEpollDispatcher;

/// Puts a NestedEpollDispatcher in front of the main thread's (the platform's) event dispatcher.
/// Qt has no public way to do this once the application object exists (setEventDispatcher() only
/// works before), and the GUI platforms need their own dispatcher to exist, so this swaps the two
/// places Qt keeps the pointer with Qt's private API. The only user of that API in the program.
class MainThreadNesting final
{
public:
    /// Call on the main thread after the application object is constructed, before exec(). Returns
    /// the installed dispatcher, or nullptr with one line on stderr saying why Qt's is kept (a Qt at
    /// run time other than the one built against, whose private layout may differ; no epoll).
    static NestedEpollDispatcher *install();
    /// install() when EventLoopChoice::current() is epoll; with qt, nothing (nullptr).
    static NestedEpollDispatcher *installIfChosen();
};

} // namespace Taskscope::Execution
