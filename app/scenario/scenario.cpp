#include "app/scenario/scenario.h"

#include "model/protocol/jsontypename.h"
#include "workers/loopback/faultspec.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

#include <cmath>

using Taskscope::Loopback::FaultSpec;
using Taskscope::Model::WorkloadKind;
using Taskscope::Model::WorkloadSpec;
using Taskscope::Protocol::FieldError;
using Taskscope::Protocol::JsonFieldReader;
using Taskscope::Protocol::jsonTypeName;

namespace Taskscope::Scenarios {

namespace {

constexpr qint64 MaxScenarioBytes = 4 << 20;

// Keys a workload entry may have: WorkloadSpec's own, plus the runner's.
QSet<QString> workloadKeys()
{
    static const QSet<QString> keys = [] {
        QSet<QString> k {QStringLiteral("startS"), QStringLiteral("stopAfterS")};
        for (const char *key : {"workload",  "model",     "count",           "baseUrl",  "label",       "source",
                                "audio",     "chunkMs",   "durationS",       "toneHz",   "speed",       "pauseS",
                                "text",      "maxTokens", "tokensPerSecond", "requests", "concurrency", "payloadBytes",
                                "latencyMs", "command",   "commandMs",       "faults"})
            k.insert(QString::fromLatin1(key));
        // Whatever WorkloadSpec writes is a field it reads, so fields added to it later are known too.
        for (WorkloadKind kind :
             {WorkloadKind::LiveTranscription, WorkloadKind::TextToSpeech, WorkloadKind::Prerecorded,
              WorkloadKind::ChatStream, WorkloadKind::RequestBurst, WorkloadKind::Command}) {
            WorkloadSpec spec;
            spec.kind = kind;
            const QJsonObject o = spec.toJson();
            for (auto it = o.begin(); it != o.end(); ++it)
                k.insert(it.key());
        }
        return k;
    }();
    return keys;
}

// A fault spec is checked when the scenario is read, so a typo is a scenario error (exit 2), not a
// failure mid-run or silently ignored.
bool checkFaults(JsonFieldReader &reader, const QString &faults)
{
    QString why;
    if (faults.isEmpty() || FaultSpec::parse(faults, &why))
        return reader.ok();
    return reader.fail(QStringLiteral("faults"), QStringLiteral("is \"%1\": %2").arg(faults, why));
}

} // namespace

std::optional<Scenario> Scenario::fromJson(const QJsonObject &object, FieldError *error)
{
    FieldError local;
    FieldError &err = error ? *error : local;
    err = {};
    Scenario s;
    JsonFieldReader top(object, QString(), &err);
    top.rejectUnknown({QStringLiteral("name"), QStringLiteral("description"), QStringLiteral("durationS"),
                       QStringLiteral("timeoutS"), QStringLiteral("service"), QStringLiteral("trace"),
                       QStringLiteral("workloads")});
    QJsonObject service;
    QJsonObject trace;
    bool haveService = false;
    bool haveTrace = false;
    top.string("name", &s.name) && top.string("description", &s.description)
        && top.number("durationS", 0, 7 * 86400, &s.durationS) && top.number("timeoutS", 0, 7 * 86400, &s.timeoutS)
        && top.object("service", &service, &haveService) && top.object("trace", &trace, &haveTrace);
    if (haveService)
        readService(top.nested(service, QStringLiteral("service")), &s.service);
    if (haveTrace)
        readTrace(top.nested(trace, QStringLiteral("trace")), &s.trace);
    QJsonArray list;
    top.array("workloads", &list, JsonFieldReader::Need::Required);
    if (top.ok() && list.isEmpty())
        top.fail(QStringLiteral("workloads"), QStringLiteral("is empty, expected a list of workload objects"));
    for (qsizetype i = 0; i < list.size() && top.ok(); ++i) {
        const QString key = QStringLiteral("workloads[%1]").arg(i);
        if (!list.at(i).isObject()) {
            top.fail(key, QStringLiteral("is %1, expected an object").arg(jsonTypeName(list.at(i))));
            break;
        }
        if (std::optional<Entry> entry = readEntry(top.nested(list.at(i).toObject(), key)))
            s.workloads.append(*entry);
    }
    if (!err.isEmpty())
        return std::nullopt;
    return s;
}

void Scenario::readService(JsonFieldReader r, Service *service)
{
    r.rejectUnknown({QStringLiteral("external"), QStringLiteral("loadSink"), QStringLiteral("networkThreads"),
                     QStringLiteral("faults"), QStringLiteral("chatTokensPerSecond"),
                     QStringLiteral("chatFirstTokenDelayMs"), QStringLiteral("idleTimeoutMs")})
        && r.boolean("external", &service->external) && r.boolean("loadSink", &service->loadSink)
        && r.integer("networkThreads", 0, 64, &service->networkThreads) && r.string("faults", &service->faults)
        && r.number("chatTokensPerSecond", 0, 10'000'000, &service->chatTokensPerSecond)
        && r.integer("chatFirstTokenDelayMs", 0, 600'000, &service->chatFirstTokenDelayMs)
        && r.integer("idleTimeoutMs", 100, 3'600'000, &service->idleTimeoutMs) && checkFaults(r, service->faults);
}

void Scenario::readTrace(JsonFieldReader r, Trace *trace)
{
    r.rejectUnknown({QStringLiteral("retentionS"), QStringLiteral("maxItems"), QStringLiteral("bufferMiB")})
        && r.number("retentionS", 0, 7 * 86400, &trace->retentionS)
        && r.integer("maxItems", 1000, 1'000'000'000, &trace->maxItems)
        && r.integer("bufferMiB", 0, 16384, &trace->bufferMiB);
}

std::optional<Scenario::Entry> Scenario::readEntry(JsonFieldReader r)
{
    Entry entry;
    r.rejectUnknown(workloadKeys()) && r.number("startS", 0, 7 * 86400, &entry.startS)
        && r.number("stopAfterS", 0, 7 * 86400, &entry.stopAfterS);
    if (!r.ok())
        return std::nullopt;
    std::optional<WorkloadSpec> spec = WorkloadSpec::read(r);
    if (!spec || !checkFaults(r, spec->faults))
        return std::nullopt;
    entry.spec = *spec;
    return entry;
}

std::optional<Scenario> Scenario::load(const QString &pathOrName, QString *error, QString *source)
{
    QString local;
    QString &err = error ? *error : local;
    QStringList candidates {pathOrName};
    if (!QFileInfo(pathOrName).isAbsolute() && !pathOrName.startsWith(QLatin1Char(':'))) {
        candidates << QStringLiteral(":/scenarios/%1").arg(pathOrName)
                   << QStringLiteral(":/scenarios/%1.json").arg(pathOrName);
    }
    QString path;
    for (const QString &candidate : std::as_const(candidates)) {
        if (QFileInfo(candidate).isFile()) {
            path = candidate;
            break;
        }
    }
    if (path.isEmpty()) {
        err = QStringLiteral("no scenario file \"%1\" and no bundled scenario of that name (bundled: %2)")
                  .arg(pathOrName, bundledNames().join(QStringLiteral(", ")));
        return std::nullopt;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        err = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    if (file.size() > MaxScenarioBytes) {
        err = QStringLiteral("%1 is larger than %2 MiB; not a scenario").arg(path).arg(MaxScenarioBytes >> 20);
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        err = QStringLiteral("%1 is not valid JSON at offset %2: %3")
                  .arg(path)
                  .arg(parseError.offset)
                  .arg(parseError.errorString());
        return std::nullopt;
    }
    if (!doc.isObject()) {
        err = QStringLiteral("%1 must hold a JSON object").arg(path);
        return std::nullopt;
    }
    FieldError fieldError;
    std::optional<Scenario> scenario = fromJson(doc.object(), &fieldError);
    if (!scenario) {
        err = QStringLiteral("%1: %2").arg(path, fieldError.toString());
        return std::nullopt;
    }
    if (scenario->name.isEmpty())
        scenario->name = QFileInfo(path).completeBaseName();
    if (source)
        *source = path;
    return scenario;
}

QStringList Scenario::bundledNames()
{
    QStringList names;
    const QStringList files =
        QDir(QStringLiteral(":/scenarios")).entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    for (const QString &file : files)
        names << QFileInfo(file).completeBaseName();
    return names;
}

QJsonObject Scenario::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("name"), name);
    if (!description.isEmpty())
        o.insert(QStringLiteral("description"), description);
    o.insert(QStringLiteral("durationS"), durationS);
    o.insert(QStringLiteral("timeoutS"), timeoutS);
    QJsonObject svc {{QStringLiteral("external"), service.external},
                     {QStringLiteral("loadSink"), service.loadSink},
                     {QStringLiteral("networkThreads"), service.networkThreads}};
    if (!service.faults.isEmpty())
        svc.insert(QStringLiteral("faults"), service.faults);
    if (service.chatTokensPerSecond >= 0)
        svc.insert(QStringLiteral("chatTokensPerSecond"), service.chatTokensPerSecond);
    if (service.chatFirstTokenDelayMs >= 0)
        svc.insert(QStringLiteral("chatFirstTokenDelayMs"), service.chatFirstTokenDelayMs);
    if (service.idleTimeoutMs > 0)
        svc.insert(QStringLiteral("idleTimeoutMs"), service.idleTimeoutMs);
    o.insert(QStringLiteral("service"), svc);
    o.insert(QStringLiteral("trace"),
             QJsonObject {{QStringLiteral("retentionS"), trace.retentionS},
                          {QStringLiteral("maxItems"), trace.maxItems},
                          {QStringLiteral("bufferMiB"), trace.bufferMiB}});
    QJsonArray list;
    for (const Entry &e : workloads) {
        QJsonObject w = e.spec.toJson();
        if (e.startS > 0)
            w.insert(QStringLiteral("startS"), e.startS);
        if (e.stopAfterS > 0)
            w.insert(QStringLiteral("stopAfterS"), e.stopAfterS);
        list.append(w);
    }
    o.insert(QStringLiteral("workloads"), list);
    return o;
}

bool Scenario::needsLoopback() const
{
    for (const Entry &e : workloads) {
        if (e.spec.baseUrl.isEmpty())
            return true;
    }
    return false;
}

int Scenario::totalStreams() const
{
    int n = 0;
    for (const Entry &e : workloads)
        n += e.spec.count;
    return n;
}

} // namespace Taskscope::Scenarios
