#include "workers/loopback/endpoints/speakrestresponse.h"

#include "model/audio/wavformat.h"
#include "workers/loopback/http/httpconnection.h"
#include "workers/loopback/networkloop.h"
#include "workers/loopback/servicecontext.h"
#include "workers/loopback/speech/speechsynthesizer.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtEndian>

namespace Taskscope::Loopback {

namespace {

// Unsent bytes on the connection below which held audio goes out.
constexpr qint64 sendWatermark = 256 * 1024;

} // namespace

QByteArray SpeakRestResponse::streamingWavHeader(int sampleRate)
{
    return Audio::WavFormat::linear16Header(sampleRate, 1, -1);
}

void SpeakRestResponse::start(HttpConnection *connection)
{
    SpeakOptions options;
    QString error;
    if (!SpeakOptions::parse(connection->request(), &options, &error)) {
        connection->respond(HttpResponse::error(400, error));
        return;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(connection->request().body, &parseError);
    const QString text = doc.object().value(QStringLiteral("text")).toString().trimmed();
    if (parseError.error != QJsonParseError::NoError || !doc.isObject() || text.isEmpty()) {
        connection->respond(HttpResponse::error(400, QStringLiteral("body must be JSON like {\"text\": \"Hello\"}")));
        return;
    }
    if (text.size() > SpeechSynthesizer::maxTextLength) {
        connection->respond(HttpResponse::error(
            413, QStringLiteral("text longer than %1 characters").arg(SpeechSynthesizer::maxTextLength)));
        return;
    }
    new SpeakRestResponse(connection, options, text);
}

SpeakRestResponse::SpeakRestResponse(HttpConnection *connection, const SpeakOptions &options, const QString &text)
    : QObject(connection)
    , m_connection(connection)
    , m_options(options)
    , m_charge(&connection->context()->memory())
{
    std::shared_ptr<SpeechSynthesizer> synthesizer = connection->context()->synthesizer();
    if (!synthesizer->isAvailable()) {
        connection->respond(HttpResponse::error(503, synthesizer->error()));
        deleteLater();
        return;
    }
    HttpResponse head;
    QByteArray type = "audio/l16;rate=" + QByteArray::number(options.sampleRate);
    if (options.encoding == AudioFormat::Encoding::Mulaw)
        type = "audio/basic";
    else if (options.encoding == AudioFormat::Encoding::Alaw)
        type = "audio/x-alaw-basic";
    else if (options.wavContainer)
        type = "audio/wav";
    head.setHeader("Content-Type", type);
    connection->beginStream(head);
    if (options.wavContainer)
        connection->writeEvent(streamingWavHeader(options.sampleRate));
    connection->flushEvents();

    SpeechSynthesizer::Job job;
    job.text = text;
    job.sampleRate = options.sampleRate;
    job.encoding = options.encoding;
    job.owner = this;
    m_cancelled = job.cancelled;
    connect(connection, &HttpConnection::responseAborted, this, [this] { m_cancelled->store(true); });
    connect(connection, &HttpConnection::writeBufferDrained, this, &SpeakRestResponse::pump);
    QPointer<SpeakRestResponse> guard(this);
    ServiceContext *context = connection->context();
    NetworkLoop *loop = connection->loop();
    const int bytesPerSample = options.encoding == AudioFormat::Encoding::Linear16 ? 2 : 1;
    const int sampleRate = options.sampleRate;
    job.onAudio = [context, loop, guard, bytesPerSample, sampleRate](QByteArray chunk) {
        context->stats().speechMsSynthesized.fetch_add(chunk.size() / bytesPerSample * 1000 / sampleRate,
                                                       std::memory_order_relaxed);
        context->post(loop, [guard, chunk] {
            if (guard)
                guard->onAudio(chunk);
        });
    };
    job.onDone = [context, loop, guard](bool completed, const QString &error) {
        context->post(loop, [guard, completed, error] {
            if (guard)
                guard->onDone(completed, error);
        });
        context->endSynthesisJob(); // the last use of the context on the synthesis thread
    };
    context->beginSynthesisJob();
    synthesizer->submit(std::move(job));
}

void SpeakRestResponse::onAudio(const QByteArray &chunk)
{
    if (!m_connection || m_connection->isGone())
        return;
    m_held.push_back(chunk);
    m_heldBytes += chunk.size();
    pump();
}

void SpeakRestResponse::onDone(bool, const QString &)
{
    m_done = true;
    pump();
}

void SpeakRestResponse::pump()
{
    if (!m_connection || m_connection->isGone()) {
        m_held.clear();
        m_heldBytes = 0;
        m_charge.set(0);
        if (m_done)
            deleteLater();
        return;
    }
    while (!m_held.empty() && m_connection->pendingWriteBytes() < sendWatermark) {
        const QByteArray chunk = std::move(m_held.front());
        m_held.pop_front();
        m_heldBytes -= chunk.size();
        m_connection->writeEvent(chunk);
        m_connection->flushEvents();
        if (!m_connection || m_connection->isGone())
            break;
    }
    m_charge.set(m_heldBytes);
    if (m_done && m_held.empty()) {
        if (m_connection && !m_connection->isGone())
            m_connection->endStream();
        m_charge.set(0);
        deleteLater();
    }
}

} // namespace Taskscope::Loopback
