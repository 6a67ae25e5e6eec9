#include "workers/workloads/texttospeechstream.h"

#include "model/protocol/deepgrammessage.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracerecorder.h"
#include "workers/audio/audioplayback.h"
#include "workers/audio/audiosource.h"
#include "workers/execution/executioncontext.h"
#include "workers/execution/tracespan.h"
#include "workers/transport/transportfactory.h"
#include "workers/transport/websockettransport.h"
#include "workers/workloads/deepgramrequest.h"

using Taskscope::Audio::AudioPlayback;
using Taskscope::Audio::AudioSource;
using Taskscope::Execution::ExecutionContext;
using Taskscope::Execution::TraceSpan;
using Taskscope::Execution::WaitOutcome;
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
    NameId connect = TraceNames::intern("connect");
    NameId synthesize = TraceNames::intern("synthesize");
    NameId play = TraceNames::intern("play");
    NameId firstAudio = TraceNames::intern("first audio");
    NameId underrun = TraceNames::intern("underrun");
    NameId flushed = TraceNames::intern("flushed");
    NameId buffered = TraceNames::intern("buffered audio ms");
    NameId waitAudio = TraceNames::intern("ws audio");
    NameId waitPlayback = TraceNames::intern("playback clock");
    NameId parse = TraceNames::intern("parse");
};

const Names &names()
{
    static const Names n;
    return n;
}

} // namespace

QString TextToSpeechStream::defaultText()
{
    return QStringLiteral(
        "Hello from Taskscope. This sentence is synthesized on the server and streamed back as audio.");
}

TextToSpeechStream::TextToSpeechStream(StreamHandle handle, Options options)
    : m_s(std::move(handle))
    , m_options(options)
    , m_ctx(*m_s.ctx)
    , m_lane(m_s.report->lane())
{
}

void TextToSpeechStream::publish(double audioS)
{
    m_stats.durationS = double(ExecutionContext::nowNs() - m_startNs) / 1e9;
    m_s.report->statistics(m_stats, StreamExtras::Speech {audioS, m_tag});
}

void TextToSpeechStream::takeMessages(WebSocketTransport &ws, AudioPlayback &playback, qint64 speakNs, bool *flushed,
                                      bool *playing)
{
    const Names &n = names();
    while (std::optional<WebSocketTransport::Message> m = ws.takeMessage()) {
        m_stats.bytesReceived += m->data.size();
        if (m->kind == WebSocketTransport::MessageKind::Binary) {
            if (m_stats.timeToFirstAudioNs < 0) {
                m_stats.timeToFirstAudioNs = m->arrivalNs - speakNs;
                TraceRecorder::instant(m_lane, n.firstAudio);
                TraceRecorder::begin(m_lane, n.play);
                *playing = true;
            }
            const qint64 underrunsBefore = playback.underruns();
            playback.push(m->data, m->arrivalNs);
            if (playback.underruns() != underrunsBefore)
                TraceRecorder::instant(m_lane, n.underrun);
            TraceRecorder::counter(m_lane, n.buffered,
                                   double(std::max<qint64>(0, playback.playbackEndNs() - m->arrivalNs)) / 1e6);
            continue;
        }
        TraceRecorder::begin(m_lane, n.parse);
        const DeepgramMessage message = DeepgramMessage::parse(m->data);
        TraceRecorder::end(m_lane, n.parse);
        if (message.type == DeepgramMessage::Type::Flushed) {
            *flushed = true;
            m_stats.requestLatency.record(m->arrivalNs - speakNs);
            TraceRecorder::instant(m_lane, n.flushed);
        } else if (message.type == DeepgramMessage::Type::Invalid) {
            ++m_stats.malformedMessages;
            ++m_stats.errors;
        } else if (message.type == DeepgramMessage::Type::Warning || message.type == DeepgramMessage::Type::Error) {
            ++m_stats.errors;
        }
    }
}

