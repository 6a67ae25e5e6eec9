#include "workers/loopback/audio/audioformat.h"

namespace Taskscope::Loopback {

int AudioFormat::bytesPerSample() const
{
    switch (encoding) {
    case Encoding::Linear16:
        return 2;
    case Encoding::Mulaw:
    case Encoding::Alaw:
        return 1;
    case Encoding::Float32:
        return 4;
    }
    return 2;
}

bool AudioFormat::isValid() const
{
    return sampleRate >= 4000 && sampleRate <= 192000 && channels >= 1 && channels <= 8;
}

std::optional<AudioFormat::Encoding> AudioFormat::encodingFromName(const QString &name)
{
    const QString n = name.trimmed().toLower();
    if (n == u"linear16" || n == u"pcm_s16le")
        return Encoding::Linear16;
    if (n == u"mulaw" || n == u"ulaw")
        return Encoding::Mulaw;
    if (n == u"alaw")
        return Encoding::Alaw;
    if (n == u"linear32f" || n == u"pcm_f32le")
        return Encoding::Float32;
    return std::nullopt;
}

QString AudioFormat::encodingName(Encoding encoding)
{
    switch (encoding) {
    case Encoding::Linear16:
        return QStringLiteral("linear16");
    case Encoding::Mulaw:
        return QStringLiteral("mulaw");
    case Encoding::Alaw:
        return QStringLiteral("alaw");
    case Encoding::Float32:
        return QStringLiteral("linear32f");
    }
    return QString();
}

} // namespace Taskscope::Loopback
