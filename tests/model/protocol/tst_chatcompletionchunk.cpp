#include "model/protocol/chatcompletionchunk.h"

#include <QTest>

using Taskscope::Protocol::ChatCompletionChunk;

// Payloads follow the real recorded OpenAI streams (content deltas, role, finish_reason, usage).
class tst_ChatCompletionChunk final : public QObject
{
    Q_OBJECT

private slots:
    void parse_data();
    void parse();
    void choicesCarryTheirOwnIndexAndFields();
    void hostilePayloadsNeverCrash_data();
    void hostilePayloadsNeverCrash();
};

using Kind = ChatCompletionChunk::Kind;
Q_DECLARE_METATYPE(ChatCompletionChunk::Kind)

namespace {
const QByteArray head = "{\"id\":\"chatcmpl-AB1\",\"object\":\"chat.completion.chunk\",\"created\":1727346171,"
                        "\"model\":\"gpt-4o-2024-08-06\",\"system_fingerprint\":\"fp_5050236cbd\",";
}

void tst_ChatCompletionChunk::parse_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<Kind>("kind");
    QTest::addColumn<QString>("content");
    QTest::addColumn<bool>("hasContent");
    QTest::addColumn<QString>("role");
    QTest::addColumn<QString>("finishReason");
    QTest::addColumn<qint64>("totalTokens"); // -1: no usage
    QTest::addColumn<QString>("error"); // a substring of errorMessage

    QTest::newRow("first chunk carries the role and empty content")
        << QByteArray(head
                      + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\","
                        "\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}]}")
        << Kind::Chunk << QString("") << true << QString("assistant") << QString() << qint64(-1) << QString();
    QTest::newRow("content chunk") << QByteArray(
        head
        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"{\\\"\"},\"logprobs\":null,"
          "\"finish_reason\":null}]}")
                                   << Kind::Chunk << QString("{\"") << true << QString() << QString() << qint64(-1)
                                   << QString();
    QTest::newRow("content with unicode escapes and multi-byte UTF-8")
        << QByteArray("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\\u00e9t\xC3\xA9 \xE2\x80\xA8\"}}]}")
        << Kind::Chunk << QStringLiteral("\u00e9t\u00e9 \u2028") << true << QString() << QString() << qint64(-1)
        << QString();
    QTest::newRow("content null") << QByteArray("{\"choices\":[{\"index\":0,\"delta\":{\"content\":null}}]}")
                                  << Kind::Chunk << QString() << false << QString() << QString() << qint64(-1)
                                  << QString();
    QTest::newRow("content absent") << QByteArray(
        "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0}]}}]}")
                                    << Kind::Chunk << QString() << false << QString() << QString() << qint64(-1)
                                    << QString();
    QTest::newRow("last content chunk has an empty delta and the finish reason")
        << QByteArray(head + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}")
        << Kind::Chunk << QString() << false << QString() << QString("stop") << qint64(-1) << QString();
    QTest::newRow("finish reason length")
        << QByteArray("{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}") << Kind::Chunk
        << QString() << false << QString() << QString("length") << qint64(-1) << QString();
    QTest::newRow("usage chunk with empty choices")
        << QByteArray(head
                      + "\"choices\":[],\"usage\":{\"prompt_tokens\":79,\"completion_tokens\":11,"
                        "\"total_tokens\":90,\"completion_tokens_details\":{\"reasoning_tokens\":0}}}")
        << Kind::Chunk << QString() << false << QString() << QString() << qint64(90) << QString();
    QTest::newRow("usage chunk with null choices")
        << QByteArray("{\"choices\":null,\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}")
        << Kind::Chunk << QString() << false << QString() << QString() << qint64(3) << QString();
    QTest::newRow("usage null on a content chunk")
        << QByteArray("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}],\"usage\":null}") << Kind::Chunk
        << QString("a") << true << QString() << QString() << qint64(-1) << QString();
    QTest::newRow("done") << QByteArray("[DONE]") << Kind::Done << QString() << false << QString() << QString()
                          << qint64(-1) << QString();
    QTest::newRow("done with trailing text is still done, like openai-python")
        << QByteArray("[DONE] ") << Kind::Done << QString() << false << QString() << QString() << qint64(-1)
        << QString();
    QTest::newRow("mid-stream error object")
        << QByteArray("{\"error\":{\"message\":\"The server had an error while processing your request.\","
                      "\"type\":\"server_error\",\"param\":null,\"code\":null}}")
        << Kind::ServerError << QString() << false << QString() << QString() << qint64(-1)
        << QString("The server had an error while processing your request.");
    QTest::newRow("error given as a plain string")
        << QByteArray("{\"error\":\"overloaded\"}") << Kind::ServerError << QString() << false << QString() << QString()
        << qint64(-1) << QString("overloaded");
    QTest::newRow("error without a message")
        << QByteArray("{\"error\":{\"code\":500}}") << Kind::ServerError << QString() << false << QString() << QString()
        << qint64(-1) << QString("without a message");
    QTest::newRow("null error key is not an error")
        << QByteArray("{\"error\":null,\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}") << Kind::Chunk
        << QString("x") << true << QString() << QString() << qint64(-1) << QString();
    QTest::newRow("malformed JSON") << QByteArray("{\"choices\":[{\"index\":0,") << Kind::Malformed << QString()
                                    << false << QString() << QString() << qint64(-1) << QString("malformed JSON");
    QTest::newRow("empty payload") << QByteArray() << Kind::Malformed << QString() << false << QString() << QString()
                                   << qint64(-1) << QString("malformed JSON");
    QTest::newRow("JSON array instead of object")
        << QByteArray("[1,2]") << Kind::Malformed << QString() << false << QString() << QString() << qint64(-1)
        << QString("an array, expected a JSON object");
    QTest::newRow("choices is a string") << QByteArray("{\"choices\":\"nope\"}") << Kind::Malformed << QString()
                                         << false << QString() << QString() << qint64(-1)
                                         << QString("chunk.choices is a string");
    QTest::newRow("a choice is a number") << QByteArray("{\"choices\":[3]}") << Kind::Malformed << QString() << false
                                          << QString() << QString() << qint64(-1) << QString("choices[0] is a number");
    QTest::newRow("delta content is a number")
        << QByteArray("{\"choices\":[{\"index\":0,\"delta\":{\"content\":42}}]}") << Kind::Malformed << QString()
        << false << QString() << QString() << qint64(-1)
        << QString("choices[0].delta.content is a number, expected a string or null");
    QTest::newRow("delta is an array") << QByteArray("{\"choices\":[{\"index\":0,\"delta\":[]}]}") << Kind::Malformed
                                       << QString() << false << QString() << QString() << qint64(-1)
                                       << QString("choices[0].delta is an array");
    QTest::newRow("usage tokens as strings")
        << QByteArray("{\"choices\":[],\"usage\":{\"total_tokens\":\"9\"}}") << Kind::Malformed << QString() << false
        << QString() << QString() << qint64(-1) << QString("usage.total_tokens is a string");
}

