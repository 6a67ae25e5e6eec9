#include "workers/loopback/endpoints/speaksession.h"

#include "workers/loopback/endpoints/deepgrammessages.h"
#include "workers/loopback/networkloop.h"
#include "workers/loopback/servicecontext.h"
#include "workers/loopback/servicestats.h"
#include "workers/loopback/speech/speechsynthesizer.h"
#include "workers/loopback/websocket/websocketconnection.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>

namespace Taskscope::Loopback {

SpeakSession::SpeakSession(WebSocketConnection *connection, ServiceContext *context, const SpeakOptions &options,
                           const QString &requestId, const QString &tag)
    : m_connection(connection)
    , m_context(context)
    , m_options(options)
    , m_requestId(requestId)
    , m_charge(&context->memory())
{
    m_record = context->stats().openStream(requestId, QStringLiteral("speak"), tag, modelName, connection->peer());
    connection->setStreamRecord(m_record);
    m_synthesizer = context->synthesizer();
    connect(connection, &WebSocketConnection::writeBufferDrained, this, &SpeakSession::pump);
}

SpeakSession::~SpeakSession()
{
    cancelAll();
    m_context->stats().closeStream(m_record, 1001, QStringLiteral("server shutting down"));
}

void SpeakSession::onOpen()
{
    m_connection->sendText(DeepgramMessages::speakMetadata(m_requestId, modelName));
    if (!m_synthesizer->isAvailable()) {
        m_connection->sendText(
            DeepgramMessages::error(QStringLiteral("SYNTHESIS_UNAVAILABLE"), m_synthesizer->error()));
        m_connection->close(1011, QStringLiteral("synthesis unavailable"));
    }
}

void SpeakSession::onClosed(int code, const QString &reason)
{
    if (m_closed)
        return;
    m_closed = true;
    cancelAll();
    m_held.clear();
    m_heldBytes = 0;
    accountMemory();
    m_context->stats().closeStream(m_record, code, reason);
}

void SpeakSession::onBinary(const QByteArray &)
{
    m_connection->sendText(DeepgramMessages::warning(QStringLiteral("INVALID_MESSAGE"),
                                                     QStringLiteral("binary messages are not accepted on /v1/speak; "
                                                                    "send {\"type\":\"Speak\",\"text\":\"...\"}")));
}

void SpeakSession::onText(const QByteArray &utf8)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(utf8, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        m_connection->sendText(DeepgramMessages::warning(QStringLiteral("INVALID_MESSAGE"),
                                                         QStringLiteral("text messages must be JSON objects")));
        return;
    }
    const QJsonObject message = doc.object();
    const QString type = message.value(QStringLiteral("type")).toString();
    if (m_closeRequested)
        return;
    if (type == u"Speak") {
        const QString text = message.value(QStringLiteral("text")).toString();
        if (text.size() > SpeechSynthesizer::maxTextLength) {
            m_connection->sendText(
                DeepgramMessages::warning(QStringLiteral("TEXT_TOO_LONG"),
                                          QStringLiteral("Speak text longer than %1 characters was ignored")
                                              .arg(SpeechSynthesizer::maxTextLength)));
            return;
        }
        if (m_text.size() + text.size() > maxBufferedText) {
            m_connection->sendText(DeepgramMessages::warning(
                QStringLiteral("BUFFER_FULL"),
                QStringLiteral("more than %1 characters buffered; send Flush").arg(maxBufferedText)));
            return;
        }
        if (!m_text.isEmpty() && !m_text.endsWith(QLatin1Char(' ')) && !text.startsWith(QLatin1Char(' ')))
            m_text += QLatin1Char(' ');
        m_text += text;
        if (m_text.size() >= SpeechSynthesizer::maxTextLength)
            flush(false);
        accountMemory();
    } else if (type == u"Flush") {
        flush(true);
    } else if (type == u"Clear") {
        cancelAll();
        m_text.clear();
        // Audio not yet handed to the connection is dropped; messages already due stay in order.
        std::erase_if(m_held, [](const Held &h) { return h.binary; });
        m_heldBytes = 0;
        for (const Held &h : m_held)
            m_heldBytes += h.data.size();
        sendInOrder(DeepgramMessages::cleared(std::max(0, m_nextSequenceId - 1)));
    } else if (type == u"Close") {
        m_closeRequested = true;
        if (!m_text.trimmed().isEmpty())
            flush(false);
        pump();
    } else {
        m_connection->sendText(DeepgramMessages::warning(
            QStringLiteral("INVALID_MESSAGE"),
            QStringLiteral("unknown message type \"%1\" (expected Speak, Flush, Clear or Close)").arg(type)));
    }
}

