#include "model/deepgrammessage.h"

#include "model/jsontypename.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>
#include <limits>

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

// Reads typed fields of one JSON object. Absent and null optional fields keep the caller's default;
// the first wrong type (or missing required field) records an error naming its path, and every later
// read fails, so reads chain with &&.
class FieldReader
{
public:
    FieldReader(const QJsonObject &object, QString path, QString *error)
        : m_object(object)
        , m_path(std::move(path))
        , m_error(error)
    {
    }

    bool string(const char *key, QString *out, bool required = false)
    {
        const QJsonValue value = m_object.value(QLatin1StringView(key));
        if (value.isString()) {
            *out = value.toString();
            return true;
        }
        return absentOrFail(key, value, required, "a string");
    }

    bool number(const char *key, double *out, bool required = false)
    {
        const QJsonValue value = m_object.value(QLatin1StringView(key));
        if (value.isDouble()) {
            *out = value.toDouble();
            return true;
        }
        return absentOrFail(key, value, required, "a number");
    }

    bool integer(const char *key, qint64 *out, bool required = false)
    {
        const QJsonValue value = m_object.value(QLatin1StringView(key));
        if (value.isDouble()) {
            const double d = value.toDouble();
            if (!std::isfinite(d) || d != std::floor(d) || std::abs(d) > 9.0e15)
                return fail(key, QStringLiteral("is %1, expected an integer").arg(d));
            *out = qint64(d);
            return true;
        }
        return absentOrFail(key, value, required, "an integer");
    }

    bool integer(const char *key, int *out, bool required = false)
    {
        qint64 wide = *out;
        if (!integer(key, &wide, required))
            return false;
        if (wide < std::numeric_limits<int>::min() || wide > std::numeric_limits<int>::max())
            return fail(key, QStringLiteral("is %1, out of range").arg(wide));
        *out = int(wide);
        return true;
    }

    bool boolean(const char *key, bool *out)
    {
        const QJsonValue value = m_object.value(QLatin1StringView(key));
        if (value.isBool()) {
            *out = value.toBool();
            return true;
        }
        return absentOrFail(key, value, false, "a boolean");
    }

    bool integerList(const char *key, QList<int> *out)
    {
        const QJsonValue value = m_object.value(QLatin1StringView(key));
        if (!value.isArray())
            return absentOrFail(key, value, false, "an array of integers");
        const QJsonArray array = value.toArray();
        out->clear();
        for (qsizetype i = 0; i < array.size(); ++i) {
            const QJsonValue item = array.at(i);
            const double d = item.toDouble(std::numeric_limits<double>::quiet_NaN());
            if (!item.isDouble() || d != std::floor(d) || std::abs(d) > std::numeric_limits<int>::max())
                return failWith(childPath(key)
                                + QStringLiteral("[%1] is %2, expected an integer").arg(i).arg(jsonTypeName(item)));
            out->append(int(d));
        }
        return true;
    }

    // An optional (or required) nested object; *present tells whether it was there.
    bool object(const char *key, QJsonObject *out, bool *present, bool required = false)
    {
        const QJsonValue value = m_object.value(QLatin1StringView(key));
        *present = value.isObject();
        if (value.isObject()) {
            *out = value.toObject();
            return true;
        }
        return absentOrFail(key, value, required, "an object");
    }

    bool array(const char *key, QJsonArray *out, bool required = false)
    {
        const QJsonValue value = m_object.value(QLatin1StringView(key));
        if (value.isArray()) {
            *out = value.toArray();
            return true;
        }
        return absentOrFail(key, value, required, "an array");
    }

    QString childPath(const char *key) const
    {
        return m_path.isEmpty() ? QString::fromLatin1(key) : m_path + u'.' + QLatin1StringView(key);
    }

private:
    bool absentOrFail(const char *key, const QJsonValue &value, bool required, const char *expected)
    {
        if ((value.isUndefined() || value.isNull()) && !required)
            return true;
        return fail(key, QStringLiteral("is %1, expected %2").arg(jsonTypeName(value), QLatin1StringView(expected)));
    }

