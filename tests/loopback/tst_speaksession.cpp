// Deepgram speak v1 against the loopback service: Speak + Flush stream espeak-ng audio whose length
// fits the text, Flushed carries the sequence id, Clear and Close behave, sample_rate and encoding are
// honoured, and the REST variant streams a WAV.
#include "workers/loopback/endpoints/speaksession.h"

#include "loopbacktestsupport.h"

using Taskscope::Loopback::LoopbackService;
using Taskscope::Loopback::SpeakSession;

using namespace LoopbackTest;

namespace {

// Speech at espeak's 160 words per minute with pauses: between 0.2 and 0.8 s per word.
bool plausibleSeconds(double seconds, int words)
{
    return seconds > 0.2 * words && seconds < 0.8 * words + 1.0;
}

} // namespace

class tst_SpeakSession : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        m_service = startService();
        QVERIFY(m_service->isRunning());
    }

    void flushStreamsAudioOfPlausibleLength_data()
    {
        QTest::addColumn<int>("sampleRate");
        QTest::addColumn<QString>("text");
        QTest::addRow("24 kHz, short") << 24000 << QStringLiteral("Hello there.");
        QTest::addRow("16 kHz, a sentence")
            << 16000 << QStringLiteral("The quick brown fox jumps over the lazy dog near the river.");
        QTest::addRow("48 kHz, two sentences")
            << 48000 << QStringLiteral("Turn off the lights. Then play some music in the kitchen.");
    }

    void flushStreamsAudioOfPlausibleLength()
    {
        QFETCH(int, sampleRate);
        QFETCH(QString, text);
        RecordingClient client;
        QVERIFY(client.open(m_service->webSocketUrl(
            QStringLiteral("/v1/speak?model=aura-2-thalia-en&encoding=linear16&sample_rate=%1").arg(sampleRate))));
        client.socket.sendTextMessage(QJsonDocument(QJsonObject {{QStringLiteral("type"), QStringLiteral("Speak")},
                                                                 {QStringLiteral("text"), text}})
                                          .toJson(QJsonDocument::Compact));
        client.sendJson("Flush");
        QVERIFY(client.waitForType(QStringLiteral("Flushed")));
        QCOMPARE(client.ofType(QStringLiteral("Flushed")).first().value(QStringLiteral("sequence_id")).toInt(), 0);
        QCOMPARE(client.messages.first().value(QStringLiteral("type")).toString(), QStringLiteral("Metadata"));
        QVERIFY(client.binaryMessages > 1); // streamed in chunks, not one blob
        const double seconds = client.audio.size() / 2.0 / sampleRate;
        const int words = int(text.split(QLatin1Char(' ')).size());
        QVERIFY2(plausibleSeconds(seconds, words), qPrintable(QString::number(seconds)));
        client.sendJson("Close");
        QVERIFY(client.waitClosed());
        QCOMPARE(client.closeCode, 1000);
    }

    void sampleRateScalesTheByteCount()
    {
        // The same text at 8 and 16 kHz: twice the samples at twice the rate (within resampling rounding).
        qsizetype bytes[2] = {0, 0};
        const int rates[2] = {8000, 16000};
        for (int i = 0; i < 2; ++i) {
            RecordingClient client;
            QVERIFY(client.open(
                m_service->webSocketUrl(QStringLiteral("/v1/speak?encoding=linear16&sample_rate=%1").arg(rates[i]))));
            client.socket.sendTextMessage(
                QStringLiteral("{\"type\":\"Speak\",\"text\":\"Set a timer for ten minutes.\"}"));
            client.sendJson("Flush");
            QVERIFY(client.waitForType(QStringLiteral("Flushed")));
            bytes[i] = client.audio.size();
        }
        QVERIFY(std::abs(bytes[1] - 2 * bytes[0]) < 400);
    }

    void mulawIsOneBytePerSample()
    {
        RecordingClient client;
        QVERIFY(client.open(m_service->webSocketUrl(QStringLiteral("/v1/speak?encoding=mulaw"))));
        client.socket.sendTextMessage(QStringLiteral("{\"type\":\"Speak\",\"text\":\"Hello there.\"}"));
        client.sendJson("Flush");
        QVERIFY(client.waitForType(QStringLiteral("Flushed")));
        QVERIFY(plausibleSeconds(client.audio.size() / 8000.0, 2));
    }

    void sequenceIdsCountFlushes()
    {
        RecordingClient client;
        QVERIFY(client.open(m_service->webSocketUrl(QStringLiteral("/v1/speak"))));
        for (int i = 0; i < 3; ++i) {
            client.socket.sendTextMessage(QStringLiteral("{\"type\":\"Speak\",\"text\":\"Number %1.\"}").arg(i));
            client.sendJson("Flush");
        }
        QVERIFY(client.waitForType(QStringLiteral("Flushed"), 3));
        const auto flushed = client.ofType(QStringLiteral("Flushed"));
        for (int i = 0; i < 3; ++i)
            QCOMPARE(flushed.at(i).value(QStringLiteral("sequence_id")).toInt(), i);
    }

    void clearDropsBufferedTextAndAnswersCleared()
    {
        RecordingClient client;
        QVERIFY(client.open(m_service->webSocketUrl(QStringLiteral("/v1/speak"))));
        client.socket.sendTextMessage(QStringLiteral("{\"type\":\"Speak\",\"text\":\"This text is never spoken.\"}"));
        client.sendJson("Clear");
        QVERIFY(client.waitForType(QStringLiteral("Cleared")));
        client.sendJson("Flush");
        QVERIFY(client.waitForType(QStringLiteral("Flushed")));
        QCOMPARE(client.audio.size(), 0);
    }

    void closeFinishesPendingTextFirst()
    {
        RecordingClient client;
        QVERIFY(client.open(m_service->webSocketUrl(QStringLiteral("/v1/speak?sample_rate=16000"))));
        client.socket.sendTextMessage(QStringLiteral("{\"type\":\"Speak\",\"text\":\"Goodbye for now.\"}"));
        client.sendJson("Close");
        QVERIFY(client.waitClosed());
        QCOMPARE(client.closeCode, 1000);
        QVERIFY(plausibleSeconds(client.audio.size() / 32000.0, 3));
    }

    void longBuffersAreSpokenInPiecesWithOneFlushed()
    {
        RecordingClient client;
        QVERIFY(client.open(m_service->webSocketUrl(QStringLiteral("/v1/speak?sample_rate=8000"))));
        // 9 Speak messages of ~500 characters: 4,500 characters, more than one synthesis job holds.
        const QString sentence = QStringLiteral("The quick brown fox jumps over the lazy dog. ").repeated(11);
        for (int i = 0; i < 9; ++i)
            client.socket.sendTextMessage(QJsonDocument(QJsonObject {{QStringLiteral("type"), QStringLiteral("Speak")},
                                                                     {QStringLiteral("text"), sentence}})
                                              .toJson(QJsonDocument::Compact));
        client.sendJson("Flush");
        QVERIFY(client.waitForType(QStringLiteral("Flushed"), 1, 30000));
        QTest::qWait(100);
        QCOMPARE(client.ofType(QStringLiteral("Flushed")).size(), 1);
        QCOMPARE(client.ofType(QStringLiteral("Flushed")).first().value(QStringLiteral("sequence_id")).toInt(), 0);
        const int words = 9 * 11 * 9;
        QVERIFY2(plausibleSeconds(client.audio.size() / 16000.0, words),
                 qPrintable(QString::number(client.audio.size() / 16000.0)));
    }

    void aFloodingStreamDoesNotHoldUpTheOthers()
    {
        // One stream queues its maximum of jobs; a second stream's job runs after the job in progress,
        // not after the whole queue (streams take turns on the one synthesizer).
        const QString sentence =
            QStringLiteral("This is a sentence that the first client keeps sending. ").repeated(10);
        RecordingClient flooder;
        RecordingClient other;
        QVERIFY(flooder.open(m_service->webSocketUrl(QStringLiteral("/v1/speak?encoding=linear16&sample_rate=8000"))));
        QVERIFY(other.open(m_service->webSocketUrl(QStringLiteral("/v1/speak?encoding=linear16&sample_rate=8000"))));
        const QByteArray speak = QJsonDocument(QJsonObject {{QStringLiteral("type"), QStringLiteral("Speak")},
                                                            {QStringLiteral("text"), sentence}})
                                     .toJson(QJsonDocument::Compact);
        for (int i = 0; i < SpeakSession::maxQueuedJobs + 4; ++i) {
            flooder.socket.sendTextMessage(QString::fromUtf8(speak));
            flooder.sendJson("Flush");
        }
        QVERIFY(flooder.waitFor([&] { return flooder.binaryMessages > 0; }));
        other.socket.sendTextMessage(QStringLiteral("{\"type\":\"Speak\",\"text\":\"Hello there.\"}"));
        other.sendJson("Flush");
        QVERIFY(other.waitForType(QStringLiteral("Flushed"), 1, 60000));
        const qsizetype flooderDoneFirst = flooder.ofType(QStringLiteral("Flushed")).size();
        QVERIFY2(flooderDoneFirst <= 2, qPrintable(QString::number(flooderDoneFirst)));
        // Past its queue, the flooder is told its text was dropped.
        QVERIFY(flooder.waitForType(QStringLiteral("Warning")));
        QCOMPARE(flooder.ofType(QStringLiteral("Warning")).first().value(QStringLiteral("code")).toString(),
                 QStringLiteral("QUEUE_FULL"));
        flooder.sendJson("Clear");
        QVERIFY(flooder.waitForType(QStringLiteral("Cleared")));
    }

    void badMessagesGetWarnings()
    {
        RecordingClient client;
        QVERIFY(client.open(m_service->webSocketUrl(QStringLiteral("/v1/speak"))));
        client.socket.sendTextMessage(QStringLiteral("not json"));
        client.socket.sendTextMessage(QStringLiteral("{\"type\":\"Sing\"}"));
        client.socket.sendBinaryMessage(QByteArray(10, 'x'));
        QVERIFY(client.waitForType(QStringLiteral("Warning"), 3));
        QVERIFY(!client.disconnected);
    }

    void restSpeakStreamsAWav()
    {
        QNetworkAccessManager nam;
        const HttpResult r = httpRequest(nam, "POST", m_service->httpUrl(QStringLiteral("/v1/speak?sample_rate=16000")),
                                         "{\"text\":\"Play some relaxing music.\"}");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("Content-Type"), QByteArray("audio/wav"));
        QVERIFY(r.body.startsWith("RIFF"));
        QVERIFY(plausibleSeconds((r.body.size() - 44) / 32000.0, 4));
        const HttpResult bad = httpRequest(nam, "POST", m_service->httpUrl(QStringLiteral("/v1/speak")), "nothing");
        QCOMPARE(bad.status, 400);
    }

private:
    std::unique_ptr<LoopbackService> m_service;
};

QTEST_GUILESS_MAIN(tst_SpeakSession)
#include "tst_speaksession.moc"
