#include "app/scenario/scenario.h"

#include "workers/loopback/faultspec.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

#include <cmath>

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

// Reads fields of one JSON object, recording the first error with the object's path.
class FieldReader
{
public:
    FieldReader(const QJsonObject &object, QString path, QString *error)
        : m_object(object)
        , m_path(std::move(path))
        , m_error(error)
    {
    }

    bool ok() const { return m_error->isEmpty(); }
    QString field(const QString &key) const { return m_path.isEmpty() ? key : m_path + QLatin1Char('.') + key; }

    void fail(const QString &key, const QString &message)
    {
        if (ok())
            *m_error = QStringLiteral("%1 %2").arg(field(key), message);
    }

    void rejectUnknown(const QSet<QString> &known)
    {
        for (auto it = m_object.begin(); it != m_object.end() && ok(); ++it) {
            if (!known.contains(it.key())) {
                QStringList names(known.begin(), known.end());
                names.sort();
                fail(it.key(),
                     QStringLiteral("is not a known field (known: %1)").arg(names.join(QStringLiteral(", "))));
            }
        }
    }

    void readString(const char *key, QString *out)
    {
        const QJsonValue v = m_object.value(QLatin1StringView(key));
        if (v.isUndefined() || !ok())
            return;
        if (!v.isString())
            return fail(QLatin1StringView(key), QStringLiteral("must be a string"));
        *out = v.toString();
    }

    void readBool(const char *key, bool *out)
    {
        const QJsonValue v = m_object.value(QLatin1StringView(key));
        if (v.isUndefined() || !ok())
            return;
        if (!v.isBool())
            return fail(QLatin1StringView(key), QStringLiteral("must be a boolean (true or false)"));
        *out = v.toBool();
    }

    void readNumber(const char *key, double lo, double hi, double *out)
    {
        const QJsonValue v = m_object.value(QLatin1StringView(key));
        if (v.isUndefined() || !ok())
            return;
        if (!v.isDouble() || !std::isfinite(v.toDouble()) || v.toDouble() < lo || v.toDouble() > hi)
            return fail(QLatin1StringView(key), QStringLiteral("must be a number between %1 and %2").arg(lo).arg(hi));
        *out = v.toDouble();
    }

    template<typename Int>
    void readInt(const char *key, qint64 lo, qint64 hi, Int *out)
    {
        const QJsonValue v = m_object.value(QLatin1StringView(key));
        if (v.isUndefined() || !ok())
            return;
        const double d = v.toDouble();
        if (!v.isDouble() || d != std::floor(d) || d < double(lo) || d > double(hi))
            return fail(QLatin1StringView(key), QStringLiteral("must be an integer between %1 and %2").arg(lo).arg(hi));
        *out = Int(d);
    }

    bool readObject(const char *key, QJsonObject *out)
    {
        const QJsonValue v = m_object.value(QLatin1StringView(key));
        if (v.isUndefined() || !ok())
            return false;
        if (!v.isObject()) {
            fail(QLatin1StringView(key), QStringLiteral("must be an object"));
            return false;
        }
        *out = v.toObject();
        return true;
    }

private:
    QJsonObject m_object;
    QString m_path;
    QString *m_error;
};

} // namespace