QCoro::Task<void> TextToSpeechStream::run()
{
    const Names &n = names();
    m_startNs = ExecutionContext::nowNs();
    const QString text = m_s.spec.text.trimmed().isEmpty() ? defaultText() : m_s.spec.text;
    const QUrl base = m_s.env.baseUrlFor(m_s.spec);
    if (base.isEmpty()) {
        m_s.report->fail(QStringLiteral("no endpoint: the built-in service is not running and no base URL was given"));
        co_return;
    }
    QUrlQuery query = DeepgramRequest::speakQuery();
    m_tag = DeepgramRequest::streamTag(m_s.index);
    query.addQueryItem(QStringLiteral("tag"), m_tag);
    if (!m_s.spec.faults.isEmpty())
        query.addQueryItem(QStringLiteral("faults"), m_s.spec.faults);
    const QNetworkRequest request = DeepgramRequest::request(
        DeepgramRequest::url(base, QStringLiteral("/v1/speak"), query, true),
        m_s.env.keyFor(m_s.spec, WorkloadEnvironment::Service::Deepgram));

    std::unique_ptr<WebSocketTransport> ws = createWebSocket(m_ctx);
    TraceSpan connectSpan(m_lane, n.connect);
    const bool opened = co_await ws->open(request, m_options.connectTimeout);
    connectSpan.end();
    if (m_ctx.isCancelled())
        co_return;
    if (!opened) {
        const int status = ws->handshakeStatus();
        if (status == 401 || status == 403)
            m_s.report->fail(
                QStringLiteral(
                    "authentication failed: the server refused the API key (HTTP %1); check DEEPGRAM_API_KEY")
                    .arg(status));
        else
            m_s.report->fail(QStringLiteral("cannot connect: %1").arg(ws->errorString()));
        co_return;
    }

    AudioPlayback playback(m_s.spec.speed, m_options.useAudioDevice);
    const qint64 speakNs = ExecutionContext::nowNs();
    ws->sendText(DeepgramMessage::speakMessage(text));
    ws->sendText(DeepgramMessage::flushMessage());
    ++m_stats.requests;
    TraceRecorder::begin(m_lane, n.synthesize);
    const Execution::ExecutionClock::time_point deadline = Execution::ExecutionClock::fromNs(speakNs)
        + m_options.synthesisTimeout;
    bool flushed = false;
    bool playing = false;
    QString failure;
    while (!flushed && failure.isEmpty()) {
        takeMessages(*ws, playback, speakNs, &flushed, &playing);
        if (flushed)
            break;
        if (ws->state() == WebSocketTransport::State::Closed) {
            failure = QStringLiteral("the connection closed before the audio was complete (%1 %2)")
                          .arg(ws->closeCode())
                          .arg(ws->closeReason().isEmpty() ? ws->errorString() : ws->closeReason());
            break;
        }
        const WaitOutcome outcome = co_await m_ctx.waitEvent(*ws, deadline, n.waitAudio);
        if (outcome == WaitOutcome::Cancelled || m_ctx.isCancelled()) {
            ws->abort();
            TraceRecorder::end(m_lane, n.synthesize);
            if (playing)
                TraceRecorder::end(m_lane, n.play);
            publish(double(playback.bytesPlayed()) / AudioSource::BytesPerSecond);
            co_return;
        }
        if (outcome == WaitOutcome::Deadline)
            failure = QStringLiteral("no Flushed within %1 s")
                          .arg(std::chrono::duration_cast<std::chrono::seconds>(m_options.synthesisTimeout).count());
    }
    TraceRecorder::end(m_lane, n.synthesize);
    playback.end();
    m_stats.underruns = playback.underruns();
    m_stats.underrunNs = playback.underrunNs();
    if (!failure.isEmpty()) {
        ws->abort();
        if (playing)
            TraceRecorder::end(m_lane, n.play);
        m_s.report->fail(failure);
        publish(double(playback.bytesPlayed()) / AudioSource::BytesPerSecond);
        co_return;
    }
    ws->sendText(DeepgramMessage::closeMessage());
    co_await ws->close(WebSocketTransport::NormalClosure, QString(), m_options.closeTimeout);
    while (std::optional<WebSocketTransport::Message> m = ws->takeMessage())
        m_stats.bytesReceived += m->data.size(); // what came with the close (counted, not played)
    ws.reset();
    // Let the audio play out (the Blocking model really sleeps here: the UI is frozen for it).
    if (!m_ctx.isCancelled() && playback.playbackEndNs() > ExecutionContext::nowNs())
        co_await m_ctx.sleepUntil(Execution::ExecutionClock::fromNs(playback.playbackEndNs()), n.waitPlayback);
    if (playing)
        TraceRecorder::end(m_lane, n.play);
    const double audioS = double(playback.bytesPlayed()) / AudioSource::BytesPerSecond;
    m_stats.audioSentS = 0;
    publish(audioS);
    m_s.report->progress(1);
}

} // namespace Taskscope::Workloads
