#include "workers/loopback/endpoints/prerecordedtranscription.h"

#include "workers/loopback/audio/pcmconverter.h"
#include "workers/loopback/audio/wavheader.h"
#include "workers/loopback/endpoints/deepgrammessages.h"
#include "workers/loopback/endpoints/listenoptions.h"
#include "workers/loopback/endpoints/listensession.h"
#include "workers/loopback/http/httpconnection.h"
#include "workers/loopback/networkloop.h"
#include "workers/loopback/servicecontext.h"
#include "workers/loopback/speech/utterancerecognizer.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QRunnable>
#include <QUuid>

#include <cmath>
#include <memory>

namespace Taskscope::Loopback {

namespace {

constexpr std::size_t samplesPerJob = 2 * UtteranceRecognizer::sampleRate;

double ms(double seconds)
{
    return std::round(seconds * 1000.0) / 1000.0;
}

// One upload being decoded; each job decodes the next slice and re-queues itself.
struct PrerecordedJob : std::enable_shared_from_this<PrerecordedJob>
{
    ServiceContext *context = nullptr;
    NetworkLoop *loop = nullptr;
    QPointer<HttpConnection> connection;
    std::vector<int16_t> samples;
    std::size_t offset = 0;
    std::unique_ptr<UtteranceRecognizer> recognizer;
    std::vector<RecognitionEvent> finals;
    QString requestId;
    QString sha256;
    bool failed = false;
    QString error;

    void schedule()
    {
        auto self = shared_from_this();
        context->recognitionPool()->start(QRunnable::create([self] { self->run(); }));
    }

    void run()
    {
        std::vector<RecognitionEvent> events;
        if (!recognizer) {
            UtteranceRecognizer::Options options;
            options.endpointingMs = 300;
            options.maxUtteranceMs = context->config().maxUtteranceMs;
            options.endpointingFloorMs = context->config().endpointingFloorMs;
            recognizer = std::make_unique<UtteranceRecognizer>(context->decoders(), &context->stats(), options);
            if (!recognizer->start(&error)) {
                failed = true;
                deliver();
                return;
            }
        }
        const std::size_t n = std::min(samplesPerJob, samples.size() - offset);
        recognizer->feed(samples.data() + offset, n, events);
        offset += n;
        if (offset >= samples.size())
            recognizer->finish(events);
        for (RecognitionEvent &e : events) {
            if (e.kind == RecognitionEvent::Kind::Final && !e.transcript.isEmpty())
                finals.push_back(std::move(e));
        }
        if (offset >= samples.size()) {
            recognizer.reset(); // the decoder goes back to the pool now
            deliver();
        } else {
            schedule();
        }
    }

