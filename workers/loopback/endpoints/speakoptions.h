#pragma once
// Query parameters of Deepgram speak v1 (WebSocket and REST): model, encoding, sample_rate, container.
#include "workers/loopback/audio/audioformat.h"

#include <QString>

namespace Taskscope::Loopback {

class HttpRequest;

struct SpeakOptions
{
    QString model = QStringLiteral("aura-2-thalia-en");
    AudioFormat::Encoding encoding = AudioFormat::Encoding::Linear16;
    int sampleRate = 24000;
    bool wavContainer = true; // REST only: a WAV header before linear16 audio (container=none: raw)

    static bool parse(const HttpRequest &request, SpeakOptions *out, QString *error);
};

} // namespace Taskscope::Loopback
