#include "workers/loopback/endpoints/listenoptions.h"

#include "workers/loopback/http/httprequest.h"

namespace Taskscope::Loopback {

namespace {

std::optional<bool> parseBool(const QString &value)
{
    const QString v = value.trimmed().toLower();
    if (v == u"true" || v == u"1" || v == u"yes")
        return true;
    if (v == u"false" || v == u"0" || v == u"no")
        return false;
    return std::nullopt;
}

} // namespace

AudioFormat ListenOptions::rawFormat() const
{
    AudioFormat format;
    format.encoding = encoding.value_or(AudioFormat::Encoding::Linear16);
    format.sampleRate = sampleRate;
    format.channels = channels;
    return format;
}

bool ListenOptions::parse(const HttpRequest &request, ListenOptions *out, QString *error)
{
    ListenOptions o;
    auto has = [&](const char *key) { return request.query.hasQueryItem(QString::fromLatin1(key)); };
    auto value = [&](const char *key) { return request.queryValue(QString::fromLatin1(key)); };
    auto boolean = [&](const char *key, bool *target) {
        if (!has(key))
            return true;
        const auto b = parseBool(value(key));
        if (!b) {
            *error = QStringLiteral("%1 must be true or false").arg(QString::fromLatin1(key));
            return false;
        }
        *target = *b;
        return true;
    };
    auto integer = [&](const char *key, int min, int max, int *target) {
        if (!has(key))
            return true;
        bool ok = false;
        const int v = value(key).toInt(&ok);
        if (!ok || v < min || v > max) {
            *error = QStringLiteral("%1 must be an integer %2-%3").arg(QString::fromLatin1(key)).arg(min).arg(max);
            return false;
        }
        *target = v;
        return true;
    };
    if (has("encoding")) {
        o.encoding = AudioFormat::encodingFromName(value("encoding"));
        if (!o.encoding) {
            *error = QStringLiteral("unsupported encoding \"%1\" (supported: linear16, mulaw, alaw, linear32f)")
                         .arg(value("encoding"));
            return false;
        }
    }
    if (!integer("sample_rate", 4000, 192000, &o.sampleRate) || !integer("channels", 1, 8, &o.channels))
        return false;
    if (!boolean("interim_results", &o.interimResults) || !boolean("vad_events", &o.vadEvents))
        return false;
    bool punctuate = false;
    bool smartFormat = false;
    if (!boolean("punctuate", &punctuate) || !boolean("smart_format", &smartFormat))
        return false;
    o.punctuate = punctuate || smartFormat;
    if (has("endpointing")) {
        const QString e = value("endpointing").trimmed().toLower();
        if (e == u"false")
            o.endpointing = false;
        else if (e != u"true" && !integer("endpointing", 0, 60000, &o.endpointingMs))
            return false;
    }
    if (!integer("utterance_end_ms", 0, 60000, &o.utteranceEndMs))
        return false;
    if (has("model") && !value("model").isEmpty())
        o.model = value("model");
    if (has("language") && !value("language").isEmpty())
        o.language = value("language");
    o.tag = value("tag");
    *out = o;
    return true;
}

} // namespace Taskscope::Loopback
