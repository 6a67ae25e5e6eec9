#include "model/protocol/deepgrammessage.h"

#include "model/protocol/jsonfieldreader.h"
#include "model/protocol/jsontypename.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>
#include <limits>

namespace Taskscope::Protocol {

namespace {

struct TypeEntry
{
    DeepgramMessage::Type type;
    const char *name;
};

constexpr TypeEntry TypeNames[] = {
    {DeepgramMessage::Type::Results, "Results"},
    {DeepgramMessage::Type::Metadata, "Metadata"},
    {DeepgramMessage::Type::SpeechStarted, "SpeechStarted"},
    {DeepgramMessage::Type::UtteranceEnd, "UtteranceEnd"},
    {DeepgramMessage::Type::Flushed, "Flushed"},
    {DeepgramMessage::Type::Cleared, "Cleared"},
    {DeepgramMessage::Type::Warning, "Warning"},
    {DeepgramMessage::Type::Error, "Error"},
    {DeepgramMessage::Type::KeepAlive, "KeepAlive"},
    {DeepgramMessage::Type::Finalize, "Finalize"},
    {DeepgramMessage::Type::CloseStream, "CloseStream"},
    {DeepgramMessage::Type::Speak, "Speak"},
    {DeepgramMessage::Type::Flush, "Flush"},
    {DeepgramMessage::Type::Clear, "Clear"},
    {DeepgramMessage::Type::Close, "Close"},
};

using Need = JsonFieldReader::Need;

// Protocols send null for "no value": null optional fields keep their defaults.
JsonFieldReader readerOf(const QJsonObject &object, const QString &path, FieldError *error)
{
    return JsonFieldReader(object, path, error, JsonFieldReader::Null::IsAbsent);
}

bool parseWords(const QJsonArray &array, const QString &path, QList<DeepgramMessage::Word> *words, FieldError *error)
{
    words->reserve(array.size());
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString wordPath = path + QStringLiteral("[%1]").arg(i);
        const QJsonValue item = array.at(i);
        if (!item.isObject()) {
            *error = {wordPath, QStringLiteral("is %1, expected an object").arg(jsonTypeName(item))};
            return false;
        }
        DeepgramMessage::Word word;
        JsonFieldReader reader = readerOf(item.toObject(), wordPath, error);
        if (!reader.string("word", &word.word, Need::Required) || !reader.number("start", &word.start, Need::Required)
            || !reader.number("end", &word.end, Need::Required) || !reader.number("confidence", &word.confidence)
            || !reader.string("punctuated_word", &word.punctuatedWord) || !reader.integer("speaker", &word.speaker))
            return false;
        words->append(std::move(word));
    }
    return true;
}

bool parseResults(const QJsonObject &root, DeepgramMessage::Results *results, FieldError *error)
{
    JsonFieldReader reader = readerOf(root, QString(), error);
    QJsonObject channel;
    QJsonObject metadata;
    bool hasMetadata = false;
    if (!reader.integerList("channel_index", &results->channelIndex) || !reader.number("start", &results->start)
        || !reader.number("duration", &results->duration) || !reader.boolean("is_final", &results->isFinal)
        || !reader.boolean("speech_final", &results->speechFinal)
        || !reader.boolean("from_finalize", &results->fromFinalize)
        || !reader.object("channel", &channel, nullptr, Need::Required)
        || !reader.object("metadata", &metadata, &hasMetadata))
        return false;
    if (hasMetadata && !readerOf(metadata, QStringLiteral("metadata"), error).string("request_id", &results->requestId))
        return false;

    QJsonArray alternatives;
    if (!readerOf(channel, QStringLiteral("channel"), error).array("alternatives", &alternatives, Need::Required))
        return false;
    if (alternatives.isEmpty())
        return true; // no hypothesis: an empty transcript
    const QJsonValue first = alternatives.at(0);
    const QString path = QStringLiteral("channel.alternatives[0]");
    if (!first.isObject()) {
        *error = {path, QStringLiteral("is %1, expected an object").arg(jsonTypeName(first))};
        return false;
    }
    QJsonArray words;
    JsonFieldReader alternative = readerOf(first.toObject(), path, error);
    if (!alternative.string("transcript", &results->transcript)
        || !alternative.number("confidence", &results->confidence) || !alternative.array("words", &words))
        return false;
    return parseWords(words, path + QStringLiteral(".words"), &results->words, error);
}

bool parseMetadata(const QJsonObject &root, DeepgramMessage::Metadata *metadata, FieldError *error)
{
    JsonFieldReader reader = readerOf(root, QString(), error);
    return reader.string("request_id", &metadata->requestId) && reader.string("sha256", &metadata->sha256)
        && reader.string("created", &metadata->created) && reader.number("duration", &metadata->duration)
        && reader.integer("channels", &metadata->channels) && reader.string("model_name", &metadata->modelName)
        && reader.string("model_version", &metadata->modelVersion) && reader.string("model_uuid", &metadata->modelUuid);
}

bool parseBody(const QJsonObject &root, DeepgramMessage *message, FieldError *error)
{
    JsonFieldReader reader = readerOf(root, QString(), error);
    using Type = DeepgramMessage::Type;
    switch (message->type) {
    case Type::Results:
        return parseResults(root, &message->results, error);
    case Type::Metadata:
        return parseMetadata(root, &message->metadata, error);
    case Type::SpeechStarted:
        return reader.integerList("channel", &message->channel) && reader.number("timestamp", &message->timestamp);
    case Type::UtteranceEnd:
        return reader.integerList("channel", &message->channel)
            && reader.number("last_word_end", &message->lastWordEnd);
    case Type::Flushed:
    case Type::Cleared:
        return reader.integer("sequence_id", &message->sequenceId, Need::Required);
    case Type::Warning:
        return reader.string("description", &message->description) && reader.string("code", &message->code);
    case Type::Error: {
        // Field names differ between services and versions; take whichever is present.
        QString message2;
        QString errMsg;
        QString errCode;
        if (!reader.string("description", &message->description) || !reader.string("message", &message2)
            || !reader.string("err_msg", &errMsg) || !reader.string("code", &message->code)
            || !reader.string("err_code", &errCode))
            return false;
        if (message->description.isEmpty())
            message->description = !message2.isEmpty() ? message2 : errMsg;
        if (message->code.isEmpty())
            message->code = errCode;
        return true;
    }
    case Type::Speak:
        return reader.string("text", &message->text, Need::Required);
    case Type::Finalize:
        return reader.integer("channel", &message->finalizeChannel);
    case Type::KeepAlive:
    case Type::CloseStream:
    case Type::Flush:
    case Type::Clear:
    case Type::Close:
    case Type::Unknown:
    case Type::Invalid:
        return true;
    }
    return true;
}

QJsonArray toJsonArray(const QList<int> &values)
{
    QJsonArray array;
    for (const int v : values)
        array.append(v);
    return array;
}

QString compact(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QJsonObject typed(DeepgramMessage::Type type)
{
    return QJsonObject {{QStringLiteral("type"), QString(DeepgramMessage::typeName(type))}};
}

} // namespace

QLatin1StringView DeepgramMessage::typeName(Type type)
{
    for (const TypeEntry &entry : TypeNames) {
        if (entry.type == type)
            return QLatin1StringView(entry.name);
    }
    return type == Type::Unknown ? QLatin1StringView("Unknown") : QLatin1StringView("Invalid");
}

DeepgramMessage DeepgramMessage::parse(QByteArrayView json)
{
    DeepgramMessage message;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        message.error = QStringLiteral("malformed JSON in Deepgram message at offset %1: %2")
                            .arg(parseError.offset)
                            .arg(parseError.errorString());
        return message;
    }
    if (!document.isObject()) {
        message.error = QStringLiteral("Deepgram message is %1, expected a JSON object")
                            .arg(document.isArray() ? QStringLiteral("an array") : QStringLiteral("empty"));
        return message;
    }
    const QJsonObject root = document.object();
    const QJsonValue type = root.value(QLatin1StringView("type"));
    if (!type.isString()) {
        message.error = QStringLiteral("Deepgram message has no \"type\" string (type is %1)").arg(jsonTypeName(type));
        return message;
    }
    message.receivedType = type.toString();
    message.type = Type::Unknown;
    for (const TypeEntry &entry : TypeNames) {
        if (message.receivedType == QLatin1StringView(entry.name)) {
            message.type = entry.type;
            break;
        }
    }
    FieldError error;
    if (!parseBody(root, &message, &error)) {
        const QString receivedType = message.receivedType;
        message = DeepgramMessage();
        message.receivedType = receivedType;
        message.error = receivedType + QStringLiteral(": ") + error.toString();
    }
    return message;
}

