#include "model/protocol/deepgrammessage.h"

#include <QTest>

using Taskscope::Protocol::DeepgramMessage;

// Server messages are in the shapes of recorded Deepgram listen/speak v1 responses.
class tst_DeepgramMessage final : public QObject
{
    Q_OBJECT

private slots:
    void finalResultsWithWords();
    void interimResultsWithEmptyTranscriptAndNoWords();
    void resultsFromFinalize();
    void listenMetadata();
    void speakMetadata();
    void speechStartedAndUtteranceEnd();
    void speakReplies_data();
    void speakReplies();
    void unknownTypeIsReportedNotRejected();
    void clientMessagesSerializeExactly();
    void speakTextIsEscaped();
    void clientMessagesParse_data();
    void clientMessagesParse();
    void invalidMessagesGiveClearErrors_data();
    void invalidMessagesGiveClearErrors();
    void everyMessageRoundTrips_data();
    void everyMessageRoundTrips();
};

using Type = DeepgramMessage::Type;
Q_DECLARE_METATYPE(DeepgramMessage::Type)

namespace {

const QByteArray finalResults = R"({"type":"Results","channel_index":[0,1],"duration":1.6599998,"start":17.0,
 "is_final":true,"speech_final":true,"from_finalize":false,
 "channel":{"alternatives":[{"transcript":"For the United States of America.","confidence":0.9990865,
   "words":[{"word":"for","start":17.56,"end":17.72,"confidence":0.9873626,"punctuated_word":"For"},
            {"word":"the","start":17.72,"end":17.88,"confidence":0.99,"punctuated_word":"the"},
            {"word":"america","start":18.3,"end":18.66,"confidence":0.97,"punctuated_word":"America.","speaker":1}]}]},
 "metadata":{"request_id":"e1985d01-0000","model_info":{"name":"2-general-nova","version":"2024-01-18.26916",
   "arch":"nova-3"},"model_uuid":"c0d1a568-0000"}})";

} // namespace

void tst_DeepgramMessage::finalResultsWithWords()
{
    const DeepgramMessage message = DeepgramMessage::parse(finalResults);
    QVERIFY2(message.type == Type::Results, qPrintable(message.error));
    QVERIFY(message.error.isEmpty());
    const DeepgramMessage::Results &r = message.results;
    QCOMPARE(r.channelIndex, (QList<int> {0, 1}));
    QCOMPARE(r.start, 17.0);
    QCOMPARE(r.duration, 1.6599998);
    QVERIFY(r.isFinal);
    QVERIFY(r.speechFinal);
    QVERIFY(!r.fromFinalize);
    QCOMPARE(r.transcript, QString("For the United States of America."));
    QCOMPARE(r.confidence, 0.9990865);
    QCOMPARE(r.requestId, QString("e1985d01-0000"));
    QCOMPARE(r.words.size(), 3);
    QCOMPARE(r.words[0].word, QString("for"));
    QCOMPARE(r.words[0].start, 17.56);
    QCOMPARE(r.words[0].end, 17.72);
    QCOMPARE(r.words[0].confidence, 0.9873626);
    QCOMPARE(r.words[0].punctuatedWord, QString("For"));
    QCOMPARE(r.words[0].speaker, -1);
    QCOMPARE(r.words[2].punctuatedWord, QString("America."));
    QCOMPARE(r.words[2].speaker, 1);
}

void tst_DeepgramMessage::interimResultsWithEmptyTranscriptAndNoWords()
{
    const DeepgramMessage message = DeepgramMessage::parse(
        R"({"type":"Results","channel_index":[0,1],"duration":0.5,"start":1.5,"is_final":false,
            "channel":{"alternatives":[{"transcript":"","confidence":0.0,"words":[]}]}})");
    QCOMPARE(message.type, Type::Results);
    QVERIFY(!message.results.isFinal);
    QVERIFY(!message.results.speechFinal); // absent flags default to false
    QCOMPARE(message.results.transcript, QString());
    QVERIFY(message.results.words.isEmpty());

    const DeepgramMessage noAlternatives = DeepgramMessage::parse(
        R"({"type":"Results","channel":{"alternatives":[]}})");
    QCOMPARE(noAlternatives.type, Type::Results);
    QCOMPARE(noAlternatives.results.transcript, QString());
}

void tst_DeepgramMessage::resultsFromFinalize()
{
    const DeepgramMessage message = DeepgramMessage::parse(
        R"({"type":"Results","start":2.0,"duration":0.75,"is_final":true,"speech_final":false,"from_finalize":true,
            "channel":{"alternatives":[{"transcript":"hello world","confidence":0.9,
            "words":[{"word":"hello","start":2.0,"end":2.28,"confidence":0.9},
                     {"word":"world","start":2.29,"end":2.75,"confidence":0.9}]}]}})");
    QCOMPARE(message.type, Type::Results);
    QVERIFY(message.results.fromFinalize);
    QVERIFY(message.results.isFinal);
    QCOMPARE(message.results.words.size(), 2);
    QCOMPARE(message.results.words[1].word, QString("world"));
    QCOMPARE(message.results.words[1].punctuatedWord, QString());
}

