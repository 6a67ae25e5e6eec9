#include "workers/loopback/endpoints/listensession.h"

#include "workers/loopback/audio/wavheader.h"
#include "workers/loopback/endpoints/deepgrammessages.h"
#include "workers/loopback/servicecontext.h"
#include "workers/loopback/servicestats.h"
#include "workers/loopback/speech/decoderpool.h"
#include "workers/loopback/speech/recognitionqueue.h"
#include "workers/loopback/websocket/websocketconnection.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>

namespace Taskscope::Loopback {

namespace {
constexpr qsizetype maxContainerHeaderBytes = 64 * 1024;
}

bool ListenSession::wantsLoadSink(ServiceContext *context, const ListenOptions &options)
{
    return context->config().loadSink || options.model == loadSinkModelName
        || (!context->decoders()->grammarAvailable() && !context->decoders()->languageModelAvailable());
}

ListenSession::ListenSession(WebSocketConnection *connection, ServiceContext *context, const ListenOptions &options,
                             const QString &requestId, bool loadSink, bool holdsRecognitionSlot)
    : m_connection(connection)
    , m_context(context)
    , m_options(options)
    , m_requestId(requestId)
    , m_loadSink(loadSink)
    , m_holdsRecognitionSlot(holdsRecognitionSlot)
    , m_created(QDateTime::currentDateTimeUtc())
{
    const QString model = m_loadSink ? loadSinkModelName : QStringLiteral("pocketsphinx-en-us");
    m_record = context->stats().openStream(requestId, QStringLiteral("listen"), options.tag, model, connection->peer());
    connection->setStreamRecord(m_record);
    if (options.encoding)
        m_converter.emplace(options.rawFormat(), UtteranceRecognizer::sampleRate);
    if (m_loadSink) {
        const int hangover = options.endpointing ? std::max(options.endpointingMs, context->config().endpointingFloorMs)
                                                 : 3'600'000;
        m_vad.emplace(UtteranceRecognizer::sampleRate, hangover);
        return;
    }
    UtteranceRecognizer::Options recognizerOptions;
    recognizerOptions.interimResults = options.interimResults;
    recognizerOptions.vadEvents = options.vadEvents;
    recognizerOptions.endpointing = options.endpointing;
    recognizerOptions.endpointingMs = options.endpointingMs;
    recognizerOptions.endpointingFloorMs = context->config().endpointingFloorMs;
    recognizerOptions.utteranceEndMs = options.utteranceEndMs;
    recognizerOptions.maxUtteranceMs = context->config().maxUtteranceMs;
    QPointer<ListenSession> guard(this);
    NetworkLoop *loop = connection->loop();
    auto sink = [context, loop, guard](std::vector<RecognitionEvent> &&events) {
        context->post(loop, [guard, events = std::move(events)]() mutable {
            if (guard)
                guard->handleEvents(std::move(events));
        });
    };
    m_queue = std::make_shared<RecognitionQueue>(context, recognizerOptions, sink, m_record);
}

ListenSession::~ListenSession()
{
    if (!m_closed)
        m_connection->loop()->removeHousekeeper(this);
    if (m_queue)
        m_queue->cancel();
    if (m_holdsRecognitionSlot)
        m_context->releaseRecognitionSlot();
    m_context->stats().closeStream(m_record, 1001, QStringLiteral("server shutting down"));
}

void ListenSession::onOpen()
{
    m_lastActivityMs = NetworkLoop::nowMs();
    m_connection->loop()->addHousekeeper(this);
}

void ListenSession::tick(qint64 nowMs)
{
    if (m_closing || m_closed)
        return;
    if (nowMs - m_lastActivityMs >= m_context->config().idleTimeoutMs)
        m_connection->close(1011, idleTimeoutReason);
}

void ListenSession::onClosed(int code, const QString &reason)
{
    if (m_closed)
        return;
    m_closed = true;
    m_connection->loop()->removeHousekeeper(this);
    if (m_queue)
        m_queue->cancel();
    m_context->stats().closeStream(m_record, code, reason);
}

void ListenSession::sendMessage(const QByteArray &json)
{
    m_connection->sendText(json);
}

void ListenSession::onBinary(const QByteArray &data)
{
    m_lastActivityMs = NetworkLoop::nowMs();
    if (m_closing)
        return;
    if (data.isEmpty()) {
        beginCloseStream(); // legacy close: an empty binary message
        return;
    }
    m_audioBytes += data.size();
    m_context->stats().audioBytesReceived.fetch_add(data.size(), std::memory_order_relaxed);
    if (!m_loadSink)
        m_sha256.addData(data);
    handleAudio(data);
}

void ListenSession::handleAudio(QByteArrayView bytes)
{
    if (!m_converter) {
        // Containerized audio: read the WAV header first; anything else is taken as 16 kHz linear16.
        m_containerHeader.append(bytes.data(), bytes.size());
        const WavHeader header = WavHeader::parse(m_containerHeader);
        if (header.status == WavHeader::Status::NeedMoreData && m_containerHeader.size() < maxContainerHeaderBytes)
            return;
        QByteArray rest;
        if (header.status == WavHeader::Status::Ok) {
            m_converter.emplace(header.format, UtteranceRecognizer::sampleRate);
            m_containerHeaderBytes = header.dataOffset;
            rest = m_containerHeader.mid(header.dataOffset);
        } else if (header.status == WavHeader::Status::Unsupported) {
            sendMessage(DeepgramMessages::error(QStringLiteral("DATA-0000"), header.error));
            m_connection->close(1008, QStringLiteral("DATA-0000: ") + header.error);
            return;
        } else {
            m_converter.emplace(m_options.rawFormat(), UtteranceRecognizer::sampleRate);
            rest = m_containerHeader;
        }
        m_containerHeader.clear();
        if (rest.isEmpty())
            return;
        handleAudio(rest);
        return;
    }
    m_samples.clear();
    m_converter->convert(bytes, m_samples);
    if (m_samples.empty())
        return;
    if (m_loadSink) {
        m_vadEvents.clear();
        m_vad->process(m_samples.data(), m_samples.size(), m_vadEvents);
        handleVadEvents();
        return;
    }
    m_queue->pushAudio(std::move(m_samples));
    m_samples = {};
}

void ListenSession::handleVadEvents()
{
    for (const EnergyVad::Event &e : m_vadEvents) {
        if (e.kind == EnergyVad::Event::Kind::SpeechStarted) {
            if (m_options.vadEvents)
                sendMessage(DeepgramMessages::speechStarted(e.time));
            continue;
        }
        RecognitionEvent final;
        final.kind = RecognitionEvent::Kind::Final;
        final.start = m_segmentStart;
        final.duration = m_vad->processedSeconds() - m_segmentStart;
        final.speechFinal = true;
        final.model = loadSinkModelName;
        sendMessage(DeepgramMessages::results(final, m_requestId, false));
        m_segmentStart = m_vad->processedSeconds();
        m_lastSpeechEnd = e.time;
        m_utteranceEndPending = m_options.utteranceEndMs > 0;
    }
    if (m_utteranceEndPending && !m_vad->inSpeech()
        && m_vad->processedSeconds() - m_lastSpeechEnd >= m_options.utteranceEndMs / 1000.0) {
        sendMessage(DeepgramMessages::utteranceEnd(m_lastSpeechEnd));
        m_utteranceEndPending = false;
    }
}

void ListenSession::onText(const QByteArray &utf8)
{
    m_lastActivityMs = NetworkLoop::nowMs();
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(utf8, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        sendMessage(DeepgramMessages::error(
            QStringLiteral("INVALID_MESSAGE"),
            QStringLiteral(
                "text messages must be JSON objects like {\"type\":\"KeepAlive\"}; audio goes in binary messages")));
        return;
    }
    const QString type = doc.object().value(QStringLiteral("type")).toString();
    if (type == u"KeepAlive")
        return;
    if (m_closing)
        return;
    if (type == u"CloseStream") {
        beginCloseStream();
    } else if (type == u"Finalize") {
        if (m_loadSink) {
            RecognitionEvent final;
            final.kind = RecognitionEvent::Kind::Final;
            final.start = m_segmentStart;
            final.duration = m_vad->processedSeconds() - m_segmentStart;
            final.fromFinalize = true;
            final.model = loadSinkModelName;
            sendMessage(DeepgramMessages::results(final, m_requestId, false));
            m_segmentStart = m_vad->processedSeconds();
        } else {
            m_queue->finalize();
        }
    } else if (type == u"Configure") {
        // Accepted and ignored: the loopback service has no configurable processors.
    } else {
        sendMessage(DeepgramMessages::error(QStringLiteral("INVALID_MESSAGE"),
                                            QStringLiteral("unknown message type \"%1\" (expected KeepAlive, Finalize "
                                                           "or CloseStream)")
                                                .arg(type)));
    }
}

void ListenSession::beginCloseStream()
{
    if (m_closing)
        return;
    m_closing = true;
    if (m_loadSink) {
        if (m_vad->inSpeech()) {
            RecognitionEvent final;
            final.kind = RecognitionEvent::Kind::Final;
            final.start = m_segmentStart;
            final.duration = m_vad->processedSeconds() - m_segmentStart;
            final.speechFinal = true;
            final.model = loadSinkModelName;
            sendMessage(DeepgramMessages::results(final, m_requestId, false));
        }
        finishCloseStream();
        return;
    }
    m_queue->finish();
}

void ListenSession::finishCloseStream()
{
    const double seconds = m_converter ? double(m_audioBytes - m_containerHeaderBytes)
            / m_converter->inputFormat().bytesPerFrame() / m_converter->inputFormat().sampleRate
                                       : 0.0;
    const QJsonObject taskscope {
        {QStringLiteral("bytes_received"), double(m_record->payloadBytesReceived.load())},
        {QStringLiteral("binary_messages_received"), double(m_record->binaryMessagesReceived.load())},
        {QStringLiteral("text_messages_received"), double(m_record->textMessagesReceived.load())},
        {QStringLiteral("audio_bytes_dropped"), double(m_record->audioBytesDropped.load())},
        {QStringLiteral("tag"), m_options.tag}};
    const QString sha = m_loadSink ? QString() : QString::fromLatin1(m_sha256.result().toHex());
    const QString model = m_loadSink ? loadSinkModelName : UtteranceRecognizer::grammarModelName;
    sendMessage(DeepgramMessages::listenMetadata(m_requestId, sha, m_created.toString(Qt::ISODateWithMs), seconds,
                                                 model, taskscope));
    m_connection->close(1000);
}

void ListenSession::handleEvents(std::vector<RecognitionEvent> &&events)
{
    if (m_closed)
        return;
    for (const RecognitionEvent &e : events) {
        switch (e.kind) {
        case RecognitionEvent::Kind::SpeechStarted:
            sendMessage(DeepgramMessages::speechStarted(e.timestamp));
            break;
        case RecognitionEvent::Kind::Interim:
            sendMessage(DeepgramMessages::results(e, m_requestId, m_options.punctuate));
            break;
        case RecognitionEvent::Kind::Final:
            sendMessage(DeepgramMessages::results(e, m_requestId, m_options.punctuate));
            break;
        case RecognitionEvent::Kind::UtteranceEnd:
            sendMessage(DeepgramMessages::utteranceEnd(e.lastWordEnd));
            break;
        case RecognitionEvent::Kind::FinalizeDone:
            break;
        case RecognitionEvent::Kind::Finished:
            if (m_closing)
                finishCloseStream();
            break;
        case RecognitionEvent::Kind::Failed:
            sendMessage(DeepgramMessages::error(QStringLiteral("RECOGNITION_UNAVAILABLE"), e.transcript));
            m_connection->close(1011, QStringLiteral("recognition unavailable"));
            return;
        }
    }
}

} // namespace Taskscope::Loopback
