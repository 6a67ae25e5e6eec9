#pragma once
// Taskscope's probe, linked into an application that wants to be watched always:
//
//     find_package(Taskscope COMPONENTS Probe)
//     target_link_libraries(app PRIVATE Taskscope::Probe)
//
//     Taskscope::Probe::start();                          // before or after the QCoreApplication
//     { Taskscope::Probe::Scope scope("parse reply"); … }  // a span on this thread
//     auto span = Taskscope::Probe::beginSpan("fetch");    // a span that may cross co_await
//     co_await reply;  Taskscope::Probe::endSpan(span);
//     Taskscope::Probe::instant("cache miss");
//     Taskscope::Probe::counter("queue length", double(queue.size()));
//
// Names are interned once per pointer (pass string literals or other strings that live as long as
// the program). The calls are cheap (a clock read and a 32-byte record) and never block; with no
// Taskscope window or `taskscope launch` listening, the probe records and drops.

#include <cstdint>

extern "C" {
int taskscope_probe_start(void);
std::uint32_t taskscope_probe_name(const char *utf8);
std::uint64_t taskscope_probe_now(void);
void taskscope_probe_scope_begin(std::uint32_t name);
void taskscope_probe_scope_end(std::uint32_t name);
void taskscope_probe_span(std::uint32_t name, std::uint64_t startTicks);
void taskscope_probe_instant(std::uint32_t name);
void taskscope_probe_counter(std::uint32_t name, double value);
}

namespace Taskscope::Probe {

/// Starts the probe: now if the application object exists (its set-up runs on the UI thread),
/// else when the application object is created. Idempotent.
inline void start()
{
    taskscope_probe_start();
}

/// A span on the calling thread that begins and ends on it (no suspension in between). The watchdog
/// names it when the UI thread hangs inside it.
class Scope final
{
public:
    explicit Scope(const char *name)
        : m_name(taskscope_probe_name(name))
    {
        taskscope_probe_scope_begin(m_name);
    }
    ~Scope() { taskscope_probe_scope_end(m_name); }
    Scope(const Scope &) = delete;
    Scope &operator=(const Scope &) = delete;

private:
    std::uint32_t m_name;
};

/// A span begun with beginSpan(): a plain value, so it can be kept across a co_await (a QCoro
/// coroutine may resume on another thread). It shows on the process's "spans" lane when it ends.
struct Span
{
    std::uint32_t name = 0;
    std::uint64_t startTicks = 0;
};

inline Span beginSpan(const char *name)
{
    return Span {taskscope_probe_name(name), taskscope_probe_now()};
}

inline void endSpan(const Span &span)
{
    taskscope_probe_span(span.name, span.startTicks);
}

/// A moment on the calling thread's lane.
inline void instant(const char *name)
{
    taskscope_probe_instant(taskscope_probe_name(name));
}

/// A value over time, on the process's "counters" lane.
inline void counter(const char *name, double value)
{
    taskscope_probe_counter(taskscope_probe_name(name), value);
}

} // namespace Taskscope::Probe
