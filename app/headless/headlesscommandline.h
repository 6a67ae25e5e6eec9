#pragma once

#include "model/workloadspec.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace Taskscope::Headless {

/// `taskscope --headless` options (see helpText()).
struct HeadlessCommandLine
{
    QString scenario; ///< a path, or the name of a bundled scenario
    QString reportPath;
    QString tracePath;
    QList<Model::ExecutionModel> compare; ///< empty: one run with each workload's own model
    double durationS = -1; ///< -1: the scenario's own
    QString eventLoop; ///< "epoll" or "qt" (empty: the default); applied by main() before the app exists
    bool quiet = false;
    bool help = false;
    bool listScenarios = false;

    /// Parses the arguments (argv[0] first); nullopt with *error naming the bad option.
    static std::optional<HeadlessCommandLine> parse(const QStringList &arguments, QString *error);
    static QString helpText();
};

} // namespace Taskscope::Headless