    void deliver()
    {
        auto self = shared_from_this();
        context->post(loop, [self] {
            if (!self->connection || self->connection->isGone())
                return;
            if (self->failed) {
                self->connection->respond(
                    HttpResponse::error(503, QStringLiteral("recognition unavailable: %1").arg(self->error)));
                return;
            }
            const double duration = double(self->samples.size()) / UtteranceRecognizer::sampleRate;
            self->connection->respond(HttpResponse::json(
                200,
                PrerecordedTranscription::responseJson(self->finals, self->requestId, self->sha256, duration,
                                                       UtteranceRecognizer::grammarModelName)));
        });
    }
};

} // namespace

QByteArray PrerecordedTranscription::responseJson(const std::vector<RecognitionEvent> &finals, const QString &requestId,
                                                  const QString &sha256, double durationSeconds,
                                                  const QString &fallbackModel)
{
    QJsonArray words;
    QStringList transcripts;
    double confidenceSum = 0;
    QStringList models;
    for (const RecognitionEvent &e : finals) {
        transcripts << e.transcript;
        confidenceSum += e.confidence;
        if (!models.contains(e.model))
            models << e.model;
        for (const RecognizedWord &w : e.words) {
            words.append(QJsonObject {{QStringLiteral("word"), w.word},
                                      {QStringLiteral("start"), ms(w.start)},
                                      {QStringLiteral("end"), ms(w.end)},
                                      {QStringLiteral("confidence"), ms(w.confidence)},
                                      {QStringLiteral("punctuated_word"), w.word}});
        }
    }
    if (models.isEmpty())
        models << fallbackModel;
    QJsonArray modelUuids;
    QJsonObject modelInfo;
    for (const QString &m : std::as_const(models)) {
        const QString uuid = DeepgramMessages::modelUuid(m);
        modelUuids.append(uuid);
        modelInfo.insert(uuid, DeepgramMessages::modelInfo(m));
    }
    const QJsonObject metadata {
        {QStringLiteral("transaction_key"), QStringLiteral("deprecated")},
        {QStringLiteral("request_id"), requestId},
        {QStringLiteral("sha256"), sha256},
        {QStringLiteral("created"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
        {QStringLiteral("duration"), ms(durationSeconds)},
        {QStringLiteral("channels"), 1},
        {QStringLiteral("models"), modelUuids},
        {QStringLiteral("model_info"), modelInfo}};
    const QJsonObject alternative {
        {QStringLiteral("transcript"), transcripts.join(QLatin1Char(' '))},
        {QStringLiteral("confidence"), finals.empty() ? 0.0 : ms(confidenceSum / double(finals.size()))},
        {QStringLiteral("words"), words}};
    const QJsonObject results {{QStringLiteral("channels"),
                                QJsonArray {QJsonObject {{QStringLiteral("alternatives"), QJsonArray {alternative}}}}}};
    return QJsonDocument(QJsonObject {{QStringLiteral("metadata"), metadata}, {QStringLiteral("results"), results}})
        .toJson(QJsonDocument::Compact);
}

void PrerecordedTranscription::start(HttpConnection *connection)
{
    const HttpRequest &request = connection->request();
    ListenOptions options;
    QString error;
    if (!ListenOptions::parse(request, &options, &error)) {
        connection->respond(HttpResponse::error(400, error));
        return;
    }
    const QByteArray &body = request.body;
    if (body.isEmpty()) {
        connection->respond(HttpResponse::error(400, QStringLiteral("empty body: send the audio bytes")));
        return;
    }
    AudioFormat format;
    qsizetype dataOffset = 0;
    if (options.encoding) {
        format = options.rawFormat();
    } else {
        const WavHeader header = WavHeader::parse(body);
        if (header.status == WavHeader::Status::Ok) {
            format = header.format;
            dataOffset = header.dataOffset;
        } else if (header.status == WavHeader::Status::Unsupported) {
            connection->respond(HttpResponse::error(415, header.error));
            return;
        } else if (body.trimmed().startsWith('{')) {
            connection->respond(HttpResponse::error(
                400, QStringLiteral("the loopback service does not fetch URLs; POST the audio bytes instead")));
            return;
        } else {
            connection->respond(HttpResponse::error(
                400, QStringLiteral("body is not a WAV file; for raw audio add ?encoding=linear16&sample_rate=16000")));
            return;
        }
    }
    qint64 dataBytes = body.size() - dataOffset;
    auto job = std::make_shared<PrerecordedJob>();
    job->context = connection->context();
    job->loop = connection->loop();
    job->connection = connection;
    job->requestId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QByteArrayView audio = QByteArrayView(body).sliced(dataOffset, dataBytes);
    job->sha256 = QString::fromLatin1(QCryptographicHash::hash(audio, QCryptographicHash::Sha256).toHex());
    PcmConverter converter(format, UtteranceRecognizer::sampleRate);
    converter.convert(audio, job->samples);
    connection->context()->stats().audioBytesReceived.fetch_add(dataBytes, std::memory_order_relaxed);
    if (ListenSession::wantsLoadSink(connection->context(), options)) {
        const double duration = double(job->samples.size()) / UtteranceRecognizer::sampleRate;
        connection->respond(HttpResponse::json(
            200, responseJson({}, job->requestId, job->sha256, duration, ListenSession::loadSinkModelName)));
        return;
    }
    if (job->samples.empty()) {
        connection->respond(HttpResponse::json(
            200, responseJson({}, job->requestId, job->sha256, 0, UtteranceRecognizer::grammarModelName)));
        return;
    }
    job->schedule();
}

} // namespace Taskscope::Loopback
