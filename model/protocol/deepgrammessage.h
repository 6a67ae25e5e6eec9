#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

namespace Taskscope::Protocol {

// A Deepgram v1 WebSocket text message (listen and speak, both directions) as plain values.
//
// parse() never throws: malformed JSON or a field of the wrong type gives Type::Invalid with an error
// naming the field ("Results: channel.alternatives[0].words[2].start is a string, expected a number");
// well-formed JSON of a type we do not know gives Type::Unknown with typeName set, so clients can skip
// it. Absent optional fields keep their defaults. toJson() writes any message back in the wire format,
// for tests. The built-in service writes its messages with its own code on purpose (two independent
// readings of the protocol catch each other's mistakes; a shared type would agree on them).
class DeepgramMessage
{
public:
    enum class Type {
        Invalid,
        Unknown,
        // listen v1, server -> client
        Results,
        Metadata, // also sent by speak v1, with model_* fields instead of sha256/duration/channels
        SpeechStarted,
        UtteranceEnd,
        // speak v1, server -> client
        Flushed,
        Cleared,
        Warning,
        Error,
        // listen v1, client -> server
        KeepAlive,
        Finalize,
        CloseStream,
        // speak v1, client -> server
        Speak,
        Flush,
        Clear,
        Close,
    };

    struct Word
    {
        QString word;
        double start = 0;
        double end = 0;
        double confidence = 0;
        QString punctuatedWord; // empty unless punctuate/smart_format is on
        int speaker = -1; // -1 unless diarize is on
    };

    // A Results message, reduced to its first alternative (the only one Deepgram sends by default).
    struct Results
    {
        QList<int> channelIndex; // [index, count]
        double start = 0; // seconds of stream audio since the connection opened
        double duration = 0;
        bool isFinal = false;
        bool speechFinal = false;
        bool fromFinalize = false;
        QString transcript;
        double confidence = 0;
        QList<Word> words;
        QString requestId;
    };

    struct Metadata
    {
        QString requestId;
        // listen
        QString sha256;
        QString created;
        double duration = 0;
        int channels = 0;
        // speak
        QString modelName;
        QString modelVersion;
        QString modelUuid;
    };

    static DeepgramMessage parse(QByteArrayView json);

    // Compact JSON in the wire format; Invalid and Unknown messages give an empty array.
    QByteArray toJson() const;
    QString toText() const { return QString::fromUtf8(toJson()); }

    // Client messages, ready for QWebSocket::sendTextMessage (control messages must be text frames).
    static QString keepAliveMessage();
    static QString finalizeMessage();
    static QString closeStreamMessage();
    static QString speakMessage(const QString &text);
    static QString flushMessage();
    static QString clearMessage();
    static QString closeMessage();

    static QLatin1StringView typeName(Type type);

    Type type = Type::Invalid;
    QString receivedType; // the "type" field as received (useful for Unknown)
    QString error; // Invalid: what is wrong

    Results results; // Results
    Metadata metadata; // Metadata
    QList<int> channel; // SpeechStarted, UtteranceEnd: [index, count]
    double timestamp = 0; // SpeechStarted
    double lastWordEnd = 0; // UtteranceEnd
    qint64 sequenceId = -1; // Flushed, Cleared
    QString description; // Warning, Error
    QString code; // Warning, Error
    QString text; // Speak
    int finalizeChannel = -1; // Finalize with an explicit "channel"
};

} // namespace Taskscope::Protocol