QByteArray DeepgramMessage::toJson() const
{
    if (type == Type::Invalid || type == Type::Unknown)
        return QByteArray();
    QJsonObject object = typed(type);
    switch (type) {
    case Type::Results: {
        QJsonArray words;
        for (const Word &word : results.words) {
            QJsonObject w {{QStringLiteral("word"), word.word},
                           {QStringLiteral("start"), word.start},
                           {QStringLiteral("end"), word.end},
                           {QStringLiteral("confidence"), word.confidence}};
            if (!word.punctuatedWord.isEmpty())
                w.insert(QStringLiteral("punctuated_word"), word.punctuatedWord);
            if (word.speaker >= 0)
                w.insert(QStringLiteral("speaker"), word.speaker);
            words.append(w);
        }
        const QJsonObject alternative {{QStringLiteral("transcript"), results.transcript},
                                       {QStringLiteral("confidence"), results.confidence},
                                       {QStringLiteral("words"), words}};
        object.insert(QStringLiteral("channel_index"), toJsonArray(results.channelIndex));
        object.insert(QStringLiteral("start"), results.start);
        object.insert(QStringLiteral("duration"), results.duration);
        object.insert(QStringLiteral("is_final"), results.isFinal);
        object.insert(QStringLiteral("speech_final"), results.speechFinal);
        object.insert(QStringLiteral("from_finalize"), results.fromFinalize);
        object.insert(QStringLiteral("channel"),
                      QJsonObject {{QStringLiteral("alternatives"), QJsonArray {alternative}}});
        if (!results.requestId.isEmpty())
            object.insert(QStringLiteral("metadata"), QJsonObject {{QStringLiteral("request_id"), results.requestId}});
        break;
    }
    case Type::Metadata: {
        const auto insertIfSet = [&object](const QString &key, const QString &value) {
            if (!value.isEmpty())
                object.insert(key, value);
        };
        insertIfSet(QStringLiteral("request_id"), metadata.requestId);
        insertIfSet(QStringLiteral("sha256"), metadata.sha256);
        insertIfSet(QStringLiteral("created"), metadata.created);
        insertIfSet(QStringLiteral("model_name"), metadata.modelName);
        insertIfSet(QStringLiteral("model_version"), metadata.modelVersion);
        insertIfSet(QStringLiteral("model_uuid"), metadata.modelUuid);
        if (metadata.modelName.isEmpty()) { // listen's summary always carries these two
            object.insert(QStringLiteral("duration"), metadata.duration);
            object.insert(QStringLiteral("channels"), metadata.channels);
        }
        break;
    }
    case Type::SpeechStarted:
        object.insert(QStringLiteral("channel"), toJsonArray(channel));
        object.insert(QStringLiteral("timestamp"), timestamp);
        break;
    case Type::UtteranceEnd:
        object.insert(QStringLiteral("channel"), toJsonArray(channel));
        object.insert(QStringLiteral("last_word_end"), lastWordEnd);
        break;
    case Type::Flushed:
    case Type::Cleared:
        object.insert(QStringLiteral("sequence_id"), sequenceId);
        break;
    case Type::Warning:
    case Type::Error:
        object.insert(QStringLiteral("description"), description);
        object.insert(QStringLiteral("code"), code);
        break;
    case Type::Speak:
        object.insert(QStringLiteral("text"), text);
        break;
    case Type::Finalize:
        if (finalizeChannel >= 0)
            object.insert(QStringLiteral("channel"), finalizeChannel);
        break;
    case Type::KeepAlive:
    case Type::CloseStream:
    case Type::Flush:
    case Type::Clear:
    case Type::Close:
    case Type::Unknown:
    case Type::Invalid:
        break;
    }
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QString DeepgramMessage::keepAliveMessage()
{
    return compact(typed(Type::KeepAlive));
}
QString DeepgramMessage::finalizeMessage()
{
    return compact(typed(Type::Finalize));
}
QString DeepgramMessage::closeStreamMessage()
{
    return compact(typed(Type::CloseStream));
}
QString DeepgramMessage::flushMessage()
{
    return compact(typed(Type::Flush));
}
QString DeepgramMessage::clearMessage()
{
    return compact(typed(Type::Clear));
}
QString DeepgramMessage::closeMessage()
{
    return compact(typed(Type::Close));
}

QString DeepgramMessage::speakMessage(const QString &text)
{
    QJsonObject object = typed(Type::Speak);
    object.insert(QStringLiteral("text"), text);
    return compact(object);
}

} // namespace Taskscope::Protocol
