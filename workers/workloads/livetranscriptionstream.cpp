#include "workers/workloads/livetranscriptionstream.h"

#include "model/protocol/deepgrammessage.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracerecorder.h"
#include "workers/audio/audiosource.h"
#include "workers/audio/microphonecapture.h"
#include "workers/execution/executioncontext.h"
#include "workers/execution/tracespan.h"
#include "workers/transport/transportfactory.h"
#include "workers/transport/websockettransport.h"
#include "workers/workloads/deepgramrequest.h"

#include <QRandomGenerator>

#include <cmath>

using Taskscope::Audio::AudioSource;
using Taskscope::Audio::MicrophoneCapture;
using Taskscope::Execution::ExecutionContext;
using Taskscope::Execution::TraceSpan;
using Taskscope::Execution::WaitOutcome;
using Taskscope::Model::AudioSourceKind;
using Taskscope::Model::WorkloadSpec;
using Taskscope::Protocol::DeepgramMessage;
using Taskscope::Trace::NameId;
using Taskscope::Trace::TraceNames;
using Taskscope::Trace::TraceRecorder;
using Taskscope::Transport::createWebSocket;
using Taskscope::Transport::WebSocketTransport;

namespace Taskscope::Workloads {

namespace {

struct Names
{
    NameId decode = TraceNames::intern("decode audio");
    NameId connect = TraceNames::intern("connect");
    NameId sendChunk = TraceNames::intern("send chunk");
    NameId parse = TraceNames::intern("parse");
    NameId awaitFinal = TraceNames::intern("await final results");
    NameId waitFinal = TraceNames::intern("ws message | close");
    NameId reconnect = TraceNames::intern("reconnect");
    NameId backoff = TraceNames::intern("backoff");
    NameId interim = TraceNames::intern("interim");
    NameId final = TraceNames::intern("final");
    NameId metadata = TraceNames::intern("metadata");
    NameId speechStarted = TraceNames::intern("speech started");
    NameId utteranceEnd = TraceNames::intern("utterance end");
    NameId keepAlive = TraceNames::intern("keepalive");
    NameId finalize = TraceNames::intern("finalize");
    NameId closeStream = TraceNames::intern("close stream");
    NameId malformed = TraceNames::intern("malformed message");
    NameId chunkFlow = TraceNames::intern("audio chunk");
    NameId bytesInFlight = TraceNames::intern("bytes in flight");
};

const Names &names()
{
    static const Names n;
    return n;
}

constexpr int BytesPerSecond = AudioSource::BytesPerSecond;

bool isReconnectCode(int code)
{
    return code == 1006 || code == 1011 || code == 1012 || code == 1013;
}

} // namespace

LiveTranscriptionStream::LiveTranscriptionStream(StreamHandle handle, Options options)
    : m_s(std::move(handle))
    , m_options(options)
    , m_ctx(*m_s.ctx)
    , m_lane(m_s.report->lane())
    , m_tag(DeepgramRequest::streamTag(m_s.index))
{
}

LiveTranscriptionStream::~LiveTranscriptionStream() = default;

QByteArray LiveTranscriptionStream::audioBytes(qint64 from, qint64 to) const
{
    if (m_microphone)
        return QByteArray::fromRawData(m_microphone->audio().constData() + from, qsizetype(to - from));
    return m_source.bytes(from, to);
}

qint64 LiveTranscriptionStream::totalBytes() const
{
    if (m_microphone)
        return m_microphone->isFinished() ? m_microphone->audio().size() : m_microphone->targetBytes();
    return m_source.totalBytes;
}

qint64 LiveTranscriptionStream::availableBytes() const
{
    return m_microphone ? m_microphone->audio().size() : m_source.totalBytes;
}

qint64 LiveTranscriptionStream::scheduleNs(qint64 chunkIndex) const
{
    qint64 t = m_t0 + chunkIndex * m_chunkNs;
    if (m_pauseFromChunk >= 0 && chunkIndex >= m_pauseFromChunk)
        t += m_pauseNs;
    return t;
}

void LiveTranscriptionStream::fail(const QString &reason)
{
    m_s.report->fail(reason);
}

qint64 LiveTranscriptionStream::closeDeadlineNs(qint64 closeSentNs, qint64 lastMessageNs,
                                                std::chrono::nanoseconds timeout, std::chrono::nanoseconds audio)
{
    // The cap only stops a server that trickles messages forever: a starved recognizer can be
    // several times the audio's length behind.
    constexpr qint64 MinCapNs = 60'000'000'000;
    const qint64 fromProgress = std::max(closeSentNs, lastMessageNs) + timeout.count();
    return std::min(fromProgress, closeSentNs + timeout.count() + std::max<qint64>(MinCapNs, 4 * audio.count()));
}

QCoro::Task<void> LiveTranscriptionStream::run()
{
    m_startNs = ExecutionContext::nowNs();
    const WorkloadSpec spec = m_s.spec;
    if (m_s.env.baseUrlFor(spec).isEmpty()) {
        fail(QStringLiteral("no endpoint: the built-in service is not running and no base URL was given"));
        co_return;
    }
    if (spec.source == AudioSourceKind::Microphone) {
        // A live source: recorded on this thread while the stream runs (spec.durationS, default 30 s).
        m_microphone = std::make_unique<MicrophoneCapture>(spec.durationS > 0 ? spec.durationS : 30.0);
        if (!m_microphone->start()) {
            fail(m_microphone->errorString());
            co_return;
        }
    } else {
        auto decode = [spec] { return AudioSource::load(spec); };
        const AudioSource::Loaded loaded = co_await m_ctx.blockingPart(names().decode, std::move(decode));
        if (m_ctx.isCancelled())
            co_return;
        if (!loaded.ok) {
            fail(loaded.error);
            co_return;
        }
        m_source = loaded;
    }
    const int chunkMs = std::clamp(spec.chunkMs, 10, 1000);
    const double speed = std::clamp(spec.speed, 0.1, 100.0);
    m_chunkBytes = qint64(chunkMs) * BytesPerSecond / 1000;
    m_chunkNs = qint64(std::llround(chunkMs * 1e6 / speed));
    const qint64 totalChunks = (totalBytes() + m_chunkBytes - 1) / m_chunkBytes;
    if (spec.pauseS > 0) {
        m_pauseFromChunk = totalChunks / 2;
        m_pauseNs = qint64(spec.pauseS * 1e9 / speed);
    }
    m_lastPublishNs = m_startNs;

    int failures = 0;
    bool first = true;
    for (;;) {
        const qint64 ackBefore = m_ackBytes;
        const ConnectionEnd end = co_await streamOnce(first);
        first = false;
        if (end != ConnectionEnd::Dropped)
            break;
        // A connection that got final results made progress: count failures from there.
        failures = m_ackBytes > ackBefore ? 1 : failures + 1;
        if (failures > m_options.maxAttempts) {
            fail(QStringLiteral("gave up after %1 failed reconnect attempts: %2")
                     .arg(m_options.maxAttempts)
                     .arg(m_lastDropReason));
            break;
        }
        ++m_stats.reconnects;
        publish(true);
        if (!m_reconnecting) {
            // Open from the drop until the next connection is open (streamOnce ends it).
            TraceRecorder::begin(m_lane, names().reconnect, quint64(m_stats.reconnects));
            m_reconnecting = true;
        }
        // Exponential backoff with "equal jitter": half fixed, half random.
        const double exponential = double(m_options.backoffBase.count()) * std::pow(2.0, failures - 1);
        const qint64 capped = qint64(std::min(exponential, double(m_options.backoffCap.count())));
        const std::chrono::nanoseconds delay(capped / 2
                                             + qint64(QRandomGenerator::global()->bounded(double(capped) / 2)));
        TraceSpan backoffSpan(m_lane, names().backoff,
                              quint64(std::chrono::duration_cast<std::chrono::milliseconds>(delay).count()));
        const WaitOutcome outcome = co_await m_ctx.sleepFor(delay, names().backoff);
        backoffSpan.end();
        if (outcome == WaitOutcome::Cancelled || m_ctx.isCancelled())
            break;
    }
    if (m_reconnecting) {
        TraceRecorder::end(m_lane, names().reconnect);
        m_reconnecting = false;
    }
    publish(true);
}

QCoro::Task<LiveTranscriptionStream::ConnectionEnd> LiveTranscriptionStream::streamOnce(bool firstConnection)
{
    const Names &n = names();
    std::unique_ptr<WebSocketTransport> ws = createWebSocket(m_ctx);
    QUrlQuery query = DeepgramRequest::listenQuery();
    query.addQueryItem(QStringLiteral("tag"), m_tag);
    if (firstConnection && !m_s.spec.faults.isEmpty())
        query.addQueryItem(QStringLiteral("faults"), m_s.spec.faults);
    const QUrl url = DeepgramRequest::url(m_s.env.baseUrlFor(m_s.spec), QStringLiteral("/v1/listen"), query, true);
    const QNetworkRequest request = DeepgramRequest::request(
        url, m_s.env.keyFor(m_s.spec, WorkloadEnvironment::Service::Deepgram));

    TraceSpan connectSpan(m_lane, n.connect);
    const bool opened = co_await ws->open(request, m_options.connectTimeout);
    connectSpan.end();
    if (m_ctx.isCancelled())
        co_return ConnectionEnd::Cancelled;
    if (!opened)
        co_return handshakeRefused(*ws);
    beginConnection(firstConnection);
    const NameId waitChunk = TraceNames::intern(QStringLiteral("pacer %1 ms | ws message").arg(m_s.spec.chunkMs));

    bool closeStreamSent = false;
    qint64 closeSentNs = 0;
    qint64 closeDeadline = 0;
    qint64 lastMessageNs = 0;
    for (;;) {
        while (std::optional<WebSocketTransport::Message> m = ws->takeMessage()) {
            lastMessageNs = m->arrivalNs;
            handleMessage(m->data, m->arrivalNs, m->kind == WebSocketTransport::MessageKind::Binary);
        }
        if (closeStreamSent && !m_metadata)
            closeDeadline = closeDeadlineNs(closeSentNs, lastMessageNs, m_options.closeTimeout,
                                            std::chrono::nanoseconds(qint64(m_stats.audioSentS * 1e9)));
        if (ws->state() == WebSocketTransport::State::Closed)
            break;
        if (m_ctx.isCancelled()) {
            ws->abort();
            if (closeStreamSent)
                TraceRecorder::end(m_lane, n.awaitFinal);
            co_return ConnectionEnd::Cancelled;
        }
        const qint64 now = ExecutionContext::nowNs();
        const qint64 total = totalBytes();
        qint64 wakeAt = 0;
        if (m_sendPos < total) {
            const qint64 due = nextChunkDueNs();
            const qint64 chunkEnd = std::min((m_sendPos / m_chunkBytes + 1) * m_chunkBytes, total);
            if (due <= now && availableBytes() < chunkEnd) {
                wakeAt = now + 5'000'000; // a live source is behind its clock: look again shortly
            } else if (due <= now) {
                sendChunk(*ws);
                continue;
            } else {
                wakeAt = due;
            }
        } else if (!closeStreamSent) {
            sendControl(*ws, DeepgramMessage::finalizeMessage(), n.finalize);
            sendControl(*ws, DeepgramMessage::closeStreamMessage(), n.closeStream);
            closeStreamSent = true;
            closeSentNs = now;
            closeDeadline = now + m_options.closeTimeout.count();
            TraceRecorder::begin(m_lane, n.awaitFinal);
            continue;
        } else {
            if (now >= closeDeadline) {
                TraceRecorder::end(m_lane, n.awaitFinal);
                if (m_metadata) {
                    co_await ws->close(WebSocketTransport::NormalClosure, QString(), std::chrono::seconds(2));
                    co_return ConnectionEnd::Done;
                }
                ws->abort();
                // Say how far the server got: silent since CloseStream, or still sending results.
                const qint64 timeoutS =
                    std::chrono::duration_cast<std::chrono::seconds>(m_options.closeTimeout).count();
                fail(lastMessageNs > closeSentNs
                         ? QStringLiteral("no Metadata within %1 s after CloseStream (results still arriving %2 s "
                                          "after it: the service is behind the audio)")
                               .arg(double(now - closeSentNs) / 1e9, 0, 'f', 1)
                               .arg(double(lastMessageNs - closeSentNs) / 1e9, 0, 'f', 1)
                         : QStringLiteral("no Metadata within %1 s after CloseStream (nothing received after it)")
                               .arg(timeoutS));
                co_return ConnectionEnd::Failed;
            }
            // After Metadata the server closes; give it a short while.
            wakeAt = m_metadata ? std::min(closeDeadline, now + 2'000'000'000) : closeDeadline;
            if (m_metadata && closeDeadline > now + 2'000'000'000)
                closeDeadline = now + 2'000'000'000;
        }
        if (!closeStreamSent) {
            const qint64 keepAliveAt = m_lastFrameNs + m_options.keepAlive.count();
            if (keepAliveAt <= now) {
                sendControl(*ws, DeepgramMessage::keepAliveMessage(), n.keepAlive);
                ++m_stats.keepAlives;
                continue;
            }
            wakeAt = std::min(wakeAt, keepAliveAt);
        }
        if (now - m_lastPublishNs >= m_options.publishEvery.count())
            publish(false);
        const WaitOutcome outcome = co_await m_ctx.waitEvent(*ws, Execution::ExecutionClock::fromNs(wakeAt),
                                                             closeStreamSent ? n.waitFinal : waitChunk);
        if (outcome == WaitOutcome::Cancelled) {
            ws->abort();
            if (closeStreamSent)
                TraceRecorder::end(m_lane, n.awaitFinal);
            co_return ConnectionEnd::Cancelled;
        }
    }

    if (closeStreamSent)
        TraceRecorder::end(m_lane, n.awaitFinal);
    co_return closedEnd(*ws, closeStreamSent);
}

LiveTranscriptionStream::ConnectionEnd LiveTranscriptionStream::handshakeRefused(const WebSocketTransport &ws)
{
    const int status = ws.handshakeStatus();
    if (status == 401 || status == 403) {
        fail(QStringLiteral("authentication failed: the server refused the API key (HTTP %1); check DEEPGRAM_API_KEY")
                 .arg(status));
        return ConnectionEnd::Failed;
    }
    if (status == 400 || status == 404 || status == 405) {
        fail(QStringLiteral("the server refused the stream: %1").arg(ws.errorString()));
        return ConnectionEnd::Failed;
    }
    ++m_stats.errors;
    m_lastDropReason = QStringLiteral("cannot connect: %1").arg(ws.errorString());
    return ConnectionEnd::Dropped;
}

// A connection is open: start the audio clock (first time) and rewind to what no final result
// covers yet.
void LiveTranscriptionStream::beginConnection(bool firstConnection)
{
    if (m_reconnecting) {
        TraceRecorder::end(m_lane, names().reconnect);
        m_reconnecting = false;
    }
    if (m_t0 == 0) {
        // The audio clock starts when the first connection is open (like a client that opens the
        // socket, then the microphone), on a whole millisecond so streams with equal chunk sizes
        // share pacer wake-ups.
        m_t0 = (ExecutionContext::nowNs() / 1'000'000 + 1) * 1'000'000;
    }

    // Replay what no final result covers yet (bounded), and put this connection's clock there.
    qint64 replayFrom = m_ackBytes & ~qint64(1);
    const qint64 maxReplay = qint64(m_options.maxReplayS * BytesPerSecond) & ~qint64(1);
    if (m_sendPos - replayFrom > maxReplay) {
        m_stats.errors += 1; // audio older than the replay window is not re-sent
        replayFrom = m_sendPos - maxReplay;
    }
    if (m_sendPos > replayFrom) {
        m_sendPos = replayFrom;
        m_catchingUp = true;
    } else if (!firstConnection) {
        m_catchingUp = true; // audio produced while disconnected is behind schedule
    }
    m_offsetBytes = m_sendPos;
    if (m_connections.size() < 1024)
        m_connections.push_back({m_offsetBytes, 0});
    m_pending.clear();
    m_pendingFlows = 0;
    m_metadata = false;
    m_lastFrameNs = ExecutionContext::nowNs();
    m_lastChunkNs = m_lastFrameNs - m_chunkNs; // the first (re)sent chunk may go at once
}

qint64 LiveTranscriptionStream::nextChunkDueNs()
{
    const qint64 due = scheduleNs(m_sendPos / m_chunkBytes);
    if (!m_catchingUp)
        return due;
    const qint64 paced = m_lastChunkNs + qint64(double(m_chunkNs) / m_options.replaySpeed);
    if (due < paced)
        return paced;
    m_catchingUp = false; // back on the real-time schedule
    return due;
}

// How a connection that closed (or was closed) ended: done, dropped (reconnect) or failed.
LiveTranscriptionStream::ConnectionEnd LiveTranscriptionStream::closedEnd(const WebSocketTransport &ws,
                                                                          bool closeStreamSent)
{
    const int code = ws.closeCode();
    const QString reason = ws.closeReason();
    if (closeStreamSent && (m_metadata || code == WebSocketTransport::NormalClosure))
        return ConnectionEnd::Done;
    if (isReconnectCode(code)) {
        ++m_stats.errors;
        m_lastDropReason = reason.isEmpty() ? QStringLiteral("closed %1").arg(code)
                                            : QStringLiteral("closed %1: %2").arg(code).arg(reason);
        TraceRecorder::instant(m_lane, TraceNames::intern(QStringLiteral("connection lost (%1)").arg(code)));
        return ConnectionEnd::Dropped;
    }
    if (code == 1000 || code == 1001) {
        fail(QStringLiteral("the server closed the stream before it ended (%1 %2)").arg(code).arg(reason));
        return ConnectionEnd::Failed;
    }
    fail(QStringLiteral("the server closed the connection: %1 %2")
             .arg(code)
             .arg(reason.isEmpty() ? ws.errorString() : reason));
    return ConnectionEnd::Failed;
}

bool LiveTranscriptionStream::sendChunk(WebSocketTransport &ws)
{
    const Names &n = names();
    const qint64 index = m_sendPos / m_chunkBytes;
    const qint64 end = std::min({(index + 1) * m_chunkBytes, totalBytes(), availableBytes()});
    // No copy (unless the chunk wraps around a looped source): the audio is not modified while this
    // chunk lives (the transport copies it into its frame before returning).
    const QByteArray chunk = audioBytes(m_sendPos, end);
    const qint64 scheduled = scheduleNs(index);
    TraceRecorder::begin(m_lane, n.sendChunk, quint64(index));
    const qint64 sendNs = ExecutionContext::nowNs();
    const bool sent = ws.sendBinary(chunk);
    TraceRecorder::end(m_lane, n.sendChunk);
    if (!sent) {
        // The connection is going down; its close will be handled by the loop. Do not advance.
        m_lastChunkNs = sendNs;
        return false;
    }
    if (!m_catchingUp)
        m_stats.sendLateness.record(std::max<qint64>(0, sendNs - scheduled));
    if (m_sendPos < m_highWater)
        ++m_stats.chunksReplayed;
    quint64 flowId = 0;
    if (m_pendingFlows < m_options.maxPendingFlows) {
        flowId = TraceRecorder::newFlowId();
        TraceRecorder::flowOut(m_lane, n.chunkFlow, flowId);
        ++m_pendingFlows;
    } else {
        ++m_stats.flowsSkipped;
    }
    m_pending.push_back({m_sendPos, end, sendNs, flowId});
    if (int(m_pending.size()) > m_options.maxPendingChunks) {
        if (m_pending.front().flowId)
            --m_pendingFlows;
        m_pending.pop_front();
    }
    m_stats.bytesSent += chunk.size();
    if (!m_connections.empty())
        m_connections.back().bytesSent += chunk.size();
    ++m_stats.chunksSent;
    m_stats.audioSentS = double(m_stats.bytesSent) / BytesPerSecond;
    if (m_firstChunkNs < 0)
        m_firstChunkNs = sendNs;
    m_sendPos = end;
    m_highWater = std::max(m_highWater, end);
    m_lastChunkNs = m_lastFrameNs = sendNs;
    const qint64 inFlight = ws.bytesToWrite();
    if (inFlight != m_lastBytesInFlight) {
        TraceRecorder::counter(m_lane, n.bytesInFlight, double(inFlight));
        m_lastBytesInFlight = inFlight;
    }
    return true;
}

void LiveTranscriptionStream::sendControl(WebSocketTransport &ws, const QString &message, NameId instant)
{
    if (ws.sendText(message)) {
        TraceRecorder::instant(m_lane, instant);
        m_lastFrameNs = ExecutionContext::nowNs();
    }
}

void LiveTranscriptionStream::handleMessage(const QByteArray &data, qint64 arrivalNs, bool binary)
{
    const Names &n = names();
    m_stats.bytesReceived += data.size();
    if (binary) {
        ++m_stats.errors; // listen never sends binary
        return;
    }
    TraceRecorder::begin(m_lane, n.parse);
    const DeepgramMessage message = DeepgramMessage::parse(data);
    TraceRecorder::end(m_lane, n.parse);
    switch (message.type) {
    case DeepgramMessage::Type::Invalid:
        ++m_stats.malformedMessages;
        ++m_stats.errors;
        TraceRecorder::instant(m_lane, n.malformed);
        break;
    case DeepgramMessage::Type::Results:
        handleResults(message, arrivalNs);
        break;
    case DeepgramMessage::Type::Metadata:
        m_metadata = true;
        TraceRecorder::instant(m_lane, n.metadata);
        break;
    case DeepgramMessage::Type::SpeechStarted:
        TraceRecorder::instant(m_lane, n.speechStarted);
        break;
    case DeepgramMessage::Type::UtteranceEnd:
        TraceRecorder::instant(m_lane, n.utteranceEnd);
        break;
    case DeepgramMessage::Type::Error:
        ++m_stats.errors;
        TraceRecorder::instant(m_lane, TraceNames::intern(QStringLiteral("server error: %1").arg(message.code)));
        break;
    default:
        break;
    }
}

void LiveTranscriptionStream::handleResults(const DeepgramMessage &message, qint64 arrivalNs)
{
    const Names &n = names();
    const DeepgramMessage::Results &r = message.results;
    const double offsetS = double(m_offsetBytes) / BytesPerSecond;
    const double startS = offsetS + r.start;
    const double endS = startS + r.duration;
    const qint64 endByte = std::min<qint64>(qint64(std::llround(endS * BytesPerSecond)) & ~qint64(1), m_highWater);

    // The chunk holding the end of the covered audio gives the latency; every chunk reaching into
    // the covered audio gets its flow arrow here.
    for (const PendingChunk &c : m_pending) {
        if (c.endByte >= endByte) {
            if (c.startByte < endByte || endByte == c.endByte)
                m_stats.transcriptLatency.record(std::max<qint64>(0, arrivalNs - c.sendNs));
            break;
        }
    }
    while (!m_pending.empty() && m_pending.front().startByte < endByte) {
        const PendingChunk &c = m_pending.front();
        if (c.flowId) {
            TraceRecorder::flowIn(m_lane, n.chunkFlow, c.flowId);
            --m_pendingFlows;
        }
        m_pending.pop_front();
    }

    const QString text = r.transcript.trimmed();
    if (!text.isEmpty() && m_stats.timeToFirstResultNs < 0 && m_firstChunkNs >= 0)
        m_stats.timeToFirstResultNs = arrivalNs - m_firstChunkNs;
    if (r.isFinal) {
        ++m_stats.finals;
        m_ackBytes = std::max(m_ackBytes, endByte);
        if (!text.isEmpty()) {
            if (!m_finalText.isEmpty())
                m_finalText += QLatin1Char(' ');
            m_finalText += text;
        }
    } else {
        ++m_stats.interims;
    }
    TraceRecorder::instant(m_lane, r.isFinal ? n.final : n.interim, quint64(r.words.size()));
    if (!text.isEmpty())
        m_s.report->transcript(text, r.isFinal, startS, endS);
}

void LiveTranscriptionStream::publish(bool force)
{
    const qint64 now = ExecutionContext::nowNs();
    if (!force && now - m_lastPublishNs < m_options.publishEvery.count())
        return;
    m_lastPublishNs = now;
    m_stats.durationS = double(now - m_startNs) / 1e9;
    m_s.report->statistics(m_stats, StreamExtras::Live {m_finalText, m_tag, totalBytes(), m_connections});
    if (totalBytes() > 0) {
        m_s.report->progress(double(m_sendPos) / double(totalBytes()));
        m_s.report->audioProgress(double(m_sendPos) / BytesPerSecond, double(totalBytes()) / BytesPerSecond);
    }
}

} // namespace Taskscope::Workloads