    bool fail(const char *key, const QString &what) { return failWith(childPath(key) + u' ' + what); }

    bool failWith(const QString &message)
    {
        if (m_error->isEmpty())
            *m_error = message;
        return false;
    }

    QJsonObject m_object;
    QString m_path;
    QString *m_error;
};

bool parseWords(const QJsonArray &array, const QString &path, QList<DeepgramMessage::Word> *words, QString *error)
{
    words->reserve(array.size());
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString wordPath = path + QStringLiteral("[%1]").arg(i);
        const QJsonValue item = array.at(i);
        if (!item.isObject()) {
            *error = wordPath + QStringLiteral(" is %1, expected an object").arg(jsonTypeName(item));
            return false;
        }
        DeepgramMessage::Word word;
        FieldReader reader(item.toObject(), wordPath, error);
        if (!reader.string("word", &word.word, true) || !reader.number("start", &word.start, true)
            || !reader.number("end", &word.end, true) || !reader.number("confidence", &word.confidence)
            || !reader.string("punctuated_word", &word.punctuatedWord) || !reader.integer("speaker", &word.speaker))
            return false;
        words->append(std::move(word));
    }
    return true;
}

bool parseResults(const QJsonObject &root, DeepgramMessage::Results *results, QString *error)
{
    FieldReader reader(root, QString(), error);
    QJsonObject channel;
    QJsonObject metadata;
    bool hasChannel = false;
    bool hasMetadata = false;
    if (!reader.integerList("channel_index", &results->channelIndex) || !reader.number("start", &results->start)
        || !reader.number("duration", &results->duration) || !reader.boolean("is_final", &results->isFinal)
        || !reader.boolean("speech_final", &results->speechFinal)
        || !reader.boolean("from_finalize", &results->fromFinalize)
        || !reader.object("channel", &channel, &hasChannel, true)
        || !reader.object("metadata", &metadata, &hasMetadata))
        return false;
    if (hasMetadata
        && !FieldReader(metadata, QStringLiteral("metadata"), error).string("request_id", &results->requestId))
        return false;

    QJsonArray alternatives;
    FieldReader channelReader(channel, QStringLiteral("channel"), error);
    if (!channelReader.array("alternatives", &alternatives, true))
        return false;
    if (alternatives.isEmpty())
        return true; // no hypothesis: an empty transcript
    const QJsonValue first = alternatives.at(0);
    const QString path = QStringLiteral("channel.alternatives[0]");
    if (!first.isObject()) {
        *error = path + QStringLiteral(" is %1, expected an object").arg(jsonTypeName(first));
        return false;
    }
    QJsonArray words;
    FieldReader alternative(first.toObject(), path, error);
    if (!alternative.string("transcript", &results->transcript)
        || !alternative.number("confidence", &results->confidence) || !alternative.array("words", &words))
        return false;
    return parseWords(words, path + QStringLiteral(".words"), &results->words, error);
}

bool parseMetadata(const QJsonObject &root, DeepgramMessage::Metadata *metadata, QString *error)
{
    FieldReader reader(root, QString(), error);
    return reader.string("request_id", &metadata->requestId) && reader.string("sha256", &metadata->sha256)
        && reader.string("created", &metadata->created) && reader.number("duration", &metadata->duration)
        && reader.integer("channels", &metadata->channels) && reader.string("model_name", &metadata->modelName)
        && reader.string("model_version", &metadata->modelVersion) && reader.string("model_uuid", &metadata->modelUuid);
}

bool parseBody(const QJsonObject &root, DeepgramMessage *message, QString *error)
{
    FieldReader reader(root, QString(), error);
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
        return reader.integer("sequence_id", &message->sequenceId, true);
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
        return reader.string("text", &message->text, true);
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
    QString error;
    if (!parseBody(root, &message, &error)) {
        const QString receivedType = message.receivedType;
        message = DeepgramMessage();
        message.receivedType = receivedType;
        message.error = receivedType + QStringLiteral(": ") + error;
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
