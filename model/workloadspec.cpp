#include "model/workloadspec.h"

#include <QJsonValue>

#include <array>
#include <cmath>
#include <utility>

using Taskscope::Protocol::FieldError;
using Taskscope::Protocol::JsonFieldReader;

namespace Taskscope::Model {

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

std::optional<WorkloadSpec> WorkloadSpec::fromJson(const QJsonObject &object, FieldError *error)
{
    FieldError local;
    FieldError &err = error ? *error : local;
    err = {};
    JsonFieldReader reader(object, QString(), &err);
    return read(reader);
}

std::optional<WorkloadSpec> WorkloadSpec::read(JsonFieldReader &r)
{
    using Need = JsonFieldReader::Need;
    WorkloadSpec spec;
    QString url;
    r.oneOf("workload", Workloads, &spec.kind, Need::Required) && r.oneOf("model", Models, &spec.model)
        && r.integer("count", 1, 100'000, &spec.count) && r.string("baseUrl", &url);
    if (!url.isEmpty() && r.ok()) {
        spec.baseUrl = QUrl(url, QUrl::StrictMode);
        if (!spec.baseUrl.isValid() || spec.baseUrl.scheme().isEmpty() || spec.baseUrl.host().isEmpty())
            r.fail(QStringLiteral("baseUrl"), QStringLiteral("is \"%1\", expected an absolute URL").arg(url));
    }
    r.string("label", &spec.label) && r.oneOf("source", Sources, &spec.source) && r.string("audio", &spec.audio)
        && r.integer("chunkMs", 10, 1000, &spec.chunkMs) && r.number("durationS", 0, 86'400, &spec.durationS)
        && r.number("toneHz", 20, 8'000, &spec.toneHz) && r.number("speed", 0.1, 100, &spec.speed)
        && r.number("pauseS", 0, 3'600, &spec.pauseS) && r.string("text", &spec.text)
        && r.integer("maxTokens", 1, 1'000'000, &spec.maxTokens)
        && r.integer("tokensPerSecond", 0, 10'000'000, &spec.tokensPerSecond)
        && r.integer("requests", 1, 10'000'000, &spec.requests)
        && r.integer("concurrency", 1, 100'000, &spec.concurrency)
        && r.integer("payloadBytes", 0, 64 << 20, &spec.payloadBytes)
        && r.integer("latencyMs", 0, 600'000, &spec.latencyMs) && r.oneOf("command", Commands, &spec.command)
        && r.integer("commandMs", 0, 600'000, &spec.commandMs) && r.string("faults", &spec.faults);
    if (!r.ok())
        return std::nullopt;
    return spec;
}

} // namespace Taskscope::Model
