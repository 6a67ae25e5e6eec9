#pragma once
// The command line of taskscope-server, turned into a LoopbackConfig.
#include "workers/loopback/loopbackconfig.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace Taskscope::Loopback {

class ServerCommandLine
{
public:
    struct Result
    {
        LoopbackConfig config;
        bool showHelp = false;
        bool quiet = false;
    };

    // `arguments` includes the program name. The key may also come from TASKSCOPE_SERVER_KEY
    // (`environmentKey`), which keeps it out of the process list.
    static std::optional<Result> parse(const QStringList &arguments, const QString &environmentKey, QString *error);
    static QString helpText();
};

} // namespace Taskscope::Loopback
