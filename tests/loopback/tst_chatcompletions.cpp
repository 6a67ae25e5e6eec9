// OpenAI-compatible chat completions against the loopback service: SSE chunks in the shapes the
// official OpenAI clients parse, that and end with [DONE], the usage chunk, non-streamed JSON, per-request
// length and rate, incremental delivery, and clear 4xx errors.
#include "loopbacktestsupport.h"

using Taskscope::Loopback::LoopbackConfig;
using Taskscope::Loopback::LoopbackService;

using namespace LoopbackTest;

namespace {

// Splits an SSE body (this server writes LF line ends) into the data payloads of its events.
QList<QByteArray> sseData(const QByteArray &body)
{
    QList<QByteArray> out;
    const QList<QByteArray> events = body.split('\n');
    QByteArray data;
    for (const QByteArray &line : events) {
        if (line.isEmpty()) {
            if (!data.isEmpty())
                out << data;
            data.clear();
        } else if (line.startsWith("data: ")) {
            data += line.mid(6);
        }
    }
    return out;
}

QByteArray chatBody(bool stream, const QString &extra = QString())
{
    return QStringLiteral("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                          "{\"role\":\"user\",\"content\":\"Tell me about threads and coroutines\"}],\"stream\":%1%2}")
        .arg(stream ? QStringLiteral("true") : QStringLiteral("false"), extra)
        .toUtf8();
}

} // namespace

class tst_ChatCompletions : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        LoopbackConfig config;
        config.chatTokensPerSecond = 2000;
        config.chatFirstTokenDelayMs = 10;
        m_service = startService(config);
        QVERIFY(m_service->isRunning());
    }

    void streamedChunksParseAndEndWithDone()
    {
        const HttpResult r = httpRequest(
            m_nam, "POST", m_service->httpUrl(QStringLiteral("/v1/chat/completions")),
            chatBody(true, QStringLiteral(",\"max_tokens\":20,\"stream_options\":{\"include_usage\":true}")),
            {{"Authorization", "Bearer sk-anything"}, {"Accept", "text/event-stream"}});
        QCOMPARE(r.status, 200);
        QVERIFY(r.header("Content-Type").startsWith("text/event-stream"));
        const QList<QByteArray> data = sseData(r.body);
        QVERIFY(data.size() >= 4);
        QCOMPARE(data.last(), QByteArray("[DONE]"));
        QString id;
        QString content;
        int contentChunks = 0;
        for (qsizetype i = 0; i + 1 < data.size(); ++i) {
            QJsonParseError error;
            const QJsonObject chunk = QJsonDocument::fromJson(data.at(i), &error).object();
            QCOMPARE(error.error, QJsonParseError::NoError);
            QCOMPARE(chunk.value(QStringLiteral("object")).toString(), QStringLiteral("chat.completion.chunk"));
            QCOMPARE(chunk.value(QStringLiteral("model")).toString(), QStringLiteral("gpt-4o-mini"));
            if (id.isEmpty())
                id = chunk.value(QStringLiteral("id")).toString();
            QCOMPARE(chunk.value(QStringLiteral("id")).toString(), id);
            const QJsonArray choices = chunk.value(QStringLiteral("choices")).toArray();
            if (i == 0) {
                QCOMPARE(choices.first()
                             .toObject()
                             .value(QStringLiteral("delta"))
                             .toObject()
                             .value(QStringLiteral("role"))
                             .toString(),
                         QStringLiteral("assistant"));
                continue;
            }
            if (i == data.size() - 2) {
                // The usage chunk: no choices.
                QVERIFY(choices.isEmpty());
                const QJsonObject usage = chunk.value(QStringLiteral("usage")).toObject();
                QCOMPARE(usage.value(QStringLiteral("completion_tokens")).toInt(), 20);
                QCOMPARE(usage.value(QStringLiteral("total_tokens")).toInt(),
                         usage.value(QStringLiteral("prompt_tokens")).toInt() + 20);
                continue;
            }
            const QJsonObject choice = choices.first().toObject();
            if (i == data.size() - 3) {
                QCOMPARE(choice.value(QStringLiteral("finish_reason")).toString(), QStringLiteral("length"));
                QVERIFY(choice.value(QStringLiteral("delta")).toObject().isEmpty());
                continue;
            }
            QVERIFY(choice.value(QStringLiteral("finish_reason")).isNull());
            content += choice.value(QStringLiteral("delta")).toObject().value(QStringLiteral("content")).toString();
            ++contentChunks;
        }
        QCOMPARE(contentChunks, 20);
        QVERIFY(id.startsWith(QStringLiteral("chatcmpl-")));
        QVERIFY(!content.trimmed().isEmpty());
    }

    void withoutMaxTokensTheServerLengthApplies()
    {
        const HttpResult r = httpRequest(m_nam, "POST", m_service->httpUrl(QStringLiteral("/v1/chat/completions")),
                                         chatBody(true), {{"X-Taskscope-Tokens", "7"}});
        const QList<QByteArray> data = sseData(r.body);
        // role + 7 content + finish + [DONE]
        QCOMPARE(data.size(), 10);
        QCOMPARE(QJsonDocument::fromJson(data.at(8))
                     .object()
                     .value(QStringLiteral("choices"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QStringLiteral("finish_reason"))
                     .toString(),
                 QStringLiteral("stop"));
    }

    void sameSeedSameText()
    {
        auto text = [this] {
            const HttpResult r = httpRequest(m_nam, "POST", m_service->httpUrl(QStringLiteral("/v1/chat/completions")),
                                             chatBody(false, QStringLiteral(",\"max_tokens\":30,\"seed\":42")));
            return r.json()
                .value(QStringLiteral("choices"))
                .toArray()
                .first()
                .toObject()
                .value(QStringLiteral("message"))
                .toObject()
                .value(QStringLiteral("content"))
                .toString();
        };
        const QString first = text();
        QVERIFY(!first.isEmpty());
        QCOMPARE(text(), first);
    }

    void nonStreamedIsOneCompletion()
    {
        const HttpResult r = httpRequest(m_nam, "POST", m_service->httpUrl(QStringLiteral("/v1/chat/completions")),
                                         chatBody(false, QStringLiteral(",\"max_tokens\":12")));
        QCOMPARE(r.status, 200);
        const QJsonObject completion = r.json();
        QCOMPARE(completion.value(QStringLiteral("object")).toString(), QStringLiteral("chat.completion"));
        const QJsonObject choice = completion.value(QStringLiteral("choices")).toArray().first().toObject();
        QCOMPARE(choice.value(QStringLiteral("finish_reason")).toString(), QStringLiteral("length"));
        QCOMPARE(choice.value(QStringLiteral("message")).toObject().value(QStringLiteral("role")).toString(),
                 QStringLiteral("assistant"));
        QCOMPARE(
            completion.value(QStringLiteral("usage")).toObject().value(QStringLiteral("completion_tokens")).toInt(),
            12);
    }

    void tokensArriveIncrementally()
    {
        // 20 tokens at 40 per second: the body must arrive in several reads, not at the end.
        QNetworkRequest request(m_service->httpUrl(QStringLiteral("/v1/chat/completions")));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setRawHeader("X-Taskscope-Token-Rate", "40");
        QNetworkReply *reply = m_nam.post(request, chatBody(true, QStringLiteral(",\"max_tokens\":20")));
        int reads = 0;
        QByteArray body;
        connect(reply, &QNetworkReply::readyRead, this, [&] {
            body += reply->readAll();
            ++reads;
        });
        QVERIFY(QTest::qWaitFor([&] { return reply->isFinished(); }, 10000));
        body += reply->readAll();
        QVERIFY(reads >= 3);
        QCOMPARE(sseData(body).last(), QByteArray("[DONE]"));
        reply->deleteLater();
    }

    void unlimitedRateSendsEverything()
    {
        const HttpResult r = httpRequest(
            m_nam, "POST", m_service->httpUrl(QStringLiteral("/v1/chat/completions")),
            chatBody(true, QStringLiteral(",\"max_tokens\":5000,\"x_tokens_per_second\":0")));
        QCOMPARE(r.status, 200);
        QCOMPARE(sseData(r.body).size(), 5000 + 3);
    }

    void aPausedReaderGetsTheWholeStreamLater()
    {
        // 200,000 tokens due within 0.2 s (about 40 MB of events) while the client does not read for 3 s:
        // the server makes tokens only as the socket drains, so nothing piles up and nothing is cut.
        const qint64 tokensBefore = m_service->stats().totals().chatTokensSent;
        QTcpSocket socket;
        socket.setReadBufferSize(16 * 1024);
        socket.connectToHost(QHostAddress::LocalHost, m_service->port());
        QVERIFY(socket.waitForConnected());
        const QByteArray body = chatBody(true, QStringLiteral(",\"x_tokens\":200000,\"x_tokens_per_second\":1000000"));
        socket.write(
            "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n"
            "Content-Length: "
            + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        QTest::qWait(3000);
        const qint64 sentWhilePaused = m_service->stats().totals().chatTokensSent - tokensBefore;
        QByteArray received;
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < 60000 && socket.state() == QAbstractSocket::ConnectedState) {
            received += socket.readAll();
            socket.waitForReadyRead(100);
        }
        received += socket.readAll();
        QVERIFY2(received.endsWith("data: [DONE]\n\n\r\n0\r\n\r\n"), received.right(200).constData());
        QVERIFY2(received.count("\"content\":\"") >= 200000,
                 qPrintable(QString::number(received.count("\"content\":\""))));
        QVERIFY2(sentWhilePaused < 100000, qPrintable(QString::number(sentWhilePaused)));
    }

    void badRequestsGetOpenAIErrors_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("mentions");
        QTest::addRow("not json") << QByteArray("hello") << QStringLiteral("JSON object");
        QTest::addRow("no messages") << QByteArray("{\"model\":\"m\"}") << QStringLiteral("messages");
        QTest::addRow("bad max_tokens") << QByteArray(
            "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":-3}")
                                        << QStringLiteral("max_tokens");
        QTest::addRow("an array, not an object") << QByteArray("[1,2,3]") << QStringLiteral("not an array");
        QTest::addRow("model name of 1 MiB") << QByteArray("{\"model\":\"" + QByteArray(1024 * 1024, 'm')
                                                           + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                                                             "\"stream\":true}")
                                             << QStringLiteral("'model' longer than 256");
        QTest::addRow("ten million tokens not streamed")
            << QByteArray("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":10000000}")
            << QStringLiteral("at most 131072 tokens");
    }

    void badRequestsGetOpenAIErrors()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, mentions);
        const HttpResult r = httpRequest(m_nam, "POST", m_service->httpUrl(QStringLiteral("/v1/chat/completions")),
                                         body);
        QCOMPARE(r.status, 400);
        const QJsonObject error = r.json().value(QStringLiteral("error")).toObject();
        QCOMPARE(error.value(QStringLiteral("type")).toString(), QStringLiteral("invalid_request_error"));
        QVERIFY2(error.value(QStringLiteral("message")).toString().contains(mentions),
                 qPrintable(error.value(QStringLiteral("message")).toString()));
    }

    void wrongMethodAndKey()
    {
        QCOMPARE(httpRequest(m_nam, "GET", m_service->httpUrl(QStringLiteral("/v1/chat/completions"))).status, 405);
        LoopbackConfig config;
        config.apiKey = QStringLiteral("sk-right");
        auto keyed = startService(config);
        QCOMPARE(httpRequest(m_nam, "POST", keyed->httpUrl(QStringLiteral("/v1/chat/completions")), chatBody(false),
                             {{"Authorization", "Bearer sk-wrong"}})
                     .status,
                 401);
        QCOMPARE(httpRequest(m_nam, "POST", keyed->httpUrl(QStringLiteral("/v1/chat/completions")), chatBody(false),
                             {{"Authorization", "Bearer sk-right"}})
                     .status,
                 200);
    }

    void modelsListsTheChatModel()
    {
        const HttpResult r = httpRequest(m_nam, "GET", m_service->httpUrl(QStringLiteral("/v1/models")));
        QCOMPARE(r.status, 200);
        QCOMPARE(
            r.json().value(QStringLiteral("data")).toArray().first().toObject().value(QStringLiteral("id")).toString(),
            m_service->config().chatModel);
    }

private:
    std::unique_ptr<LoopbackService> m_service;
    QNetworkAccessManager m_nam;
};

QTEST_GUILESS_MAIN(tst_ChatCompletions)
#include "tst_chatcompletions.moc"