void tst_DeepgramMessage::listenMetadata()
{
    const DeepgramMessage message = DeepgramMessage::parse(
        R"({"type":"Metadata","transaction_key":"deprecated","request_id":"abc","sha256":"5d2f",
            "created":"2024-08-29T22:37:55.202Z","duration":12.5,"channels":1,"models":["x"],"model_info":{}})");
    QCOMPARE(message.type, Type::Metadata);
    QCOMPARE(message.metadata.requestId, QString("abc"));
    QCOMPARE(message.metadata.sha256, QString("5d2f"));
    QCOMPARE(message.metadata.created, QString("2024-08-29T22:37:55.202Z"));
    QCOMPARE(message.metadata.duration, 12.5);
    QCOMPARE(message.metadata.channels, 1);
}

void tst_DeepgramMessage::speakMetadata()
{
    const DeepgramMessage message = DeepgramMessage::parse(
        R"({"type":"Metadata","request_id":"r1","model_name":"aura-2-thalia-en","model_version":"2025-01-01",
            "model_uuid":"u1","additional_model_uuids":[]})");
    QCOMPARE(message.type, Type::Metadata);
    QCOMPARE(message.metadata.modelName, QString("aura-2-thalia-en"));
    QCOMPARE(message.metadata.modelVersion, QString("2025-01-01"));
    QCOMPARE(message.metadata.modelUuid, QString("u1"));
}

void tst_DeepgramMessage::speechStartedAndUtteranceEnd()
{
    const DeepgramMessage started = DeepgramMessage::parse(
        R"({"type":"SpeechStarted","channel":[0,1],"timestamp":0.25})");
    QCOMPARE(started.type, Type::SpeechStarted);
    QCOMPARE(started.channel, (QList<int> {0, 1}));
    QCOMPARE(started.timestamp, 0.25);

    const DeepgramMessage end = DeepgramMessage::parse(
        R"({"type":"UtteranceEnd","channel":[0,1],"last_word_end":2.395})");
    QCOMPARE(end.type, Type::UtteranceEnd);
    QCOMPARE(end.channel, (QList<int> {0, 1}));
    QCOMPARE(end.lastWordEnd, 2.395);
}

void tst_DeepgramMessage::speakReplies_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<Type>("type");
    QTest::addColumn<qint64>("sequenceId");
    QTest::addColumn<QString>("description");
    QTest::addColumn<QString>("code");

    QTest::newRow("flushed") << QByteArray(R"({"type":"Flushed","sequence_id":3})") << Type::Flushed << qint64(3)
                             << QString() << QString();
    QTest::newRow("cleared") << QByteArray(R"({"type":"Cleared","sequence_id":0})") << Type::Cleared << qint64(0)
                             << QString() << QString();
    QTest::newRow("warning") << QByteArray(
        R"({"type":"Warning","description":"Exceeded flush limit","code":"FLUSH_LIMIT"})")
                             << Type::Warning << qint64(-1) << QString("Exceeded flush limit")
                             << QString("FLUSH_LIMIT");
    QTest::newRow("error with description and code")
        << QByteArray(R"({"type":"Error","description":"Bad text","code":"INVALID_INPUT"})") << Type::Error
        << qint64(-1) << QString("Bad text") << QString("INVALID_INPUT");
    QTest::newRow("error with err_msg and err_code")
        << QByteArray(R"({"type":"Error","err_msg":"Too many requests","err_code":"429"})") << Type::Error << qint64(-1)
        << QString("Too many requests") << QString("429");
}

void tst_DeepgramMessage::speakReplies()
{
    QFETCH(QByteArray, json);
    QFETCH(Type, type);
    QFETCH(qint64, sequenceId);
    QFETCH(QString, description);
    QFETCH(QString, code);
    const DeepgramMessage message = DeepgramMessage::parse(json);
    QVERIFY2(message.type == type, qPrintable(message.error));
    QCOMPARE(message.sequenceId, sequenceId);
    QCOMPARE(message.description, description);
    QCOMPARE(message.code, code);
}

void tst_DeepgramMessage::unknownTypeIsReportedNotRejected()
{
    const DeepgramMessage message = DeepgramMessage::parse(R"({"type":"SomethingNew","x":1})");
    QCOMPARE(message.type, Type::Unknown);
    QCOMPARE(message.receivedType, QString("SomethingNew"));
    QVERIFY(message.error.isEmpty());
    QVERIFY(message.toJson().isEmpty());
}