void SpeakSession::flush(bool announce)
{
    // Long buffers go out as several jobs; only the last one answers with Flushed. Only a client's
    // Flush takes a sequence id (internal flushes on a full buffer or Close do not).
    const int sequenceId = announce ? m_nextSequenceId++ : -1;
    QStringList pieces;
    QString rest = m_text.trimmed();
    m_text.clear();
    while (!rest.isEmpty()) {
        qsizetype cut = std::min(rest.size(), SpeechSynthesizer::maxTextLength);
        if (cut < rest.size()) {
            const qsizetype space = rest.lastIndexOf(QLatin1Char(' '), cut - 1);
            if (space > cut / 2)
                cut = space;
        }
        pieces << rest.left(cut).trimmed();
        rest = rest.mid(cut).trimmed();
    }
    const size_t jobs = m_queue.size() + (m_running ? 1 : 0);
    if (jobs + size_t(std::max<qsizetype>(1, pieces.size())) > size_t(maxQueuedJobs)) {
        m_connection->sendText(DeepgramMessages::warning(
            QStringLiteral("QUEUE_FULL"),
            QStringLiteral("%1 synthesis jobs already queued on this stream; text dropped (wait for Flushed before "
                           "sending more)")
                .arg(jobs)));
        accountMemory();
        return;
    }
    // An empty Flush still answers Flushed, after the audio of the jobs before it.
    if (pieces.isEmpty() && announce)
        m_queue.push_back(Piece {QString(), sequenceId, true});
    for (qsizetype i = 0; i < pieces.size(); ++i)
        m_queue.push_back(Piece {pieces.at(i), sequenceId, announce && i == pieces.size() - 1});
    pump();
}

void SpeakSession::pump()
{
    while (!m_closed && !m_held.empty() && m_connection->pendingWriteBytes() < sendWatermark) {
        Held item = std::move(m_held.front());
        m_held.pop_front();
        m_heldBytes -= item.data.size();
        if (item.binary)
            m_connection->sendBinary(item.data);
        else
            m_connection->sendText(item.data);
    }
    // The next job starts when everything made so far has gone to the connection and it has room.
    while (!m_closed && !m_running && m_held.empty() && !m_queue.empty()
           && m_connection->pendingWriteBytes() < sendWatermark) {
        const Piece piece = std::move(m_queue.front());
        m_queue.pop_front();
        if (piece.text.isEmpty()) {
            m_connection->sendText(DeepgramMessages::flushed(piece.sequenceId));
            continue;
        }
        submit(piece);
    }
    if (!m_closed && m_closeRequested && !m_running && m_queue.empty() && m_held.empty())
        m_connection->close(1000);
    accountMemory();
}

void SpeakSession::submit(const Piece &piece)
{
    SpeechSynthesizer::Job job;
    job.text = piece.text;
    job.sampleRate = m_options.sampleRate;
    job.encoding = m_options.encoding;
    job.owner = this;
    m_running = job.cancelled;
    QPointer<SpeakSession> guard(this);
    ServiceContext *context = m_context;
    NetworkLoop *loop = m_connection->loop();
    const auto cancelled = job.cancelled;
    const int sampleRate = m_options.sampleRate;
    const int bytesPerSample = m_options.encoding == AudioFormat::Encoding::Linear16 ? 2 : 1;
    const int sequenceId = piece.sequenceId;
    const bool announce = piece.announce;
    job.onAudio = [context, loop, guard, cancelled, sampleRate, bytesPerSample](QByteArray chunk) {
        context->stats().speechMsSynthesized.fetch_add(chunk.size() / bytesPerSample * 1000 / sampleRate,
                                                       std::memory_order_relaxed);
        context->post(loop, [guard, cancelled, chunk] {
            if (guard)
                guard->onAudio(cancelled, chunk);
        });
    };
    job.onDone = [context, loop, guard, sequenceId, announce, cancelled](bool completed, const QString &error) {
        context->post(loop, [guard, sequenceId, announce, cancelled, completed, error] {
            if (guard)
                guard->onJobDone(cancelled, sequenceId, completed, announce, error);
        });
        context->endSynthesisJob(); // the last use of the context on the synthesis thread
    };
    context->beginSynthesisJob();
    m_synthesizer->submit(std::move(job));
}

void SpeakSession::onAudio(const std::shared_ptr<std::atomic<bool>> &job, const QByteArray &chunk)
{
    if (m_closed || job->load())
        return;
    m_held.push_back(Held {chunk, true});
    m_heldBytes += chunk.size();
    pump();
}

void SpeakSession::onJobDone(const std::shared_ptr<std::atomic<bool>> &job, int sequenceId, bool completed,
                             bool announce, const QString &error)
{
    if (m_running == job)
        m_running.reset();
    if (m_closed)
        return;
    if (!completed && !error.isEmpty() && error != u"cancelled")
        sendInOrder(DeepgramMessages::warning(QStringLiteral("SYNTHESIS_FAILED"), error));
    if (completed && announce)
        sendInOrder(DeepgramMessages::flushed(sequenceId));
    pump();
}

void SpeakSession::sendInOrder(const QByteArray &utf8)
{
    m_held.push_back(Held {utf8, false});
    m_heldBytes += utf8.size();
    pump();
}

void SpeakSession::cancelAll()
{
    if (m_running)
        m_running->store(true);
    m_queue.clear();
}

void SpeakSession::accountMemory()
{
    qint64 textChars = m_text.size();
    for (const Piece &piece : m_queue)
        textChars += piece.text.size();
    m_charge.set(m_heldBytes + textChars * qint64(sizeof(QChar)));
}

} // namespace Taskscope::Loopback