std::optional<Scenario> Scenario::fromJson(const QJsonObject &object, QString *error)
{
    QString local;
    QString &err = error ? *error : local;
    err.clear();
    Scenario s;
    FieldReader top(object, QString(), &err);
    top.rejectUnknown({QStringLiteral("name"), QStringLiteral("description"), QStringLiteral("durationS"),
                       QStringLiteral("timeoutS"), QStringLiteral("service"), QStringLiteral("trace"),
                       QStringLiteral("workloads")});
    top.readString("name", &s.name);
    top.readString("description", &s.description);
    top.readNumber("durationS", 0, 7 * 86400, &s.durationS);
    top.readNumber("timeoutS", 0, 7 * 86400, &s.timeoutS);

    QJsonObject service;
    if (top.readObject("service", &service)) {
        FieldReader r(service, QStringLiteral("service"), &err);
        r.rejectUnknown({QStringLiteral("external"), QStringLiteral("loadSink"), QStringLiteral("networkThreads"),
                         QStringLiteral("faults"), QStringLiteral("chatTokensPerSecond"),
                         QStringLiteral("chatFirstTokenDelayMs"), QStringLiteral("idleTimeoutMs")});
        r.readBool("external", &s.service.external);
        r.readBool("loadSink", &s.service.loadSink);
        r.readInt("networkThreads", 0, 64, &s.service.networkThreads);
        r.readString("faults", &s.service.faults);
        r.readNumber("chatTokensPerSecond", 0, 10'000'000, &s.service.chatTokensPerSecond);
        r.readInt("chatFirstTokenDelayMs", 0, 600'000, &s.service.chatFirstTokenDelayMs);
        r.readInt("idleTimeoutMs", 100, 3'600'000, &s.service.idleTimeoutMs);
        // Checked now, so a typo is a scenario error (exit 2), not a failure mid-run or silently ignored.
        QString why;
        if (err.isEmpty() && !s.service.faults.isEmpty() && !FaultSpec::parse(s.service.faults, &why))
            err = QStringLiteral("service.faults: %1").arg(why);
    }
    QJsonObject trace;
    if (top.readObject("trace", &trace)) {
        FieldReader r(trace, QStringLiteral("trace"), &err);
        r.rejectUnknown({QStringLiteral("retentionS"), QStringLiteral("maxItems"), QStringLiteral("bufferMiB")});
        r.readNumber("retentionS", 0, 7 * 86400, &s.trace.retentionS);
        r.readInt("maxItems", 1000, 1'000'000'000, &s.trace.maxItems);
        r.readInt("bufferMiB", 0, 16384, &s.trace.bufferMiB);
    }
    if (!err.isEmpty())
        return std::nullopt;

    const QJsonValue workloads = object.value(QStringLiteral("workloads"));
    if (workloads.isUndefined()) {
        err = QStringLiteral("workloads is missing (a list of workload objects)");
        return std::nullopt;
    }
    if (!workloads.isArray() || workloads.toArray().isEmpty()) {
        err = QStringLiteral("workloads must be a non-empty list of workload objects");
        return std::nullopt;
    }
    const QJsonArray list = workloads.toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QString path = QStringLiteral("workloads[%1]").arg(i);
        if (!list.at(i).isObject()) {
            err = QStringLiteral("%1 must be an object").arg(path);
            return std::nullopt;
        }
        const QJsonObject o = list.at(i).toObject();
        Entry entry;
        FieldReader r(o, path, &err);
        r.rejectUnknown(workloadKeys());
        r.readNumber("startS", 0, 7 * 86400, &entry.startS);
        r.readNumber("stopAfterS", 0, 7 * 86400, &entry.stopAfterS);
        if (!err.isEmpty())
            return std::nullopt;
        QString specError;
        entry.spec = WorkloadSpec::fromJson(o, &specError);
        if (!specError.isEmpty()) {
            // WorkloadSpec names the key as 'key'; lead with the full path to it.
            QString key;
            const qsizetype open = specError.indexOf(QLatin1Char('\''));
            const qsizetype close = open >= 0 ? specError.indexOf(QLatin1Char('\''), open + 1) : -1;
            if (open >= 0 && close > open)
                key = specError.mid(open + 1, close - open - 1);
            err = key.isEmpty() ? QStringLiteral("%1: %2").arg(path, specError)
                                : QStringLiteral("%1.%2: %3").arg(path, key, specError);
            return std::nullopt;
        }
        QString why;
        if (!entry.spec.faults.isEmpty() && !FaultSpec::parse(entry.spec.faults, &why)) {
            err = QStringLiteral("%1.faults: %2").arg(path, why);
            return std::nullopt;
        }
        s.workloads.append(entry);
    }
    return s;
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
    std::optional<Scenario> scenario = fromJson(doc.object(), &err);
    if (!scenario) {
        err = QStringLiteral("%1: %2").arg(path, err);
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