void tst_DeepgramMessage::clientMessagesSerializeExactly()
{
    QCOMPARE(DeepgramMessage::keepAliveMessage(), QString(R"({"type":"KeepAlive"})"));
    QCOMPARE(DeepgramMessage::finalizeMessage(), QString(R"({"type":"Finalize"})"));
    QCOMPARE(DeepgramMessage::closeStreamMessage(), QString(R"({"type":"CloseStream"})"));
    QCOMPARE(DeepgramMessage::flushMessage(), QString(R"({"type":"Flush"})"));
    QCOMPARE(DeepgramMessage::clearMessage(), QString(R"({"type":"Clear"})"));
    QCOMPARE(DeepgramMessage::closeMessage(), QString(R"({"type":"Close"})"));
    QCOMPARE(DeepgramMessage::speakMessage(QStringLiteral("Hello.")), QString(R"({"text":"Hello.","type":"Speak"})"));
}

void tst_DeepgramMessage::speakTextIsEscaped()
{
    const QString text = QStringLiteral("She said \"hi\"\\\n\ttab \u00e9\u2028 end");
    const DeepgramMessage parsed = DeepgramMessage::parse(DeepgramMessage::speakMessage(text).toUtf8());
    QCOMPARE(parsed.type, Type::Speak);
    QCOMPARE(parsed.text, text);
}

void tst_DeepgramMessage::clientMessagesParse_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<Type>("type");
    QTest::newRow("KeepAlive") << DeepgramMessage::keepAliveMessage() << Type::KeepAlive;
    QTest::newRow("Finalize") << DeepgramMessage::finalizeMessage() << Type::Finalize;
    QTest::newRow("Finalize with channel") << QString(R"({"type":"Finalize","channel":0})") << Type::Finalize;
    QTest::newRow("CloseStream") << DeepgramMessage::closeStreamMessage() << Type::CloseStream;
    QTest::newRow("Speak") << DeepgramMessage::speakMessage(QStringLiteral("x")) << Type::Speak;
    QTest::newRow("Flush") << DeepgramMessage::flushMessage() << Type::Flush;
    QTest::newRow("Clear") << DeepgramMessage::clearMessage() << Type::Clear;
    QTest::newRow("Close") << DeepgramMessage::closeMessage() << Type::Close;
}

void tst_DeepgramMessage::clientMessagesParse()
{
    QFETCH(QString, json);
    QFETCH(Type, type);
    const DeepgramMessage message = DeepgramMessage::parse(json.toUtf8());
    QVERIFY2(message.type == type, qPrintable(message.error));
    QCOMPARE(message.receivedType, QString(DeepgramMessage::typeName(type)));
    if (json.contains(QLatin1String("channel")))
        QCOMPARE(message.finalizeChannel, 0);
}

void tst_DeepgramMessage::invalidMessagesGiveClearErrors_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");

    QTest::newRow("truncated JSON") << QByteArray(R"({"type":"Results","channel":)") << QString("malformed JSON");
    QTest::newRow("empty text frame") << QByteArray() << QString("malformed JSON");
    QTest::newRow("not JSON at all") << QByteArray("NET-0001") << QString("malformed JSON");
    QTest::newRow("array") << QByteArray("[]") << QString("is an array, expected a JSON object");
    QTest::newRow("no type") << QByteArray(R"({"channel":{}})") << QString("no \"type\" string (type is missing)");
    QTest::newRow("numeric type") << QByteArray(R"({"type":3})") << QString("(type is a number)");
    QTest::newRow("is_final is a string")
        << QByteArray(R"({"type":"Results","is_final":"yes","channel":{"alternatives":[]}})")
        << QString("Results: is_final is a string, expected a boolean");
    QTest::newRow("Results without channel")
        << QByteArray(R"({"type":"Results"})") << QString("Results: channel is missing, expected an object");
    QTest::newRow("alternatives is an object")
        << QByteArray(R"({"type":"Results","channel":{"alternatives":{}}})")
        << QString("Results: channel.alternatives is an object, expected an array");
    QTest::newRow("alternative is a string")
        << QByteArray(R"({"type":"Results","channel":{"alternatives":["hi"]}})")
        << QString("Results: channel.alternatives[0] is a string, expected an object");
    QTest::newRow("transcript is a number")
        << QByteArray(R"({"type":"Results","channel":{"alternatives":[{"transcript":5}]}})")
        << QString("Results: channel.alternatives[0].transcript is a number, expected a string");
    QTest::newRow("word start is a string")
        << QByteArray(R"({"type":"Results","channel":{"alternatives":[{"transcript":"a","words":[
              {"word":"a","start":0,"end":1},{"word":"b","start":"1.0","end":2}]}]}})")
        << QString("Results: channel.alternatives[0].words[1].start is a string, expected a number");
    QTest::newRow("word without word")
        << QByteArray(R"({"type":"Results","channel":{"alternatives":[{"words":[{"start":0,"end":1}]}]}})")
        << QString("Results: channel.alternatives[0].words[0].word is missing, expected a string");
    QTest::newRow("channel_index holds a string")
        << QByteArray(R"({"type":"Results","channel_index":[0,"1"],"channel":{"alternatives":[]}})")
        << QString("Results: channel_index[1] is a string, expected an integer");
    QTest::newRow("Flushed without sequence_id")
        << QByteArray(R"({"type":"Flushed"})") << QString("Flushed: sequence_id is missing, expected an integer");
    QTest::newRow("fractional sequence_id") << QByteArray(R"({"type":"Cleared","sequence_id":1.5})")
                                            << QString("Cleared: sequence_id is 1.5, expected an integer");
    QTest::newRow("Speak without text") << QByteArray(R"({"type":"Speak"})")
                                        << QString("Speak: text is missing, expected a string");
    QTest::newRow("Metadata channels is a string") << QByteArray(R"({"type":"Metadata","channels":"1"})")
                                                   << QString("Metadata: channels is a string, expected an integer");
    QTest::newRow("UtteranceEnd last_word_end is a boolean")
        << QByteArray(R"({"type":"UtteranceEnd","last_word_end":true})")
        << QString("UtteranceEnd: last_word_end is a boolean, expected a number");
}