void tst_ChatCompletionChunk::parse()
{
    QFETCH(QByteArray, payload);
    QFETCH(Kind, kind);
    QFETCH(QString, content);
    QFETCH(bool, hasContent);
    QFETCH(QString, role);
    QFETCH(QString, finishReason);
    QFETCH(qint64, totalTokens);
    QFETCH(QString, error);

    const ChatCompletionChunk chunk = ChatCompletionChunk::parse(payload);
    QVERIFY2(chunk.kind == kind, qPrintable(chunk.errorMessage));
    QCOMPARE(chunk.isDone(), kind == Kind::Done);
    QCOMPARE(chunk.isError(), kind == Kind::ServerError || kind == Kind::Malformed);
    QCOMPARE(chunk.content(), content);
    QCOMPARE(chunk.hasContent(), hasContent);
    QCOMPARE(chunk.choices.isEmpty() ? QString() : chunk.choices.first().role, role);
    QCOMPARE(chunk.finishReason(), finishReason);
    QCOMPARE(chunk.usage ? chunk.usage->totalTokens : qint64(-1), totalTokens);
    if (error.isEmpty())
        QVERIFY2(chunk.errorMessage.isEmpty(), qPrintable(chunk.errorMessage));
    else
        QVERIFY2(chunk.errorMessage.contains(error), qPrintable(chunk.errorMessage));
}

void tst_ChatCompletionChunk::choicesCarryTheirOwnIndexAndFields()
{
    const ChatCompletionChunk chunk = ChatCompletionChunk::parse(QByteArray(
        head
        + "\"choices\":[{\"index\":1,\"delta\":{\"content\":\"B\"}},{\"index\":0,\"delta\":{\"content\":\"A\","
          "\"refusal\":\"no\"},\"finish_reason\":\"content_filter\"}]}"));
    QCOMPARE(chunk.kind, Kind::Chunk);
    QCOMPARE(chunk.id, QString("chatcmpl-AB1"));
    QCOMPARE(chunk.model, QString("gpt-4o-2024-08-06"));
    QCOMPARE(chunk.created, 1727346171);
    QCOMPARE(chunk.choices.size(), 2);
    QCOMPARE(chunk.choices[0].index, 1);
    QCOMPARE(chunk.choices[0].content, QString("B"));
    QCOMPARE(chunk.content(), QString("A")); // choice index 0, wherever it sits in the array
    QCOMPARE(chunk.choices[1].refusal, QString("no"));
    QCOMPARE(chunk.finishReason(), QString("content_filter"));
    QVERIFY(!chunk.usage.has_value());
}

void tst_ChatCompletionChunk::hostilePayloadsNeverCrash_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::newRow("deep nesting") << (QByteArray(100000, '[') + QByteArray(100000, ']'));
    QTest::newRow("NUL bytes") << QByteArray("{\"choices\":\0[]}", 15);
    QTest::newRow("invalid UTF-8 in a string") << QByteArray("{\"choices\":[{\"delta\":{\"content\":\"\xFF\xFE\"}}]}");
    QTest::newRow("huge index") << QByteArray("{\"choices\":[{\"index\":1e300,\"delta\":{}}]}");
    QTest::newRow("truncated escape") << QByteArray("{\"choices\":[{\"delta\":{\"content\":\"\\u12");
}

void tst_ChatCompletionChunk::hostilePayloadsNeverCrash()
{
    QFETCH(QByteArray, payload);
    const ChatCompletionChunk chunk = ChatCompletionChunk::parse(payload);
    // Either a clean parse or a clean error; an error always says something.
    QVERIFY(chunk.kind == Kind::Chunk || chunk.kind == Kind::Malformed);
    if (chunk.kind == Kind::Malformed)
        QVERIFY(!chunk.errorMessage.isEmpty());
}

QTEST_GUILESS_MAIN(tst_ChatCompletionChunk)
#include "tst_chatcompletionchunk.moc"
