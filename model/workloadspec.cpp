#include "model/workloadspec.h"

#include <QJsonValue>

#include <array>
#include <cmath>
#include <utility>

namespace {

template<typename Enum, std::size_t N>
QString nameOf(const std::array<std::pair<Enum, const char *>, N> &table, Enum value)
{
    for (const auto &[e, name] : table) {
        if (e == value)
            return QString::fromLatin1(name);
    }
    return {};
}

template<typename Enum, std::size_t N>
bool valueOf(const std::array<std::pair<Enum, const char *>, N> &table, const QString &text, Enum *value)
{
    for (const auto &[e, name] : table) {
        if (text.compare(QLatin1StringView(name), Qt::CaseInsensitive) == 0) {
            *value = e;
            return true;
        }
    }
    return false;
}

constexpr std::array<std::pair<WorkloadKind, const char *>, 6> Workloads {{
    {WorkloadKind::LiveTranscription, "live-transcription"},
    {WorkloadKind::TextToSpeech, "text-to-speech"},
    {WorkloadKind::Prerecorded, "prerecorded"},
    {WorkloadKind::ChatStream, "chat-stream"},
    {WorkloadKind::RequestBurst, "request-burst"},
    {WorkloadKind::Command, "command"},
}};
constexpr std::array<std::pair<ExecutionModel, const char *>, 4> Models {{
    {ExecutionModel::Thread, "thread"},
    {ExecutionModel::Coroutine, "coroutine"},
    {ExecutionModel::Offload, "offload"},
    {ExecutionModel::Blocking, "blocking"},
}};
constexpr std::array<std::pair<AudioSourceKind, const char *>, 4> Sources {{
    {AudioSourceKind::Sample, "sample"},
    {AudioSourceKind::File, "file"},
    {AudioSourceKind::Tone, "tone"},
    {AudioSourceKind::Microphone, "microphone"},
}};
constexpr std::array<std::pair<CommandKind, const char *>, 3> Commands {{
    {CommandKind::Sleep, "sleep"},
    {CommandKind::CpuHash, "cpu-hash"},
    {CommandKind::IoWait, "io-wait"},
}};

// Reads an optional integer in [lo, hi]; records the first error.
void readInt(const QJsonObject &o, const char *key, int lo, int hi, int *out, QString *error)
{
    const QJsonValue v = o.value(QLatin1StringView(key));
    if (v.isUndefined() || !error->isEmpty())
        return;
    if (!v.isDouble()) {
        *error = QStringLiteral("'%1' must be an integer").arg(QLatin1StringView(key));
        return;
    }
    // The range first: converting a double outside the integer's range is undefined behaviour.
    const double d = v.toDouble();
    if (!(d >= lo && d <= hi)) {
        *error = QStringLiteral("'%1' must be between %2 and %3").arg(QLatin1StringView(key)).arg(lo).arg(hi);
        return;
    }
    if (d != std::floor(d)) {
        *error = QStringLiteral("'%1' must be an integer").arg(QLatin1StringView(key));
        return;
    }
    *out = int(d);
}

void readDouble(const QJsonObject &o, const char *key, double lo, double hi, double *out, QString *error)
{
    const QJsonValue v = o.value(QLatin1StringView(key));
    if (v.isUndefined() || !error->isEmpty())
        return;
    if (!v.isDouble() || v.toDouble() < lo || v.toDouble() > hi) {
        *error = QStringLiteral("'%1' must be a number between %2 and %3").arg(QLatin1StringView(key)).arg(lo).arg(hi);
        return;
    }
    *out = v.toDouble();
}

void readString(const QJsonObject &o, const char *key, QString *out, QString *error)
{
    const QJsonValue v = o.value(QLatin1StringView(key));
    if (v.isUndefined() || !error->isEmpty())
        return;
    if (!v.isString()) {
        *error = QStringLiteral("'%1' must be a string").arg(QLatin1StringView(key));
        return;
    }
    *out = v.toString();
}

template<typename Enum, std::size_t N>
void readEnum(const QJsonObject &o, const char *key, const std::array<std::pair<Enum, const char *>, N> &table,
              Enum *out, QString *error)
{
    QString text;
    readString(o, key, &text, error);
    if (text.isEmpty() || !error->isEmpty())
        return;
    if (!valueOf(table, text, out)) {
        QStringList names;
        for (const auto &[e, name] : table)
            names.append(QString::fromLatin1(name));
        *error = QStringLiteral("'%1' must be one of %2, not \"%3\"")
                     .arg(QLatin1StringView(key), names.join(QStringLiteral(", ")), text);
    }
}

} // namespace

