#pragma once
// The audio encodings the loopback service reads (listen) and writes (speak).
#include <QString>

#include <optional>

namespace Taskscope::Loopback {

struct AudioFormat
{
    enum class Encoding { Linear16, Mulaw, Alaw, Float32 };

    Encoding encoding = Encoding::Linear16;
    int sampleRate = 16000;
    int channels = 1;

    int bytesPerSample() const;
    int bytesPerFrame() const { return bytesPerSample() * channels; }
    bool isValid() const;

    // Deepgram's names: linear16, mulaw, alaw (and linear32f for 32-bit float, our own name).
    static std::optional<Encoding> encodingFromName(const QString &name);
    static QString encodingName(Encoding encoding);
};

} // namespace Taskscope::Loopback
