#pragma once
// POST /v1/listen (Deepgram prerecorded): a WAV body, or raw audio described by encoding/sample_rate/
// channels query parameters, is decoded on the recognition pool (two seconds of audio per job, so live
// streams keep their turn) and answered with Deepgram's JSON: metadata and
// results.channels[0].alternatives[0] with transcript, confidence and words.
#include "workers/loopback/speech/recognitionevent.h"

#include <QByteArray>
#include <QString>

#include <vector>

namespace Taskscope::Loopback {

class HttpConnection;

class PrerecordedTranscription
{
public:
    // Validates the request and answers it (now for errors, later for the transcript).
    static void start(HttpConnection *connection);
    // The response body for finals over `durationSeconds` of audio.
    static QByteArray responseJson(const std::vector<RecognitionEvent> &finals, const QString &requestId,
                                   const QString &sha256, double durationSeconds, const QString &fallbackModel);
};

} // namespace Taskscope::Loopback
