#include "workers/loopback/endpoints/speakoptions.h"

#include "workers/loopback/http/httprequest.h"

namespace Taskscope::Loopback {

bool SpeakOptions::parse(const HttpRequest &request, SpeakOptions *out, QString *error)
{
    SpeakOptions o;
    const QString model = request.queryValue(QStringLiteral("model"));
    if (!model.isEmpty())
        o.model = model;
    if (request.query.hasQueryItem(QStringLiteral("encoding"))) {
        const auto encoding = AudioFormat::encodingFromName(request.queryValue(QStringLiteral("encoding")));
        if (!encoding || *encoding == AudioFormat::Encoding::Float32) {
            *error = QStringLiteral("unsupported encoding \"%1\" (supported: linear16, mulaw, alaw)")
                         .arg(request.queryValue(QStringLiteral("encoding")));
            return false;
        }
        o.encoding = *encoding;
        if (o.encoding != AudioFormat::Encoding::Linear16)
            o.sampleRate = 8000;
    }
    if (request.query.hasQueryItem(QStringLiteral("sample_rate"))) {
        bool ok = false;
        const int rate = request.queryValue(QStringLiteral("sample_rate")).toInt(&ok);
        if (!ok || rate < 4000 || rate > 48000) {
            *error = QStringLiteral(
                "sample_rate must be 4000-48000 (Deepgram offers 8000, 16000, 24000, 32000, 48000)");
            return false;
        }
        o.sampleRate = rate;
    }
    const QString container = request.queryValue(QStringLiteral("container")).toLower();
    o.wavContainer = o.encoding == AudioFormat::Encoding::Linear16 && container != u"none";
    *out = o;
    return true;
}

} // namespace Taskscope::Loopback
