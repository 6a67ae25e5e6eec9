#include "app/scenario/runreport.h"

#include "app/scenario/scenario.h"
#include "workers/execution/eventloopchoice.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QSysInfo>
#include <QThread>

#include <functional>

namespace Taskscope::Scenarios {

namespace {

QString number(const QJsonValue &v, int decimals)
{
    if (v.isNull() || v.isUndefined())
        return QStringLiteral("-");
    return QString::number(v.toDouble(), 'f', decimals);
}

QString triple(const QJsonObject &s, const char *a, const char *b, const char *c, int decimals)
{
    const QJsonValue va = s.value(QLatin1StringView(a));
    if (va.isNull() || va.isUndefined())
        return QStringLiteral("-");
    QString out = number(va, decimals) + QLatin1Char('/') + number(s.value(QLatin1StringView(b)), decimals);
    if (c)
        out += QLatin1Char('/') + number(s.value(QLatin1StringView(c)), decimals);
    return out;
}

QString firstFigure(const QJsonObject &s)
{
    if (!s.value(QStringLiteral("timeToFirstTokenP50Ms")).isNull())
        return number(s.value(QStringLiteral("timeToFirstTokenP50Ms")), 1);
    if (!s.value(QStringLiteral("timeToFirstAudioP50Ms")).isNull())
        return number(s.value(QStringLiteral("timeToFirstAudioP50Ms")), 1) + QStringLiteral(" (audio)");
    return QStringLiteral("-");
}

QString mib(double bytes)
{
    return QString::number(bytes / (1024.0 * 1024.0), 'f', 1);
}

QString kib(const QJsonValue &bytes)
{
    return bytes.isNull() || bytes.isUndefined() ? QStringLiteral("-")
                                                 : QString::number(bytes.toDouble() / 1024.0, 'f', 1);
}

// Rows of cells, padded into columns.
QString formatTable(const QList<QStringList> &rows)
{
    QList<int> widths;
    for (const QStringList &row : rows) {
        for (qsizetype i = 0; i < row.size(); ++i) {
            if (widths.size() <= i)
                widths.append(0);
            widths[i] = std::max(widths[i], int(row[i].size()));
        }
    }
    QString out;
    for (const QStringList &row : rows) {
        QString line;
        for (qsizetype i = 0; i < row.size(); ++i)
            line += row[i].leftJustified(widths[i] + 2);
        while (line.endsWith(QLatin1Char(' ')))
            line.chop(1);
        out += line + QLatin1Char('\n');
    }
    return out;
}

QString workloadName(const QJsonObject &w)
{
    const QJsonObject spec = w.value(QStringLiteral("spec")).toObject();
    QString name = spec.value(QStringLiteral("workload")).toString();
    if (name == QLatin1String("command"))
        name += QLatin1Char(':') + spec.value(QStringLiteral("command")).toString();
    return name;
}

} // namespace

QJsonObject RunReport::environment(const QJsonObject &service, bool openAiKeySet, bool deepgramKeySet)
{
    QJsonObject o;
    o.insert(QStringLiteral("host"), QSysInfo::machineHostName());
    o.insert(QStringLiteral("os"), QSysInfo::prettyProductName());
    o.insert(QStringLiteral("kernel"), QSysInfo::kernelVersion());
    o.insert(QStringLiteral("cpus"), QThread::idealThreadCount());
    o.insert(QStringLiteral("qt"), QString::fromLatin1(qVersion()));
    // The dispatcher of the thread that runs coroutine streams (epoll, unix or glib), and the
    // --event-loop choice every worker thread got.
    o.insert(QStringLiteral("eventDispatcher"),
             Taskscope::Execution::EventLoopChoice::describe(QCoreApplication::eventDispatcher()));
    o.insert(QStringLiteral("eventLoop"),
             Taskscope::Execution::EventLoopChoice::toString(Taskscope::Execution::EventLoopChoice::current()));
    o.insert(QStringLiteral("program"), QCoreApplication::applicationFilePath());
    o.insert(QStringLiteral("service"),
             service.isEmpty() ? QJsonObject {{QStringLiteral("kind"), QStringLiteral("none")}} : service);
    o.insert(QStringLiteral("openAiKeySet"), openAiKeySet);
    o.insert(QStringLiteral("deepgramKeySet"), deepgramKeySet);
    return o;
}

QJsonObject RunReport::build(const Scenario &scenario, const QString &source, const QJsonObject &environment,
                             const QList<QJsonObject> &runs)
{
    QJsonObject report;
    report.insert(QStringLiteral("taskscope"),
                  QJsonObject {{QStringLiteral("version"), QCoreApplication::applicationVersion()},
                               {QStringLiteral("format"), FormatVersion}});
    report.insert(QStringLiteral("scenario"), scenario.toJson());
    report.insert(QStringLiteral("source"), source);
    report.insert(QStringLiteral("environment"), environment);
    QJsonArray list;
    bool ok = !runs.isEmpty();
    for (const QJsonObject &run : runs) {
        list.append(run);
        ok = ok && run.value(QStringLiteral("ok")).toBool();
    }
    report.insert(QStringLiteral("runs"), list);
    report.insert(QStringLiteral("ok"), ok);
    return report;
}

QString RunReport::summaryTable(const QJsonObject &run)
{
    QList<QStringList> rows;
    rows << QStringList {QStringLiteral("workload"),
                         QStringLiteral("model"),
                         QStringLiteral("streams"),
                         QStringLiteral("ok"),
                         QStringLiteral("failed"),
                         QStringLiteral("lateness p50/p95/p99 ms"),
                         QStringLiteral("latency p50/p99 ms"),
                         QStringLiteral("TTFT p50 ms"),
                         QStringLiteral("tok/s"),
                         QStringLiteral("req/s"),
                         QStringLiteral("errors/reconnects/retries/malformed")};
    const QJsonArray workloads = run.value(QStringLiteral("workloads")).toArray();
    for (const QJsonValue &v : workloads) {
        const QJsonObject w = v.toObject();
        const QJsonObject s = w.value(QStringLiteral("summary")).toObject();
        QString latency = triple(s, "latencyP50Ms", "latencyP99Ms", nullptr, 2);
        if (latency != QLatin1String("-")
            && s.value(QStringLiteral("latencyKind")).toString() == QLatin1String("transcript"))
            latency += QStringLiteral(" (transcript)");
        rows << QStringList {workloadName(w),
                             w.value(QStringLiteral("spec")).toObject().value(QStringLiteral("model")).toString(),
                             QString::number(s.value(QStringLiteral("streams")).toInt()),
                             QString::number(s.value(QStringLiteral("ok")).toInt()),
                             QString::number(s.value(QStringLiteral("failed")).toInt()),
                             triple(s, "latenessP50Ms", "latenessP95Ms", "latenessP99Ms", 2),
                             latency,
                             firstFigure(s),
                             number(s.value(QStringLiteral("tokensPerSecond")), 1),
                             number(s.value(QStringLiteral("requestsPerSecond")), 1),
                             QStringLiteral("%1/%2/%3/%4")
                                 .arg(s.value(QStringLiteral("errors")).toInteger())
                                 .arg(s.value(QStringLiteral("reconnects")).toInteger())
                                 .arg(s.value(QStringLiteral("retries")).toInteger())
                                 .arg(s.value(QStringLiteral("malformedMessages")).toInteger())};
    }
    QString out = formatTable(rows);
    const QJsonObject p = run.value(QStringLiteral("process")).toObject();
    out += QStringLiteral("client process: CPU %1 ms = %2 ms per stream-second (%3 stream-s)%4; peak RSS %5 MiB; "
                          "memory per stream %6 KiB at %7 live streams\n")
               .arg(number(p.value(QStringLiteral("cpuMs")), 0),
                    number(p.value(QStringLiteral("cpuMsPerStreamSecond")), 3),
                    number(p.value(QStringLiteral("streamSeconds")), 1),
                    p.value(QStringLiteral("includesInProcessService")).toBool()
                        ? QStringLiteral(" incl. the in-process service")
                        : QString(),
                    mib(p.value(QStringLiteral("peakRssBytes")).toDouble()),
                    kib(p.value(QStringLiteral("memoryPerStreamBytes"))))
               .arg(p.value(QStringLiteral("maxLiveStreams")).toInt());
    const QJsonObject service = run.value(QStringLiteral("service")).toObject();
    if (service.contains(QStringLiteral("cpuMs")))
        out += QStringLiteral("external service process: CPU %1 ms\n")
                   .arg(number(service.value(QStringLiteral("cpuMs")), 0));
    const QJsonObject trace = run.value(QStringLiteral("trace")).toObject();
    out += QStringLiteral(
               "run: %1 after %2 s (load average %3 at start); trace: %4 ms draining, events dropped: %5 by the "
               "recorder, %6 by the store\n")
               .arg(run.value(QStringLiteral("end")).toString(), number(run.value(QStringLiteral("wallS")), 2),
                    number(run.value(QStringLiteral("loadAverageAtStart")), 2),
                    number(trace.value(QStringLiteral("drainMs")), 0))
               .arg(trace.value(QStringLiteral("recorderDroppedEvents")).toInteger())
               .arg(trace.value(QStringLiteral("storeDroppedItems")).toInteger());
    const double load = run.value(QStringLiteral("loadAverageAtStart")).toDouble(-1);
    if (load > QThread::idealThreadCount())
        out += QStringLiteral(
                   "note: load average %1 on %2 cores at the start: other processes competed for the CPU, so "
                   "lateness and rates are not representative\n")
                   .arg(load, 0, 'f', 2)
                   .arg(QThread::idealThreadCount());
    const QJsonArray alerts = run.value(QStringLiteral("alerts")).toArray();
    if (!alerts.isEmpty())
        out += QStringLiteral("watchdog alerts: %1\n").arg(alerts.size());
    const QJsonArray errors = run.value(QStringLiteral("errors")).toArray();
    for (const QJsonValue &e : errors)
        out += QStringLiteral("error: %1\n").arg(e.toString());
    return out;
}

QString RunReport::comparisonTable(const QList<QJsonObject> &runs)
{
    if (runs.isEmpty())
        return {};
    QList<QStringList> rows;
    QStringList header {QString()};
    for (const QJsonObject &run : runs)
        header << run.value(QStringLiteral("model")).toString();
    rows << header;
    const int workloadCount = int(runs.first().value(QStringLiteral("workloads")).toArray().size());
    struct Line
    {
        const char *label;
        std::function<QString(const QJsonObject &)> cell;
    };
    const QList<Line> lines {
        {"  streams ok/failed",
         [](const QJsonObject &s) {
             return QStringLiteral("%1/%2")
                 .arg(s.value(QStringLiteral("ok")).toInt())
                 .arg(s.value(QStringLiteral("failed")).toInt());
         }},
        {"  lateness p50/p95/p99 ms",
         [](const QJsonObject &s) { return triple(s, "latenessP50Ms", "latenessP95Ms", "latenessP99Ms", 2); }},
        {"  lateness max ms", [](const QJsonObject &s) { return number(s.value(QStringLiteral("latenessMaxMs")), 2); }},
        {"  latency p50/p99 ms",
         [](const QJsonObject &s) { return triple(s, "latencyP50Ms", "latencyP99Ms", nullptr, 2); }},
        {"  TTFT p50 ms", [](const QJsonObject &s) { return firstFigure(s); }},
        {"  inter-token gap p50/p99/max ms",
         [](const QJsonObject &s) {
             return triple(s, "interTokenGapP50Ms", "interTokenGapP99Ms", "interTokenGapMaxMs", 2);
         }},
        {"  tokens/s", [](const QJsonObject &s) { return number(s.value(QStringLiteral("tokensPerSecond")), 1); }},
        {"  requests/s", [](const QJsonObject &s) { return number(s.value(QStringLiteral("requestsPerSecond")), 1); }},
        {"  errors/reconnects/retries/malformed",
         [](const QJsonObject &s) {
             return QStringLiteral("%1/%2/%3/%4")
                 .arg(s.value(QStringLiteral("errors")).toInteger())
                 .arg(s.value(QStringLiteral("reconnects")).toInteger())
                 .arg(s.value(QStringLiteral("retries")).toInteger())
                 .arg(s.value(QStringLiteral("malformedMessages")).toInteger());
         }},
    };
    for (int i = 0; i < workloadCount; ++i) {
        const QJsonObject first = runs.first().value(QStringLiteral("workloads")).toArray().at(i).toObject();
        rows << QStringList {QStringLiteral("workloads[%1] %2").arg(i).arg(workloadName(first))};
        for (const Line &line : lines) {
            QStringList row {QString::fromLatin1(line.label)};
            for (const QJsonObject &run : runs) {
                const QJsonObject w = run.value(QStringLiteral("workloads")).toArray().at(i).toObject();
                row << line.cell(w.value(QStringLiteral("summary")).toObject());
            }
            rows << row;
        }
    }
    rows << QStringList {QStringLiteral("client process")};
    const QList<std::pair<const char *, std::function<QString(const QJsonObject &)>>> process {
        {"  CPU ms per stream-second",
         [](const QJsonObject &p) { return number(p.value(QStringLiteral("cpuMsPerStreamSecond")), 3); }},
        {"  CPU ms (user+sys)", [](const QJsonObject &p) { return number(p.value(QStringLiteral("cpuMs")), 0); }},
        {"  peak RSS MiB",
         [](const QJsonObject &p) { return mib(p.value(QStringLiteral("peakRssBytes")).toDouble()); }},
        {"  memory per stream KiB",
         [](const QJsonObject &p) { return kib(p.value(QStringLiteral("memoryPerStreamBytes"))); }},
        {"  max live streams",
         [](const QJsonObject &p) { return QString::number(p.value(QStringLiteral("maxLiveStreams")).toInt()); }},
    };
    for (const auto &[label, cell] : process) {
        QStringList row {QString::fromLatin1(label)};
        for (const QJsonObject &run : runs)
            row << cell(run.value(QStringLiteral("process")).toObject());
        rows << row;
    }
    QStringList drainRow {QStringLiteral("  trace drain ms")};
    QStringList loadRow {QStringLiteral("  load average at start")};
    for (const QJsonObject &run : runs) {
        drainRow << number(run.value(QStringLiteral("trace")).toObject().value(QStringLiteral("drainMs")), 0);
        loadRow << number(run.value(QStringLiteral("loadAverageAtStart")), 2);
    }
    rows << drainRow << loadRow;
    QStringList endRow {QStringLiteral("run end")};
    for (const QJsonObject &run : runs)
        endRow << QStringLiteral("%1 (%2 s)")
                      .arg(run.value(QStringLiteral("end")).toString(), number(run.value(QStringLiteral("wallS")), 1));
    rows << endRow;
    return formatTable(rows);
}

} // namespace Taskscope::Scenarios
