#pragma once

#include <QByteArrayView>
#include <QList>
#include <QString>

#include <optional>

namespace Taskscope::Protocol {

// One `data:` payload of an OpenAI-compatible chat-completions stream (`stream: true`), parsed into
// plain values. Parsing never throws and never crashes: anything that is not a well-formed chunk comes
// back as Kind::Malformed with a message saying what is wrong.
//
//   [DONE]                                   -> Kind::Done (prefix match, like openai-python)
//   {"error":{"message":...}}                -> Kind::ServerError (a mid-stream error event)
//   {"choices":[{"delta":{...}}], ...}       -> Kind::Chunk
//   {"choices":[] or null, "usage":{...}}    -> Kind::Chunk with usage and no choices
class ChatCompletionChunk
{
public:
    enum class Kind { Chunk, Done, ServerError, Malformed };

    struct Choice
    {
        int index = 0;
        QString role; // delta.role, empty when absent (only the first chunk carries it)
        QString content; // delta.content
        bool hasContent = false; // delta.content is present and not null; "" counts as present
        QString refusal; // delta.refusal when a string
        QString finishReason; // "stop", "length", "tool_calls", "content_filter"; empty while streaming
        bool hasToolCalls = false;
    };

    struct Usage
    {
        qint64 promptTokens = 0;
        qint64 completionTokens = 0;
        qint64 totalTokens = 0;
    };

    static ChatCompletionChunk parse(QByteArrayView payload);

    bool isDone() const { return kind == Kind::Done; }
    bool isError() const { return kind == Kind::ServerError || kind == Kind::Malformed; }
    // The content delta of choice 0 (empty when none); the token text a chat client appends.
    QString content() const;
    bool hasContent() const;
    // finish_reason of choice 0, empty while the stream goes on.
    QString finishReason() const;

    Kind kind = Kind::Malformed;
    QString id;
    QString model;
    qint64 created = 0;
    QList<Choice> choices;
    std::optional<Usage> usage;
    QString errorMessage; // ServerError: the server's message; Malformed: what is wrong with the payload
    QString errorType; // ServerError: error.type, when given
    QString errorCode; // ServerError: error.code (string or number), when given
};

} // namespace Taskscope::Protocol
