#include "model/protocol/chatcompletionchunk.h"

#include "model/protocol/jsontypename.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <limits>

namespace Taskscope::Protocol {

namespace {

// Reads an optional string that may also be null. Returns false (and describes why) on a wrong type.
bool readOptionalString(const QJsonObject &object, QLatin1StringView key, const QString &path, QString *out,
                        bool *present, QString *error)
{
    const QJsonValue value = object.value(key);
    if (present)
        *present = value.isString();
    if (value.isString()) {
        *out = value.toString();
        return true;
    }
    if (value.isUndefined() || value.isNull())
        return true;
    *error = QStringLiteral("%1.%2 is %3, expected a string or null").arg(path, key, jsonTypeName(value));
    return false;
}

bool readOptionalInteger(const QJsonObject &object, QLatin1StringView key, const QString &path, qint64 *out,
                         QString *error)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined() || value.isNull())
        return true;
    if (!value.isDouble()) {
        *error = QStringLiteral("%1.%2 is %3, expected a number").arg(path, key, jsonTypeName(value));
        return false;
    }
    *out = value.toInteger();
    return true;
}

ChatCompletionChunk malformed(const QString &why)
{
    ChatCompletionChunk chunk;
    chunk.kind = ChatCompletionChunk::Kind::Malformed;
    chunk.errorMessage = why;
    return chunk;
}

QString excerpt(QByteArrayView payload)
{
    constexpr qsizetype limit = 80;
    QString text = QString::fromUtf8(payload.first(qMin(limit, payload.size())));
    if (payload.size() > limit)
        text += QStringLiteral("...");
    return text;
}

ChatCompletionChunk serverError(const QJsonValue &error)
{
    ChatCompletionChunk chunk;
    chunk.kind = ChatCompletionChunk::Kind::ServerError;
    if (error.isObject()) {
        const QJsonObject object = error.toObject();
        chunk.errorMessage = object.value(QLatin1StringView("message")).toString();
        chunk.errorType = object.value(QLatin1StringView("type")).toString();
        const QJsonValue code = object.value(QLatin1StringView("code"));
        chunk.errorCode = code.isDouble() ? QString::number(code.toInteger()) : code.toString();
    } else if (error.isString()) {
        chunk.errorMessage = error.toString();
    }
    if (chunk.errorMessage.isEmpty())
        chunk.errorMessage = QStringLiteral("the server sent an error without a message");
    return chunk;
}

} // namespace

ChatCompletionChunk ChatCompletionChunk::parse(QByteArrayView payload)
{
    if (payload.startsWith("[DONE]")) {
        ChatCompletionChunk done;
        done.kind = Kind::Done;
        return done;
    }

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(payload.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return malformed(QStringLiteral("malformed JSON in chat completion chunk at offset %1: %2 (payload: %3)")
                             .arg(parseError.offset)
                             .arg(parseError.errorString(), excerpt(payload)));
    if (!document.isObject())
        return malformed(QStringLiteral("chat completion chunk is %1, expected a JSON object (payload: %2)")
                             .arg(document.isArray() ? QStringLiteral("an array") : QStringLiteral("not an object"),
                                  excerpt(payload)));
    const QJsonObject root = document.object();

    const QJsonValue error = root.value(QLatin1StringView("error"));
    if (!error.isUndefined() && !error.isNull())
        return serverError(error);

    ChatCompletionChunk chunk;
    chunk.kind = Kind::Chunk;
    QString why;
    const QString chunkPath = QStringLiteral("chunk");
    if (!readOptionalString(root, QLatin1StringView("id"), chunkPath, &chunk.id, nullptr, &why)
        || !readOptionalString(root, QLatin1StringView("model"), chunkPath, &chunk.model, nullptr, &why)
        || !readOptionalInteger(root, QLatin1StringView("created"), chunkPath, &chunk.created, &why))
        return malformed(why);

    const QJsonValue choices = root.value(QLatin1StringView("choices"));
    if (choices.isArray()) {
        const QJsonArray array = choices.toArray();
        chunk.choices.reserve(array.size());
        for (qsizetype i = 0; i < array.size(); ++i) {
            const QString path = QStringLiteral("choices[%1]").arg(i);
            const QJsonValue item = array.at(i);
            if (!item.isObject())
                return malformed(QStringLiteral("%1 is %2, expected an object").arg(path, jsonTypeName(item)));
            const QJsonObject object = item.toObject();
            Choice choice;
            qint64 index = i;
            if (!readOptionalInteger(object, QLatin1StringView("index"), path, &index, &why)
                || !readOptionalString(object, QLatin1StringView("finish_reason"), path, &choice.finishReason, nullptr,
                                       &why))
                return malformed(why);
            choice.index = int(qBound(qint64(0), index, qint64(std::numeric_limits<int>::max())));
            const QJsonValue delta = object.value(QLatin1StringView("delta"));
            if (delta.isObject()) {
                const QJsonObject d = delta.toObject();
                const QString deltaPath = path + QStringLiteral(".delta");
                if (!readOptionalString(d, QLatin1StringView("role"), deltaPath, &choice.role, nullptr, &why)
                    || !readOptionalString(d, QLatin1StringView("content"), deltaPath, &choice.content,
                                           &choice.hasContent, &why)
                    || !readOptionalString(d, QLatin1StringView("refusal"), deltaPath, &choice.refusal, nullptr, &why))
                    return malformed(why);
                const QJsonValue toolCalls = d.value(QLatin1StringView("tool_calls"));
                choice.hasToolCalls = toolCalls.isArray() && !toolCalls.toArray().isEmpty();
            } else if (!delta.isUndefined() && !delta.isNull()) {
                return malformed(QStringLiteral("%1.delta is %2, expected an object").arg(path, jsonTypeName(delta)));
            }
            chunk.choices.append(std::move(choice));
        }
    } else if (!choices.isUndefined() && !choices.isNull()) {
        return malformed(QStringLiteral("chunk.choices is %1, expected an array or null").arg(jsonTypeName(choices)));
    }

    const QJsonValue usage = root.value(QLatin1StringView("usage"));
    if (usage.isObject()) {
        const QJsonObject object = usage.toObject();
        Usage u;
        const QString path = QStringLiteral("usage");
        if (!readOptionalInteger(object, QLatin1StringView("prompt_tokens"), path, &u.promptTokens, &why)
            || !readOptionalInteger(object, QLatin1StringView("completion_tokens"), path, &u.completionTokens, &why)
            || !readOptionalInteger(object, QLatin1StringView("total_tokens"), path, &u.totalTokens, &why))
            return malformed(why);
        chunk.usage = u;
    } else if (!usage.isUndefined() && !usage.isNull()) {
        return malformed(QStringLiteral("chunk.usage is %1, expected an object or null").arg(jsonTypeName(usage)));
    }
    return chunk;
}

QString ChatCompletionChunk::content() const
{
    for (const Choice &choice : choices) {
        if (choice.index == 0)
            return choice.content;
    }
    return QString();
}

bool ChatCompletionChunk::hasContent() const
{
    for (const Choice &choice : choices) {
        if (choice.index == 0)
            return choice.hasContent;
    }
    return false;
}

QString ChatCompletionChunk::finishReason() const
{
    for (const Choice &choice : choices) {
        if (choice.index == 0)
            return choice.finishReason;
    }
    return QString();
}

} // namespace Taskscope::Protocol
