#pragma once

#include <QString>
#include <QStringList>

#include <chrono>
#include <optional>

namespace Taskscope::Probe {

/// `taskscope launch [options] -- PROGRAM ARGS…` or `taskscope attach [options] PID` (see helpText()).
struct LaunchCommandLine
{
    qint64 attachPid = 0; ///< attach: the running process to inject the probe into
    QString program;
    QStringList programArguments;
    bool headless = false;
    QString reportPath;
    QString tracePath;
    std::optional<std::chrono::milliseconds> failOnHang; ///< exit 3 when the UI thread blocked longer
    std::optional<std::chrono::milliseconds> stopAfter; ///< terminate the program (attach: detach) after this long
    bool followChildren = false;
    bool quiet = false;
    bool help = false;

    /// Parses the arguments (argv[0] first, then "launch" or "attach"); nullopt with *error naming the problem.
    static std::optional<LaunchCommandLine> parse(const QStringList &arguments, QString *error);
    static QString helpText();
};

} // namespace Taskscope::Probe