void tst_DeepgramMessage::invalidMessagesGiveClearErrors()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    const DeepgramMessage message = DeepgramMessage::parse(json);
    QCOMPARE(message.type, Type::Invalid);
    QVERIFY2(message.error.contains(error), qPrintable(message.error));
    QVERIFY(message.toJson().isEmpty());
}

void tst_DeepgramMessage::everyMessageRoundTrips_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("final results") << finalResults;
    QTest::newRow("listen metadata") << QByteArray(
        R"({"type":"Metadata","request_id":"abc","sha256":"5d","created":"t","duration":1.5,"channels":1})");
    QTest::newRow("speak metadata") << QByteArray(
        R"({"type":"Metadata","request_id":"r","model_name":"m","model_version":"v","model_uuid":"u"})");
    QTest::newRow("speech started") << QByteArray(R"({"type":"SpeechStarted","channel":[0,1],"timestamp":0.5})");
    QTest::newRow("utterance end") << QByteArray(R"({"type":"UtteranceEnd","channel":[0,1],"last_word_end":2.5})");
    QTest::newRow("flushed") << QByteArray(R"({"type":"Flushed","sequence_id":7})");
    QTest::newRow("warning") << QByteArray(R"({"type":"Warning","description":"d","code":"c"})");
    QTest::newRow("finalize with channel") << QByteArray(R"({"type":"Finalize","channel":1})");
    QTest::newRow("speak") << QByteArray(R"({"type":"Speak","text":"Hello there."})");
}

void tst_DeepgramMessage::everyMessageRoundTrips()
{
    QFETCH(QByteArray, json);
    const DeepgramMessage first = DeepgramMessage::parse(json);
    QVERIFY2(first.error.isEmpty(), qPrintable(first.error));
    const QByteArray written = first.toJson();
    const DeepgramMessage second = DeepgramMessage::parse(written);
    QVERIFY2(second.error.isEmpty(), qPrintable(second.error));
    QCOMPARE(second.type, first.type);
    QCOMPARE(second.toJson(), written); // a fixed point after one pass
    QCOMPARE(second.results.transcript, first.results.transcript);
    QCOMPARE(second.results.words.size(), first.results.words.size());
    for (qsizetype i = 0; i < first.results.words.size(); ++i) {
        QCOMPARE(second.results.words[i].word, first.results.words[i].word);
        QCOMPARE(second.results.words[i].start, first.results.words[i].start);
        QCOMPARE(second.results.words[i].punctuatedWord, first.results.words[i].punctuatedWord);
        QCOMPARE(second.results.words[i].speaker, first.results.words[i].speaker);
    }
    QCOMPARE(second.results.isFinal, first.results.isFinal);
    QCOMPARE(second.results.requestId, first.results.requestId);
    QCOMPARE(second.metadata.requestId, first.metadata.requestId);
    QCOMPARE(second.metadata.modelName, first.metadata.modelName);
    QCOMPARE(second.metadata.duration, first.metadata.duration);
    QCOMPARE(second.channel, first.channel);
    QCOMPARE(second.sequenceId, first.sequenceId);
    QCOMPARE(second.text, first.text);
    QCOMPARE(second.finalizeChannel, first.finalizeChannel);
}

QTEST_GUILESS_MAIN(tst_DeepgramMessage)
#include "tst_deepgrammessage.moc"