QString WorkloadSpec::toString(WorkloadKind kind)
{
    return nameOf(Workloads, kind);
}
QString WorkloadSpec::toString(ExecutionModel model)
{
    return nameOf(Models, model);
}
QString WorkloadSpec::toString(AudioSourceKind source)
{
    return nameOf(Sources, source);
}
QString WorkloadSpec::toString(CommandKind command)
{
    return nameOf(Commands, command);
}
bool WorkloadSpec::parse(const QString &text, WorkloadKind *kind)
{
    return valueOf(Workloads, text, kind);
}
bool WorkloadSpec::parse(const QString &text, ExecutionModel *model)
{
    return valueOf(Models, text, model);
}
bool WorkloadSpec::parse(const QString &text, AudioSourceKind *source)
{
    return valueOf(Sources, text, source);
}
bool WorkloadSpec::parse(const QString &text, CommandKind *command)
{
    return valueOf(Commands, text, command);
}

QJsonObject WorkloadSpec::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("workload"), toString(kind));
    o.insert(QStringLiteral("model"), toString(model));
    o.insert(QStringLiteral("count"), count);
    if (!baseUrl.isEmpty())
        o.insert(QStringLiteral("baseUrl"), baseUrl.toString());
    if (!label.isEmpty())
        o.insert(QStringLiteral("label"), label);
    switch (kind) {
    case WorkloadKind::LiveTranscription:
    case WorkloadKind::Prerecorded:
        o.insert(QStringLiteral("source"), toString(source));
        if (!audio.isEmpty())
            o.insert(QStringLiteral("audio"), audio);
        o.insert(QStringLiteral("chunkMs"), chunkMs);
        if (durationS > 0)
            o.insert(QStringLiteral("durationS"), durationS);
        if (source == AudioSourceKind::Tone)
            o.insert(QStringLiteral("toneHz"), toneHz);
        if (speed != 1)
            o.insert(QStringLiteral("speed"), speed);
        if (pauseS > 0)
            o.insert(QStringLiteral("pauseS"), pauseS);
        break;
    case WorkloadKind::TextToSpeech:
        o.insert(QStringLiteral("text"), text);
        break;
    case WorkloadKind::ChatStream:
        o.insert(QStringLiteral("text"), text);
        o.insert(QStringLiteral("maxTokens"), maxTokens);
        if (tokensPerSecond > 0)
            o.insert(QStringLiteral("tokensPerSecond"), tokensPerSecond);
        break;
    case WorkloadKind::RequestBurst:
        o.insert(QStringLiteral("requests"), requests);
        o.insert(QStringLiteral("concurrency"), concurrency);
        o.insert(QStringLiteral("payloadBytes"), payloadBytes);
        o.insert(QStringLiteral("latencyMs"), latencyMs);
        break;
    case WorkloadKind::Command:
        o.insert(QStringLiteral("command"), toString(command));
        o.insert(QStringLiteral("commandMs"), commandMs);
        break;
    }
    if (!faults.isEmpty())
        o.insert(QStringLiteral("faults"), faults);
    return o;
}

WorkloadSpec WorkloadSpec::fromJson(const QJsonObject &o, QString *error)
{
    WorkloadSpec spec;
    QString local;
    QString *err = error ? error : &local;
    err->clear();
    if (!o.contains(QLatin1StringView("workload"))) {
        *err = QStringLiteral("'workload' is missing");
        return spec;
    }
    readEnum(o, "workload", Workloads, &spec.kind, err);
    readEnum(o, "model", Models, &spec.model, err);
    readInt(o, "count", 1, 100'000, &spec.count, err);
    QString url;
    readString(o, "baseUrl", &url, err);
    if (!url.isEmpty() && err->isEmpty()) {
        spec.baseUrl = QUrl(url, QUrl::StrictMode);
        if (!spec.baseUrl.isValid() || spec.baseUrl.scheme().isEmpty() || spec.baseUrl.host().isEmpty())
            *err = QStringLiteral("'baseUrl' is not a valid absolute URL: %1").arg(url);
    }
    readString(o, "label", &spec.label, err);
    readEnum(o, "source", Sources, &spec.source, err);
    readString(o, "audio", &spec.audio, err);
    readInt(o, "chunkMs", 10, 1000, &spec.chunkMs, err);
    readDouble(o, "durationS", 0, 86'400, &spec.durationS, err);
    readDouble(o, "toneHz", 20, 8'000, &spec.toneHz, err);
    readDouble(o, "speed", 0.1, 100, &spec.speed, err);
    readDouble(o, "pauseS", 0, 3'600, &spec.pauseS, err);
    readString(o, "text", &spec.text, err);
    readInt(o, "maxTokens", 1, 1'000'000, &spec.maxTokens, err);
    readInt(o, "tokensPerSecond", 0, 10'000'000, &spec.tokensPerSecond, err);
    readInt(o, "requests", 1, 10'000'000, &spec.requests, err);
    readInt(o, "concurrency", 1, 100'000, &spec.concurrency, err);
    readInt(o, "payloadBytes", 0, 64 << 20, &spec.payloadBytes, err);
    readInt(o, "latencyMs", 0, 600'000, &spec.latencyMs, err);
    readEnum(o, "command", Commands, &spec.command, err);
    readInt(o, "commandMs", 0, 600'000, &spec.commandMs, err);
    readString(o, "faults", &spec.faults, err);
    return spec;
}
