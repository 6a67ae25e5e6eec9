#include "workers/loopback/endpoints/deepgrammessages.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

#include <cmath>

namespace Taskscope::Loopback {

namespace {

double ms(double seconds)
{
    return std::round(seconds * 1000.0) / 1000.0;
}

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QString capitalized(const QString &word)
{
    return word.isEmpty() ? word : word.at(0).toUpper() + word.mid(1);
}

} // namespace

namespace DeepgramMessages {

QString modelUuid(const QString &modelName)
{
    static const QUuid ns(QStringLiteral("{6f7c1e1a-2d3b-4c5d-9e8f-7a6b5c4d3e2f}"));
    return QUuid::createUuidV5(ns, modelName).toString(QUuid::WithoutBraces);
}

QJsonObject modelInfo(const QString &modelName)
{
    const bool sink = modelName.contains(QStringLiteral("load-sink"));
    return QJsonObject {{QStringLiteral("name"), modelName},
                        {QStringLiteral("version"), sink ? QStringLiteral("1") : QStringLiteral("0.8+5prealpha")},
                        {QStringLiteral("arch"), sink ? QStringLiteral("energy-vad") : QStringLiteral("pocketsphinx")}};
}

QByteArray results(const RecognitionEvent &event, const QString &requestId, bool punctuate)
{
    const bool isFinal = event.kind == RecognitionEvent::Kind::Final;
    QJsonArray words;
    QStringList transcriptWords;
    for (qsizetype i = 0; i < event.words.size(); ++i) {
        const RecognizedWord &w = event.words.at(i);
        QString punctuated = w.word;
        if (punctuate) {
            if (i == 0)
                punctuated = capitalized(punctuated);
            if (isFinal && i == event.words.size() - 1)
                punctuated += QLatin1Char('.');
        }
        transcriptWords << (punctuate ? punctuated : w.word);
        words.append(QJsonObject {{QStringLiteral("word"), w.word},
                                  {QStringLiteral("start"), ms(w.start)},
                                  {QStringLiteral("end"), ms(w.end)},
                                  {QStringLiteral("confidence"), ms(w.confidence)},
                                  {QStringLiteral("punctuated_word"), punctuated}});
    }
    const QString transcript = event.words.isEmpty() ? event.transcript : transcriptWords.join(QLatin1Char(' '));
    const QJsonObject alternative {{QStringLiteral("transcript"), transcript},
                                   {QStringLiteral("confidence"), ms(event.confidence)},
                                   {QStringLiteral("words"), words}};
    const QJsonObject metadata {{QStringLiteral("request_id"), requestId},
                                {QStringLiteral("model_info"), modelInfo(event.model)},
                                {QStringLiteral("model_uuid"), modelUuid(event.model)}};
    return compact(QJsonObject {
        {QStringLiteral("type"), QStringLiteral("Results")},
        {QStringLiteral("channel_index"), QJsonArray {0, 1}},
        {QStringLiteral("duration"), ms(event.duration)},
        {QStringLiteral("start"), ms(event.start)},
        {QStringLiteral("is_final"), isFinal},
        {QStringLiteral("speech_final"), isFinal && event.speechFinal},
        {QStringLiteral("from_finalize"), isFinal && event.fromFinalize},
        {QStringLiteral("channel"), QJsonObject {{QStringLiteral("alternatives"), QJsonArray {alternative}}}},
        {QStringLiteral("metadata"), metadata}});
}

QByteArray speechStarted(double timestamp)
{
    return compact(QJsonObject {{QStringLiteral("type"), QStringLiteral("SpeechStarted")},
                                {QStringLiteral("channel"), QJsonArray {0, 1}},
                                {QStringLiteral("timestamp"), ms(timestamp)}});
}

QByteArray utteranceEnd(double lastWordEnd)
{
    return compact(QJsonObject {{QStringLiteral("type"), QStringLiteral("UtteranceEnd")},
                                {QStringLiteral("channel"), QJsonArray {0, 1}},
                                {QStringLiteral("last_word_end"), ms(lastWordEnd)}});
}

QByteArray listenMetadata(const QString &requestId, const QString &sha256, const QString &created,
                          double durationSeconds, const QString &modelName, const QJsonObject &taskscope)
{
    const QString uuid = modelUuid(modelName);
    return compact(QJsonObject {{QStringLiteral("type"), QStringLiteral("Metadata")},
                                {QStringLiteral("transaction_key"), QStringLiteral("deprecated")},
                                {QStringLiteral("request_id"), requestId},
                                {QStringLiteral("sha256"), sha256},
                                {QStringLiteral("created"), created},
                                {QStringLiteral("duration"), ms(durationSeconds)},
                                {QStringLiteral("channels"), 1},
                                {QStringLiteral("models"), QJsonArray {uuid}},
                                {QStringLiteral("model_info"), QJsonObject {{uuid, modelInfo(modelName)}}},
                                {QStringLiteral("taskscope"), taskscope}});
}

QByteArray error(const QString &code, const QString &description)
{
    return compact(QJsonObject {{QStringLiteral("type"), QStringLiteral("Error")},
                                {QStringLiteral("err_code"), code},
                                {QStringLiteral("description"), description}});
}

QByteArray speakMetadata(const QString &requestId, const QString &modelName)
{
    return compact(QJsonObject {{QStringLiteral("type"), QStringLiteral("Metadata")},
                                {QStringLiteral("request_id"), requestId},
                                {QStringLiteral("model_name"), modelName},
                                {QStringLiteral("model_version"), QStringLiteral("espeak-ng-1.51")},
                                {QStringLiteral("model_uuid"), modelUuid(modelName)}});
}

QByteArray flushed(int sequenceId)
{
    return compact(
        QJsonObject {{QStringLiteral("type"), QStringLiteral("Flushed")}, {QStringLiteral("sequence_id"), sequenceId}});
}

QByteArray cleared(int sequenceId)
{
    return compact(
        QJsonObject {{QStringLiteral("type"), QStringLiteral("Cleared")}, {QStringLiteral("sequence_id"), sequenceId}});
}

QByteArray warning(const QString &code, const QString &description)
{
    return compact(QJsonObject {{QStringLiteral("type"), QStringLiteral("Warning")},
                                {QStringLiteral("description"), description},
                                {QStringLiteral("code"), code}});
}

} // namespace DeepgramMessages

} // namespace Taskscope::Loopback
