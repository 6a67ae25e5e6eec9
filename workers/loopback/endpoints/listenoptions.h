#pragma once
// The query parameters of a Deepgram listen request (live or prerecorded). Unknown parameters are
// ignored, as Deepgram ignores features it does not apply.
#include "workers/loopback/audio/audioformat.h"

#include <QString>

#include <optional>

namespace Taskscope::Loopback {

class HttpRequest;

struct ListenOptions
{
    std::optional<AudioFormat::Encoding> encoding; // none: containerized audio (a WAV header) expected
    int sampleRate = 16000;
    int channels = 1;
    bool interimResults = false;
    bool punctuate = false; // punctuate or smart_format
    bool endpointing = true;
    int endpointingMs = 10; // Deepgram's default
    int utteranceEndMs = 0;
    bool vadEvents = false;
    QString model = QStringLiteral("nova-3");
    QString language = QStringLiteral("en");
    QString tag;

    AudioFormat rawFormat() const;
    // False with *error set for values Deepgram would reject (bad encoding, rates, counts).
    static bool parse(const HttpRequest &request, ListenOptions *out, QString *error);
};

} // namespace Taskscope::Loopback
