#pragma once
// The JSON text messages of Deepgram's listen and speak v1 protocols, in the shapes the official SDKs
// parse. Written here rather than with the client's Protocol::DeepgramMessage on purpose: the client
// tests against this service, and a shared message type would hide a field both sides got wrong.
#include "workers/loopback/speech/recognitionevent.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace Taskscope::Loopback {

namespace DeepgramMessages {

// Stable UUID for a model name (so clients see the same model_uuid every time).
QString modelUuid(const QString &modelName);
QJsonObject modelInfo(const QString &modelName);
QByteArray results(const RecognitionEvent &event, const QString &requestId, bool punctuate);
QByteArray speechStarted(double timestamp);
QByteArray utteranceEnd(double lastWordEnd);
// Summary after CloseStream; `taskscope` carries the server's own byte counts for the stream.
QByteArray listenMetadata(const QString &requestId, const QString &sha256, const QString &created,
                          double durationSeconds, const QString &modelName, const QJsonObject &taskscope);
QByteArray error(const QString &code, const QString &description);
QByteArray speakMetadata(const QString &requestId, const QString &modelName);
QByteArray flushed(int sequenceId);
QByteArray cleared(int sequenceId);
QByteArray warning(const QString &code, const QString &description);

} // namespace DeepgramMessages

} // namespace Taskscope::Loopback
