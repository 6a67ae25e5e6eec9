#include "app/headless/headlesscommandline.h"

#include <cmath>

using Taskscope::Model::ExecutionModel;
using Taskscope::Model::WorkloadSpec;

namespace Taskscope::Headless {

QString HeadlessCommandLine::helpText()
{
    return QStringLiteral(
        "Usage: taskscope --headless --scenario FILE|NAME [options]\n"
        "Runs a scenario without a window: prints a progress line (stderr) and a summary table (stdout),\n"
        "writes a JSON report and a Chrome trace, and exits 0 when every workload succeeded, 1 when one\n"
        "failed or the run timed out, 2 for usage or scenario errors, 130 when interrupted (Ctrl-C).\n"
        "\n"
        "  --scenario FILE|NAME       scenario JSON file, or a bundled scenario's name (see --list-scenarios)\n"
        "  --report OUT.json          write the JSON report (every statistic, per stream and aggregated)\n"
        "  --trace OUT.json           write the Chrome trace (opens in Perfetto / chrome://tracing)\n"
        "  --compare MODEL,MODEL      run once per execution model (thread, coroutine, offload, blocking),\n"
        "                             overriding every workload's model, and print them side by side\n"
        "  --duration S               stop the run after S seconds (overrides the scenario's durationS)\n"
        "  --event-loop epoll|qt      event dispatcher of the threads that run streams: Linux epoll\n"
        "                             (default; O(ready sockets) per wake-up) or Qt's own\n"
        "  --quiet                    no progress line\n"
        "  --list-scenarios           list the bundled scenarios\n"
        "  -h, --help                 this text\n"
        "\n"
        "Environment: OPENAI_API_KEY, DEEPGRAM_API_KEY (for workloads with a real baseUrl; never logged),\n"
        "OPENAI_MODEL (chat model for a real endpoint, default gpt-4o-mini), TASKSCOPE_SERVER (the\n"
        "taskscope-server executable for \"service\": {\"external\": true}).\n");
}

std::optional<HeadlessCommandLine> HeadlessCommandLine::parse(const QStringList &arguments, QString *error)
{
    HeadlessCommandLine c;
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        QString option = arguments.at(i);
        QString inlineValue;
        bool hasInline = false;
        if (option.startsWith(QLatin1String("--")) && option.contains(QLatin1Char('='))) {
            inlineValue = option.mid(option.indexOf(QLatin1Char('=')) + 1);
            option = option.left(option.indexOf(QLatin1Char('=')));
            hasInline = true;
        }
        auto value = [&](QString *out) {
            if (hasInline) {
                *out = inlineValue;
            } else if (i + 1 < arguments.size()) {
                *out = arguments.at(++i);
            } else {
                *error = QStringLiteral("%1 needs a value").arg(option);
                return false;
            }
            if (out->isEmpty()) {
                *error = QStringLiteral("%1 needs a non-empty value").arg(option);
                return false;
            }
            return true;
        };
        if (option == u"--headless") {
            continue;
        } else if (option == u"-h" || option == u"--help") {
            c.help = true;
        } else if (option == u"--list-scenarios") {
            c.listScenarios = true;
        } else if (option == u"--quiet") {
            c.quiet = true;
        } else if (option == u"--scenario") {
            if (!value(&c.scenario))
                return std::nullopt;
        } else if (option == u"--report") {
            if (!value(&c.reportPath))
                return std::nullopt;
        } else if (option == u"--trace") {
            if (!value(&c.tracePath))
                return std::nullopt;
        } else if (option == u"--event-loop") {
            if (!value(&c.eventLoop))
                return std::nullopt;
            if (c.eventLoop != u"epoll" && c.eventLoop != u"qt") {
                *error = QStringLiteral("--event-loop must be epoll or qt, not \"%1\"").arg(c.eventLoop);
                return std::nullopt;
            }
        } else if (option == u"--duration") {
            QString text;
            if (!value(&text))
                return std::nullopt;
            bool ok = false;
            c.durationS = text.toDouble(&ok);
            if (!ok || !std::isfinite(c.durationS) || c.durationS <= 0 || c.durationS > 7 * 86400) {
                *error = QStringLiteral("--duration must be a number of seconds > 0, not \"%1\"").arg(text);
                return std::nullopt;
            }
        } else if (option == u"--compare") {
            QString text;
            if (!value(&text))
                return std::nullopt;
            const QStringList names = text.split(QLatin1Char(','), Qt::SkipEmptyParts);
            for (const QString &name : names) {
                ExecutionModel model;
                if (!WorkloadSpec::parse(name.trimmed(), &model)) {
                    *error = QStringLiteral(
                                 "--compare: \"%1\" is not an execution model (thread, coroutine, offload, blocking)")
                                 .arg(name.trimmed());
                    return std::nullopt;
                }
                if (c.compare.contains(model)) {
                    *error = QStringLiteral("--compare: \"%1\" is given twice").arg(name.trimmed());
                    return std::nullopt;
                }
                c.compare.append(model);
            }
            if (c.compare.size() < 2) {
                *error = QStringLiteral("--compare needs at least two models, e.g. --compare thread,coroutine");
                return std::nullopt;
            }
        } else {
            *error = QStringLiteral("unknown option \"%1\" (see --help)").arg(arguments.at(i));
            return std::nullopt;
        }
    }
    if (!c.help && !c.listScenarios && c.scenario.isEmpty()) {
        *error = QStringLiteral("--scenario FILE|NAME is required (see --help)");
        return std::nullopt;
    }
    return c;
}

} // namespace Taskscope::Headless
