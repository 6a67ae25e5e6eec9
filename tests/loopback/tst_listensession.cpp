// Deepgram listen v1 against the loopback service over 127.0.0.1 with a Qt WebSocket client: exact
// finals for the bundled samples, interim results before them, word times in order, KeepAlive and the
// NET-0001 idle close, Finalize and CloseStream, auth, load-sink mode, and the byte counts.
#include "workers/loopback/endpoints/listensession.h"
#include "workers/loopback/speech/utterancerecognizer.h"

#include <QCryptographicHash>
#include <QDir>

#include "loopbacktestsupport.h"

using Taskscope::Loopback::ListenSession;
using Taskscope::Loopback::LoopbackConfig;
using Taskscope::Loopback::LoopbackService;
using Taskscope::Loopback::UtteranceRecognizer;

using namespace LoopbackTest;

namespace {

QString listenPath(const QString &extra = QString())
{
    // endpointing=300 unless the test sets its own.
    const QString endpointing = extra.contains(QStringLiteral("endpointing=")) ? QString()
                                                                               : QStringLiteral("&endpointing=300");
    return QStringLiteral("/v1/listen?model=nova-3&encoding=linear16&sample_rate=16000&channels=1&interim_results=true")
        + endpointing + extra;
}

} // namespace

class tst_ListenSession : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        LoopbackConfig config;
        config.idleTimeoutMs = 1000;
        m_service = startService(config);
        QVERIFY(m_service->isRunning());
    }

    void sampleYieldsExactFinal_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("chunkMs");
        const QStringList names =
            QDir(QStringLiteral(":/speech")).entryList({QStringLiteral("*.wav")}, QDir::Files, QDir::Name);
        QVERIFY(names.size() >= 5);
        for (const QString &file : names) {
            for (int chunkMs : {20, 250})
                QTest::addRow("%s in %d ms chunks", qPrintable(file.chopped(4)), chunkMs) << file.chopped(4) << chunkMs;
        }
    }

    void sampleYieldsExactFinal()
    {
        QFETCH(QString, name);
        QFETCH(int, chunkMs);
        RecordingClient client;
        QVERIFY(client.open(m_service->webSocketUrl(listenPath())));
        // Faster than real time, as the SDKs' own tests stream.
        client.sendAudio(samplePcm(name), chunkMs * 32);
        client.sendJson("CloseStream");
        QVERIFY(client.waitForType(QStringLiteral("Metadata")));
        QVERIFY(client.waitClosed());
        QCOMPARE(client.closeCode, 1000);
        QCOMPARE(client.finalTranscripts(), sampleText(name));

        // Interim results come before the first final; word times are ordered and inside their result.
        int interimsBeforeFinal = 0;
        bool sawFinal = false;
        double lastWordEnd = -1;
        for (const QJsonObject &m : client.ofType(QStringLiteral("Results"))) {
            const bool isFinal = m.value(QStringLiteral("is_final")).toBool();
            if (!isFinal && !sawFinal && !RecordingClient::transcriptOf(m).isEmpty())
                ++interimsBeforeFinal;
            if (!isFinal || RecordingClient::transcriptOf(m).isEmpty())
                continue;
            sawFinal = true;
            QVERIFY(m.value(QStringLiteral("speech_final")).toBool());
            const double start = m.value(QStringLiteral("start")).toDouble();
            const double end = start + m.value(QStringLiteral("duration")).toDouble();
            const QJsonArray words = RecordingClient::wordsOf(m);
            QCOMPARE(words.size(), RecordingClient::transcriptOf(m).split(QLatin1Char(' ')).size());
            for (const QJsonValue &v : words) {
                const QJsonObject w = v.toObject();
                const double ws = w.value(QStringLiteral("start")).toDouble();
                const double we = w.value(QStringLiteral("end")).toDouble();
                QVERIFY(ws >= lastWordEnd - 1e-6);
                QVERIFY(we > ws);
                QVERIFY(ws >= start - 1e-6 && we <= end + 1e-6);
                lastWordEnd = we;
            }
            QCOMPARE(m.value(QStringLiteral("metadata"))
                         .toObject()
                         .value(QStringLiteral("model_info"))
                         .toObject()
                         .value(QStringLiteral("name"))
                         .toString(),
                     UtteranceRecognizer::grammarModelName);
        }
        QVERIFY(interimsBeforeFinal > 0);
    }

    void metadataCountsEveryByteAndHashesTheAudio()
    {
        RecordingClient client;
        QVERIFY(client.open(m_service->webSocketUrl(listenPath(QStringLiteral("&tag=byte-count")))));
        const QByteArray pcm = samplePcm(QStringLiteral("set-timer"));
        client.sendAudio(pcm, 3200 + 7); // odd chunk size: frames split across messages
        client.sendJson("CloseStream");
        QVERIFY(client.waitForType(QStringLiteral("Metadata")));
        const QJsonObject metadata = client.ofType(QStringLiteral("Metadata")).first();
        const QJsonObject counts = metadata.value(QStringLiteral("taskscope")).toObject();
        QCOMPARE(qint64(counts.value(QStringLiteral("bytes_received")).toDouble()), qint64(pcm.size()));
        QCOMPARE(metadata.value(QStringLiteral("sha256")).toString(),
                 QString::fromLatin1(QCryptographicHash::hash(pcm, QCryptographicHash::Sha256).toHex()));
        QCOMPARE(metadata.value(QStringLiteral("duration")).toDouble(), std::round(pcm.size() / 32.0) / 1000.0);
        QCOMPARE(client.finalTranscripts(), sampleText(QStringLiteral("set-timer")));
        QVERIFY(client.waitClosed());

        // The same count is served by GET /v1/stats?tag= and by the in-process API (once the server has
        // finished its side of the close handshake).
        QVERIFY(QTest::qWaitFor(
            [this] { return !m_service->stats().streams(QStringLiteral("byte-count")).first()->open.load(); }, 5000));
        QNetworkAccessManager nam;
        const HttpResult stats = httpRequest(nam, "GET",
                                             m_service->httpUrl(QStringLiteral("/v1/stats?tag=byte-count")));
        QCOMPARE(stats.status, 200);
        const QJsonArray streams = stats.json().value(QStringLiteral("streams")).toArray();
        QCOMPARE(streams.size(), 1);
        QCOMPARE(qint64(streams.first().toObject().value(QStringLiteral("bytes_received")).toDouble()),
                 qint64(pcm.size()));
        QCOMPARE(streams.first().toObject().value(QStringLiteral("close_code")).toInt(), 1000);
        const auto records = m_service->stats().streams(QStringLiteral("byte-count"));
        QCOMPARE(records.size(), 1);
        QCOMPARE(records.first()->payloadBytesReceived.load(), qint64(pcm.size()));
    }

    void keepAliveHoldsASilentStreamOpen()
    {
        RecordingClient client;
        QVERIFY(client.open(m_service->webSocketUrl(listenPath())));
        // Twice the idle timeout with KeepAlive every 300 ms and no audio.
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < 2 * m_service->config().idleTimeoutMs) {
            client.sendJson("KeepAlive");
            QTest::qWait(300);
            QVERIFY(!client.disconnected);
        }
        client.sendJson("CloseStream");
        QVERIFY(client.waitClosed());
        QCOMPARE(client.closeCode, 1000);
    }

    void noAudioClosesWithNet0001()
    {
        RecordingClient client;
        QVERIFY(client.open(m_service->webSocketUrl(listenPath())));
        client.sendAudio(silence(200), 640);
        QVERIFY(client.waitClosed(5000));
        QCOMPARE(client.closeCode, 1011);
        QCOMPARE(client.closeReason, ListenSession::idleTimeoutReason);
        QVERIFY(client.closeReason.contains(QStringLiteral("NET-0001"))
                || client.closeReason.contains(QStringLiteral("net0001")));
    }

    void finalizeFlushesAndKeepsTheStreamOpen()
    {
        RecordingClient client;
        QVERIFY(client.open(m_service->webSocketUrl(listenPath(QStringLiteral("&endpointing=false")))));
        const QByteArray pcm = samplePcm(QStringLiteral("lights-off"));
        client.sendAudio(pcm, 640);
        client.sendJson("Finalize");
        QVERIFY(client.waitFor([&] {
            for (const QJsonObject &m : client.ofType(QStringLiteral("Results"))) {
                if (m.value(QStringLiteral("from_finalize")).toBool())
                    return true;
            }
            return false;
        }));
        QCOMPARE(client.finalTranscripts(), sampleText(QStringLiteral("lights-off")));
        // Still open: a second utterance on the same stream is recognized too.
        QVERIFY(!client.disconnected);
        client.sendAudio(samplePcm(QStringLiteral("set-timer")), 640);
        client.sendJson("Finalize");
        QVERIFY(client.waitFor([&] { return client.finalTranscripts().size() == 2; }));
        QCOMPARE(client.finalTranscripts().last(), sampleText(QStringLiteral("set-timer")).first());
        // Word times continue from the first utterance (stream time, not per utterance).
        QJsonObject second;
        for (const QJsonObject &m : client.ofType(QStringLiteral("Results"))) {
            if (m.value(QStringLiteral("is_final")).toBool() && !RecordingClient::transcriptOf(m).isEmpty())
                second = m;
        }
        QVERIFY(second.value(QStringLiteral("from_finalize")).toBool());
        QVERIFY(!second.value(QStringLiteral("speech_final")).toBool());
        QVERIFY(RecordingClient::wordsOf(second).first().toObject().value(QStringLiteral("start")).toDouble()
                > pcm.size() / 32000.0);
        // Finalize with nothing buffered still answers with an empty from_finalize final.
        const qsizetype before = client.ofType(QStringLiteral("Results")).size();
        client.sendJson("Finalize");
        QVERIFY(client.waitFor([&] { return client.ofType(QStringLiteral("Results")).size() > before; }));
        QVERIFY(client.ofType(QStringLiteral("Results")).last().value(QStringLiteral("from_finalize")).toBool());
        client.sendJson("CloseStream");
        QVERIFY(client.waitClosed());
        QCOMPARE(client.closeCode, 1000);
    }

    void closeStreamSendsRemainingResultsThenMetadataThenCloses()
    {
        RecordingClient client;
        QVERIFY(client.open(m_service->webSocketUrl(listenPath(QStringLiteral("&endpointing=false")))));
        client.sendAudio(samplePcm(QStringLiteral("play-music")), 8000);
        client.sendJson("CloseStream");
        QVERIFY(client.waitClosed());
        QCOMPARE(client.closeCode, 1000);
        QVERIFY(!client.messages.isEmpty());
        QCOMPARE(client.messages.last().value(QStringLiteral("type")).toString(), QStringLiteral("Metadata"));
        QCOMPARE(client.finalTranscripts(), sampleText(QStringLiteral("play-music")));
    }

    void twoUtterancesGiveTwoFinalsAndUtteranceEnd()
    {
        RecordingClient client;
        QVERIFY(
            client.open(m_service->webSocketUrl(listenPath(QStringLiteral("&vad_events=true&utterance_end_ms=1000")))));
        client.sendAudio(samplePcm(QStringLiteral("two-utterances")), 640);
        client.sendJson("CloseStream");
        QVERIFY(client.waitClosed());
        QCOMPARE(client.finalTranscripts(), sampleText(QStringLiteral("two-utterances")));
        QCOMPARE(client.ofType(QStringLiteral("SpeechStarted")).size(), 2);
        // The 1.5 s gap after the first utterance is longer than utterance_end_ms; the stream end closes the second.
        QVERIFY(client.ofType(QStringLiteral("UtteranceEnd")).size() >= 1);
        const double lastWordEnd =
            client.ofType(QStringLiteral("UtteranceEnd")).first().value(QStringLiteral("last_word_end")).toDouble();
        QVERIFY(lastWordEnd > 0.5 && lastWordEnd < 2.0);
    }

    void punctuateCapitalizesAndEndsTheSentence()
    {
        RecordingClient client;
        QVERIFY(client.open(m_service->webSocketUrl(listenPath(QStringLiteral("&punctuate=true")))));
        client.sendAudio(samplePcm(QStringLiteral("set-timer")), 3200);
        client.sendJson("CloseStream");
        QVERIFY(client.waitClosed());
        QCOMPARE(client.finalTranscripts(), QStringList {QStringLiteral("Set a timer for ten minutes.")});
    }

    void containerizedWavNeedsNoEncodingParameter()
    {
        RecordingClient client;
        QVERIFY(client.open(m_service->webSocketUrl(QStringLiteral("/v1/listen?interim_results=false"))));
        const QByteArray wav = sampleWav(QStringLiteral("shopping-note"));
        client.sendAudio(wav, 1000);
        client.sendJson("CloseStream");
        QVERIFY(client.waitClosed());
        QCOMPARE(client.finalTranscripts(), sampleText(QStringLiteral("shopping-note")));
        QVERIFY(client.ofType(QStringLiteral("Results")).size() == client.finalTranscripts().size());
        // The duration counts the samples, not the header's bytes.
        const QByteArray pcm = samplePcm(QStringLiteral("shopping-note"));
        QCOMPARE(client.ofType(QStringLiteral("Metadata")).first().value(QStringLiteral("duration")).toDouble(),
                 std::round(pcm.size() / 32.0) / 1000.0);
    }

    void otherSpeechGoesThroughTheLanguageModel()
    {
        // A sentence that is not a sample, from the service's own speak endpoint at 16 kHz.
        RecordingClient speaker;
        QVERIFY(speaker.open(m_service->webSocketUrl(QStringLiteral("/v1/speak?encoding=linear16&sample_rate=16000"))));
        speaker.socket.sendTextMessage(
            QStringLiteral("{\"type\":\"Speak\",\"text\":\"please open the garage door and turn on the radio\"}"));
        speaker.sendJson("Flush");
        QVERIFY(speaker.waitForType(QStringLiteral("Flushed")));
        const QByteArray speech = silence(200) + speaker.audio + silence(800);
        RecordingClient client;
        QVERIFY(client.open(m_service->webSocketUrl(listenPath())));
        client.sendAudio(speech, 3200);
        client.sendJson("CloseStream");
        QVERIFY(client.waitClosed(30000));
        QVERIFY(!client.finalTranscripts().isEmpty());
        bool viaLanguageModel = false;
        for (const QJsonObject &m : client.ofType(QStringLiteral("Results"))) {
            if (m.value(QStringLiteral("is_final")).toBool()
                && m.value(QStringLiteral("metadata"))
                        .toObject()
                        .value(QStringLiteral("model_info"))
                        .toObject()
                        .value(QStringLiteral("name"))
                        .toString()
                    == UtteranceRecognizer::languageModelName)
                viaLanguageModel = true;
        }
        QVERIFY(viaLanguageModel);
    }

    void wrongKeyGets401_data()
    {
        QTest::addColumn<QByteArray>("authorization");
        QTest::addColumn<bool>("accepted");
        QTest::addRow("no key") << QByteArray() << false;
        QTest::addRow("wrong key") << QByteArrayLiteral("Token nope") << false;
        QTest::addRow("right key as Token") << QByteArrayLiteral("Token sekrit") << true;
        QTest::addRow("right key as Bearer") << QByteArrayLiteral("Bearer sekrit") << true;
    }

    void wrongKeyGets401()
    {
        QFETCH(QByteArray, authorization);
        QFETCH(bool, accepted);
        LoopbackConfig config;
        config.apiKey = QStringLiteral("sekrit");
        auto service = startService(config);
        RecordingClient client;
        QCOMPARE(client.open(service->webSocketUrl(listenPath()), authorization), accepted);
        if (!accepted) {
            // The handshake itself was refused: the same request over HTTP shows the status.
            QNetworkAccessManager nam;
            QList<std::pair<QByteArray, QByteArray>> headers;
            if (!authorization.isEmpty())
                headers.append({"Authorization", authorization});
            const HttpResult r = httpRequest(nam, "POST", service->httpUrl(QStringLiteral("/v1/listen")),
                                             sampleWav(QStringLiteral("set-timer")), headers);
            QCOMPARE(r.status, 401);
            QCOMPARE(r.json().value(QStringLiteral("err_code")).toString(), QStringLiteral("INVALID_AUTH"));
        }
    }

    void loadSinkCountsBytesAndReportsVoiceActivity()
    {
        RecordingClient client;
        QVERIFY(client.open(m_service->webSocketUrl(
            listenPath(QStringLiteral("&vad_events=true&tag=sink"))
                .replace(QStringLiteral("model=nova-3"), QStringLiteral("model=taskscope-load-sink")))));
        const QByteArray pcm = samplePcm(QStringLiteral("two-utterances"));
        client.sendAudio(pcm, 640);
        client.sendJson("CloseStream");
        QVERIFY(client.waitClosed());
        QCOMPARE(client.closeCode, 1000);
        QCOMPARE(client.ofType(QStringLiteral("SpeechStarted")).size(), 2);
        const QJsonObject metadata = client.ofType(QStringLiteral("Metadata")).first();
        QCOMPARE(qint64(metadata.value(QStringLiteral("taskscope"))
                            .toObject()
                            .value(QStringLiteral("bytes_received"))
                            .toDouble()),
                 qint64(pcm.size()));
        const QJsonObject modelInfo = metadata.value(QStringLiteral("model_info")).toObject().begin()->toObject();
        QCOMPARE(modelInfo.value(QStringLiteral("name")).toString(), ListenSession::loadSinkModelName);
        for (const QJsonObject &m : client.ofType(QStringLiteral("Results"))) {
            QVERIFY(RecordingClient::transcriptOf(m).isEmpty());
            QCOMPARE(m.value(QStringLiteral("metadata"))
                         .toObject()
                         .value(QStringLiteral("model_info"))
                         .toObject()
                         .value(QStringLiteral("name"))
                         .toString(),
                     ListenSession::loadSinkModelName);
        }
    }

    void loadSinkServerSettingAppliesToEveryStream()
    {
        LoopbackConfig config;
        config.loadSink = true;
        auto service = startService(config);
        RecordingClient client;
        QVERIFY(client.open(service->webSocketUrl(listenPath())));
        client.sendAudio(samplePcm(QStringLiteral("set-timer")), 640);
        client.sendJson("CloseStream");
        QVERIFY(client.waitClosed());
        QVERIFY(client.finalTranscripts().isEmpty());
        QCOMPARE(client.ofType(QStringLiteral("Metadata")).size(), 1);
    }

    void reconnectCountsPerStream()
    {
        // Two connections with one tag: the server's per-stream counts add up to what the client sent.
        const QByteArray pcm = samplePcm(QStringLiteral("weather-tomorrow"));
        const qsizetype half = (pcm.size() / 2) & ~qsizetype(1);
        qint64 clientSent = 0;
        for (const QByteArray &part : {pcm.left(half), pcm.mid(half)}) {
            RecordingClient client;
            QVERIFY(client.open(m_service->webSocketUrl(listenPath(QStringLiteral("&tag=reconnect")))));
            client.sendAudio(part, 640);
            clientSent += part.size();
            client.sendJson("CloseStream");
            QVERIFY(client.waitClosed());
        }
        qint64 serverReceived = 0;
        for (const auto &record : m_service->stats().streams(QStringLiteral("reconnect")))
            serverReceived += record->payloadBytesReceived.load();
        QCOMPARE(serverReceived, clientSent);
    }

private:
    std::unique_ptr<LoopbackService> m_service;
};

QTEST_GUILESS_MAIN(tst_ListenSession)
#include "tst_listensession.moc"
