// POST /v1/listen (prerecorded): WAV and raw bodies decode to the samples' texts in Deepgram's JSON
// shape; bodies that are not audio get clear errors.
#include "workers/loopback/endpoints/listensession.h"
#include "workers/loopback/speech/utterancerecognizer.h"

#include <QCryptographicHash>

#include "loopbacktestsupport.h"

using Taskscope::Loopback::ListenSession;
using Taskscope::Loopback::LoopbackService;

using namespace LoopbackTest;

namespace {

QJsonObject firstAlternative(const QJsonObject &response)
{
    return response.value(QStringLiteral("results"))
        .toObject()
        .value(QStringLiteral("channels"))
        .toArray()
        .first()
        .toObject()
        .value(QStringLiteral("alternatives"))
        .toArray()
        .first()
        .toObject();
}

} // namespace

class tst_Prerecorded : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        m_service = startService();
        QVERIFY(m_service->isRunning());
    }

    void wavBodyDecodesToTheSampleText_data()
    {
        QTest::addColumn<QString>("name");
        for (const char *name : {"weather-tomorrow", "email-dictation", "two-utterances"})
            QTest::addRow("%s", name) << QString::fromLatin1(name);
    }

    void wavBodyDecodesToTheSampleText()
    {
        QFETCH(QString, name);
        const QByteArray wav = sampleWav(name);
        const HttpResult r = httpRequest(m_nam, "POST", m_service->httpUrl(QStringLiteral("/v1/listen?model=nova-3")),
                                         wav, {{"Content-Type", "audio/wav"}, {"Authorization", "Token anything"}});
        QCOMPARE(r.status, 200);
        const QJsonObject response = r.json();
        const QJsonObject alternative = firstAlternative(response);
        QCOMPARE(alternative.value(QStringLiteral("transcript")).toString(), sampleText(name).join(QLatin1Char(' ')));
        const QJsonArray words = alternative.value(QStringLiteral("words")).toArray();
        QCOMPARE(words.size(), sampleText(name).join(QLatin1Char(' ')).split(QLatin1Char(' ')).size());
        double previousEnd = 0;
        for (const QJsonValue &v : words) {
            const QJsonObject w = v.toObject();
            QVERIFY(w.value(QStringLiteral("start")).toDouble() >= previousEnd - 1e-6);
            previousEnd = w.value(QStringLiteral("end")).toDouble();
        }
        const QJsonObject metadata = response.value(QStringLiteral("metadata")).toObject();
        QCOMPARE(metadata.value(QStringLiteral("channels")).toInt(), 1);
        const QByteArray pcm = samplePcm(name);
        QCOMPARE(metadata.value(QStringLiteral("duration")).toDouble(), std::round(pcm.size() / 32.0) / 1000.0);
        QCOMPARE(metadata.value(QStringLiteral("sha256")).toString(),
                 QString::fromLatin1(QCryptographicHash::hash(pcm, QCryptographicHash::Sha256).toHex()));
        QVERIFY(!metadata.value(QStringLiteral("request_id")).toString().isEmpty());
    }

    void rawLinear16WithQueryParameters()
    {
        const HttpResult r = httpRequest(
            m_nam, "POST",
            m_service->httpUrl(QStringLiteral("/v1/listen?encoding=linear16&sample_rate=16000&channels=1")),
            samplePcm(QStringLiteral("set-timer")), {{"Content-Type", "audio/l16"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(firstAlternative(r.json()).value(QStringLiteral("transcript")).toString(),
                 sampleText(QStringLiteral("set-timer")).first());
    }

    void resampledAndStereoAudioIsAccepted()
    {
        // The same sample at 8 kHz in two identical channels: resampled and downmixed before decoding.
        const QByteArray pcm = samplePcm(QStringLiteral("lights-off"));
        QByteArray stereo8k;
        for (qsizetype i = 0; i + 3 < pcm.size(); i += 4) {
            stereo8k += pcm.mid(i, 2);
            stereo8k += pcm.mid(i, 2);
        }
        const HttpResult r = httpRequest(
            m_nam, "POST",
            m_service->httpUrl(QStringLiteral("/v1/listen?encoding=linear16&sample_rate=8000&channels=2")), stereo8k,
            {{"Content-Type", "audio/l16"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("metadata")).toObject().value(QStringLiteral("duration")).toDouble(),
                 std::round(pcm.size() / 32.0) / 1000.0);
        QVERIFY(!firstAlternative(r.json()).value(QStringLiteral("transcript")).toString().isEmpty());
    }

    void loadSinkModelSkipsRecognition()
    {
        const HttpResult r = httpRequest(m_nam, "POST",
                                         m_service->httpUrl(QStringLiteral("/v1/listen?model=taskscope-load-sink")),
                                         sampleWav(QStringLiteral("set-timer")), {{"Content-Type", "audio/wav"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(firstAlternative(r.json()).value(QStringLiteral("transcript")).toString(), QString());
        const QJsonObject info = r.json()
                                     .value(QStringLiteral("metadata"))
                                     .toObject()
                                     .value(QStringLiteral("model_info"))
                                     .toObject()
                                     .begin()
                                     ->toObject();
        QCOMPARE(info.value(QStringLiteral("name")).toString(), ListenSession::loadSinkModelName);
    }

    void badBodiesGetClearErrors_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("mentions");
        QTest::addRow("url source") << QString() << QByteArray("{\"url\":\"https://example.com/a.wav\"}") << 400
                                    << QStringLiteral("URLs");
        QTest::addRow("not audio") << QString() << QByteArray("hello, world") << 400 << QStringLiteral("WAV");
        QTest::addRow("bad encoding") << QStringLiteral("?encoding=opus") << QByteArray("xx") << 400
                                      << QStringLiteral("encoding");
        QByteArray adpcm = sampleWav(QStringLiteral("set-timer"));
        adpcm[20] = 2; // format tag 2: MS ADPCM
        QTest::addRow("unsupported wav") << QString() << adpcm << 415 << QStringLiteral("unsupported WAV");
    }

    void badBodiesGetClearErrors()
    {
        QFETCH(QString, query);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, mentions);
        const HttpResult r = httpRequest(m_nam, "POST", m_service->httpUrl(QStringLiteral("/v1/listen") + query), body,
                                         {{"Content-Type", "application/octet-stream"}});
        QCOMPARE(r.status, status);
        const QString message =
            r.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
        QVERIFY2(message.contains(mentions), qPrintable(message));
    }

private:
    std::unique_ptr<LoopbackService> m_service;
    QNetworkAccessManager m_nam;
};

QTEST_GUILESS_MAIN(tst_Prerecorded)
#include "tst_prerecordedendpoint.moc"
