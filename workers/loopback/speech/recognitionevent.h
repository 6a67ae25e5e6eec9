#pragma once
// What recognition reports about a stream, in stream-audio seconds; ListenSession turns these into
// Deepgram messages.
#include <QList>
#include <QString>

namespace Taskscope::Loopback {

struct RecognizedWord
{
    QString word;
    double start = 0;
    double end = 0;
    double confidence = 0;
};

struct RecognitionEvent
{
    enum class Kind {
        SpeechStarted, // timestamp
        Interim, // start, duration, transcript, words
        Final, // start, duration, transcript, words, speechFinal, fromFinalize, model
        UtteranceEnd, // lastWordEnd
        FinalizeDone, // a Finalize request has been fully answered
        Finished, // all audio is processed after finish(): the stream can close
        Failed // recognition cannot run (transcript holds why)
    };

    Kind kind = Kind::Interim;
    double timestamp = 0;
    double start = 0;
    double duration = 0;
    QString transcript;
    double confidence = 0;
    QList<RecognizedWord> words;
    bool speechFinal = false;
    bool fromFinalize = false;
    QString model; // which search produced a final: grammar, language model or load sink
    double lastWordEnd = 0;
};

} // namespace Taskscope::Loopback
