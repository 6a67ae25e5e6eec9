#include "app/probe/launchcommandline.h"

namespace Taskscope::Probe {
namespace {

std::optional<std::chrono::milliseconds> parseMs(const QString &text)
{
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    if (!ok || value < 1 || value > 24ll * 3600 * 1000)
        return std::nullopt;
    return std::chrono::milliseconds(value);
}

} // namespace

std::optional<LaunchCommandLine> LaunchCommandLine::parse(const QStringList &arguments, QString *error)
{
    LaunchCommandLine line;
    int i = 1;
    const bool attach = i < arguments.size() && arguments.at(i) == u"attach";
    if (i < arguments.size() && (arguments.at(i) == u"launch" || attach))
        ++i;
    for (; i < arguments.size(); ++i) {
        const QString &argument = arguments.at(i);
        auto value = [&](QString *out) {
            if (i + 1 >= arguments.size()) {
                *error = QStringLiteral("%1 needs a value").arg(argument);
                return false;
            }
            *out = arguments.at(++i);
            return true;
        };
        QString text;
        if (argument == u"--") {
            ++i;
            break;
        } else if (argument == u"--headless") {
            line.headless = true;
        } else if (argument == u"--report") {
            if (!value(&line.reportPath))
                return std::nullopt;
        } else if (argument == u"--trace") {
            if (!value(&line.tracePath))
                return std::nullopt;
        } else if (argument == u"--fail-on-hang" || argument == u"--stop-after") {
            if (!value(&text))
                return std::nullopt;
            const auto ms = parseMs(text);
            if (!ms) {
                *error = QStringLiteral("%1 wants a number of milliseconds, not \"%2\"").arg(argument, text);
                return std::nullopt;
            }
            (argument == u"--fail-on-hang" ? line.failOnHang : line.stopAfter) = ms;
        } else if (argument == u"--follow-children") {
            line.followChildren = true;
        } else if (argument == u"--quiet") {
            line.quiet = true;
        } else if (argument == u"--help" || argument == u"-h") {
            line.help = true;
            return line;
        } else if (argument.startsWith(u'-')) {
            *error = QStringLiteral("unknown option %1 (the program and its arguments go after --)").arg(argument);
            return std::nullopt;
        } else if (attach) {
            bool ok = false;
            line.attachPid = argument.toLongLong(&ok);
            if (!ok || line.attachPid <= 0) {
                *error = QStringLiteral("attach wants a process id, not \"%1\"").arg(argument);
                return std::nullopt;
            }
        } else {
            break; // the program, without a --
        }
    }
    if (attach) {
        line.headless = true; // nothing else yet
        if (line.attachPid > 0)
            return line;
        *error = QStringLiteral("no process id (taskscope attach [options] PID)");
        return std::nullopt;
    }
    if (i >= arguments.size()) {
        *error = QStringLiteral("no program to launch (taskscope launch [options] -- PROGRAM ARGS...)");
        return std::nullopt;
    }
    line.program = arguments.at(i);
    line.programArguments = arguments.mid(i + 1);
    return line;
}

QString LaunchCommandLine::helpText()
{
    return QStringLiteral(
        "Usage: taskscope launch [options] -- PROGRAM [ARGS...]\n"
        "Runs an unmodified Qt 6 program with the Taskscope probe preloaded: every event dispatch on\n"
        "every thread becomes a span, and the UI watchdog raises alerts with stacks while it hangs.\n"
        "\n"
        "  --headless           no window: collect, then write the trace and the report\n"
        "  --trace FILE         Chrome trace (Perfetto, chrome://tracing) of the program's threads\n"
        "  --report FILE        JSON report: alerts with their evidence, threads, counts, drops\n"
        "  --fail-on-hang MS    exit 3 when the UI thread blocked longer than MS (the watchdog's\n"
        "                       hang tier is lowered to MS when MS is below it)\n"
        "  --stop-after MS      terminate the program after MS (SIGTERM, then SIGKILL 3 s later);\n"
        "                       attach: stop watching MS after the probe connected\n"
        "  --follow-children    the program's own child processes get the probe too\n"
        "  --quiet              no summary line\n"
        "\n"
        "Exit status: 0, or the program's own non-zero status; 3 when --fail-on-hang was exceeded;\n"
        "2 when the program could not be started or crashed; 1 for a bad command line.\n"
        "\n"
        "Usage: taskscope attach [--report FILE] [--trace FILE] [--fail-on-hang MS] [--stop-after MS] PID\n"
        "Injects the probe into a running Qt 6 process with gdb and collects until the process exits or\n"
        "--stop-after has passed (the probe then stays in the process, idle, until it exits). Says why\n"
        "when it cannot: no gdb, ptrace not permitted (and which setting), not Qt 6, another Qt version.\n");
}

} // namespace Taskscope::Probe
