#include "workers/loopback/endpoints/chatcompletionstream.h"

#include "model/protocol/jsonescape.h"
#include "workers/loopback/http/httpconnection.h"
#include "workers/loopback/servicecontext.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>

#include <cmath>

namespace JsonEscape = Taskscope::Protocol::JsonEscape;

namespace Taskscope::Loopback {

namespace {

constexpr qint64 pacedBacklogBytes = 256 * 1024;
constexpr qint64 unlimitedBacklogBytes = 64 * 1024;
constexpr qint64 flushBytes = 16 * 1024; // queued events are written as one chunk at this size
constexpr int maxTokens = 10'000'000;
// A non-streamed answer is built in one piece on the network thread: kept to a size that takes
// milliseconds, not seconds (a longer completion streams).
constexpr int maxWholeTokens = 131'072;
// Every event repeats the model name, so its length bounds what each event costs.
constexpr qsizetype maxModelLength = 256;

QByteArray randomId()
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    QByteArray id(24, Qt::Uninitialized);
    for (char &c : id)
        c = alphabet[QRandomGenerator::global()->bounded(int(sizeof alphabet - 1))];
    return id;
}

QByteArray jsonString(const QByteArray &utf8)
{
    QByteArray out;
    Protocol::JsonEscape::append(out, utf8);
    return out;
}

// A number from the body, else from a header (when `header` is set); *out keeps its value when neither is given.
bool numberParameter(const QJsonObject &body, const char *field, const HttpRequest &request, const char *header,
                     double min, double max, double *out, QString *error)
{
    const QString key = QString::fromLatin1(field);
    if (body.contains(key)) {
        const QJsonValue v = body.value(key);
        if (!v.isDouble() || v.toDouble() < min || v.toDouble() > max) {
            *error = QStringLiteral("%1 must be a number %2-%3").arg(key).arg(min).arg(max);
            return false;
        }
        *out = v.toDouble();
        return true;
    }
    if (header && request.hasHeader(header)) {
        bool ok = false;
        const double v = request.header(header).toDouble(&ok);
        if (!ok || v < min || v > max) {
            *error =
                QStringLiteral("header %1 must be a number %2-%3").arg(QString::fromLatin1(header)).arg(min).arg(max);
            return false;
        }
        *out = v;
        return true;
    }
    return true;
}

} // namespace

void ChatCompletionStream::start(HttpConnection *connection)
{
    const HttpRequest &request = connection->request();
    const LoopbackConfig &config = connection->context()->config();
    auto fail = [connection](const QString &message) { connection->respond(HttpResponse::error(400, message)); };
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(QStringLiteral("request body must be a JSON object (%1)").arg(parseError.errorString()));
    if (!doc.isObject())
        return fail(QStringLiteral("request body must be a JSON object, not %1")
                        .arg(doc.isArray() ? QStringLiteral("an array") : QStringLiteral("a scalar")));
    const QJsonObject body = doc.object();
    const QJsonValue messages = body.value(QStringLiteral("messages"));
    if (!messages.isArray() || messages.toArray().isEmpty())
        return fail(QStringLiteral("'messages' is required and must be a non-empty array"));

    Parameters p;
    p.model = body.value(QStringLiteral("model")).toString(config.chatModel);
    if (p.model.isEmpty())
        p.model = config.chatModel;
    if (p.model.size() > maxModelLength)
        return fail(QStringLiteral("'model' longer than %1 characters").arg(maxModelLength));
    p.stream = body.value(QStringLiteral("stream")).toBool(false);
    p.includeUsage =
        body.value(QStringLiteral("stream_options")).toObject().value(QStringLiteral("include_usage")).toBool(false);
    p.tokens = config.chatTokens;
    p.tokensPerSecond = config.chatTokensPerSecond;
    p.firstTokenDelayMs = config.chatFirstTokenDelayMs;
    QString error;
    double value = -1;
    for (const char *field : {"max_tokens", "max_completion_tokens"}) {
        value = -1;
        if (!numberParameter(body, field, request, nullptr, 1, maxTokens, &value, &error))
            return fail(error);
        if (value >= 1) {
            p.tokens = int(value);
            p.lengthLimited = true;
        }
    }
    value = -1;
    if (!numberParameter(body, "x_tokens", request, "x-taskscope-tokens", 1, maxTokens, &value, &error))
        return fail(error);
    if (value >= 1) {
        p.tokens = int(value);
        p.lengthLimited = false;
    }
    value = -1;
    if (!numberParameter(body, "x_tokens_per_second", request, "x-taskscope-token-rate", 0, 1e7, &value, &error))
        return fail(error);
    if (value >= 0)
        p.tokensPerSecond = value;
    value = -1;
    if (!numberParameter(body, "x_first_token_delay_ms", request, "x-taskscope-first-token-delay-ms", 0, 600000, &value,
                         &error))
        return fail(error);
    if (value >= 0)
        p.firstTokenDelayMs = int(value);
    if (!p.stream && p.tokens > maxWholeTokens)
        return fail(QStringLiteral(
                        "a completion without \"stream\": true is at most %1 tokens (this one: %2); stream longer ones")
                        .arg(maxWholeTokens)
                        .arg(p.tokens));

    QByteArray promptText;
    int words = 0;
    const QJsonArray list = messages.toArray();
    for (const QJsonValue &m : list) {
        const QString content = m.toObject().value(QStringLiteral("content")).toString();
        promptText += content.toUtf8() + '\n';
        words += int(content.split(QLatin1Char(' '), Qt::SkipEmptyParts).size());
    }
    p.promptTokens = std::max(1, (words * 4 + 2) / 3);
    p.seed = body.contains(QStringLiteral("seed")) ? quint64(body.value(QStringLiteral("seed")).toInteger())
                                                   : TokenGenerator::seedFor(promptText);
    new ChatCompletionStream(connection, p);
}

ChatCompletionStream::ChatCompletionStream(HttpConnection *connection, const Parameters &parameters)
    : QObject(connection)
    , m_connection(connection)
    , m_parameters(parameters)
    , m_generator(parameters.seed)
    , m_id("chatcmpl-" + randomId())
    , m_created(QDateTime::currentSecsSinceEpoch())
{
    m_chunkPrefix = "data: {\"id\":\"" + m_id + "\",\"object\":\"chat.completion.chunk\",\"created\":"
        + QByteArray::number(m_created) + ",\"model\":\"" + jsonString(m_parameters.model.toUtf8())
        + "\",\"system_fingerprint\":\"fp_taskscope\",\"choices\":[{\"index\":0,\"delta\":{";
    connect(connection, &HttpConnection::responseAborted, this, &ChatCompletionStream::stop);
    m_startTimer.setSingleShot(true);
    m_startTimer.setTimerType(Qt::PreciseTimer);
    const qint64 delay = m_parameters.firstTokenDelayMs + connection->faults().messageDelayMs;
    if (!m_parameters.stream) {
        const double generation = m_parameters.tokensPerSecond > 0
            ? m_parameters.tokens / m_parameters.tokensPerSecond * 1000.0
            : 0;
        connect(&m_startTimer, &QTimer::timeout, this, &ChatCompletionStream::respondWhole);
        m_startTimer.start(NetworkLoop::timerMs(qint64(std::min<double>(delay + generation, 24.0 * 3600 * 1000))));
        return;
    }
    HttpResponse head;
    head.setHeader("Content-Type", "text/event-stream; charset=utf-8");
    head.setHeader("Cache-Control", "no-cache");
    head.setHeader("X-Request-Id", m_id);
    connection->beginStream(head);
    m_firstTokenAtMs = NetworkLoop::nowMs() + delay;
    if (m_parameters.tokensPerSecond > 0) {
        m_pacing = true;
        connection->loop()->addPacer(this);
    } else {
        connect(&m_startTimer, &QTimer::timeout, this, &ChatCompletionStream::pumpUnlimited);
        connect(connection, &HttpConnection::writeBufferDrained, this, &ChatCompletionStream::pumpUnlimited);
        m_startTimer.start(NetworkLoop::timerMs(delay));
    }
}

ChatCompletionStream::~ChatCompletionStream()
{
    if (m_pacing && m_connection)
        m_connection->loop()->removePacer(this);
}

void ChatCompletionStream::stop()
{
    if (m_done)
        return;
    m_done = true;
    m_startTimer.stop();
    if (m_pacing && m_connection) {
        m_connection->loop()->removePacer(this);
        m_pacing = false;
    }
    deleteLater();
}

void ChatCompletionStream::tick(qint64 nowMs)
{
    if (m_done || !m_connection || nowMs < m_firstTokenAtMs)
        return;
    const double elapsedMs = double(nowMs - m_firstTokenAtMs);
    const qint64 due = qint64(
        std::min(double(m_parameters.tokens), 1.0 + std::floor(elapsedMs * m_parameters.tokensPerSecond / 1000.0)));
    // Tokens that are due go out only while the client reads: one that paused gets the backlog later,
    // a socket's worth at a time, not all at once.
    produceWhile([this, due] { return m_sent < due; }, pacedBacklogBytes);
    if (!m_done && m_connection && m_sent >= m_parameters.tokens)
        finishStream();
}

void ChatCompletionStream::pumpUnlimited()
{
    if (m_done || !m_connection || m_startTimer.isActive())
        return;
    produceWhile([this] { return m_sent < m_parameters.tokens; }, unlimitedBacklogBytes);
    if (!m_done && m_connection && m_sent >= m_parameters.tokens)
        finishStream();
}

void ChatCompletionStream::produceWhile(const std::function<bool()> &wanted, qint64 backlogBytes)
{
    while (!m_done && m_connection && wanted() && m_connection->pendingWriteBytes() < backlogBytes) {
        emitTokens(1);
        if (m_done || !m_connection)
            return;
        if (m_connection->queuedEventBytes() >= flushBytes)
            m_connection->flushEvents();
    }
    if (!m_done && m_connection)
        m_connection->flushEvents();
}

void ChatCompletionStream::emitTokens(qint64 count)
{
    if (!m_roleSent) {
        m_roleSent = true;
        emitEvent(m_chunkPrefix
                  + "\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":"
                    "null}]}\n\n");
    }
    static const QByteArray contentOpen = QByteArrayLiteral("\"content\":\"");
    static const QByteArray contentClose = QByteArrayLiteral("\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n");
    qint64 emitted = 0;
    for (qint64 i = 0; i < count && !m_done; ++i) {
        const QByteArray token = m_generator.next();
        QByteArray event;
        event.reserve(m_chunkPrefix.size() + contentOpen.size() + token.size() + contentClose.size());
        event += m_chunkPrefix;
        event += contentOpen;
        event += token;
        event += contentClose;
        emitEvent(event);
        ++m_sent;
        ++emitted;
    }
    if (m_connection)
        m_connection->context()->stats().chatTokensSent.fetch_add(emitted, std::memory_order_relaxed);
}

void ChatCompletionStream::emitEvent(const QByteArray &event)
{
    if (m_done || !m_connection || m_connection->isGone()) {
        stop();
        return;
    }
    ++m_events;
    const int errorEvent = m_connection->faults().errorEventMessage;
    if (errorEvent > 0 && m_events == errorEvent) {
        // A mid-stream error the way OpenAI sends one, then the end of the stream.
        m_connection->context()->stats().faultsApplied.fetch_add(1, std::memory_order_relaxed);
        m_connection->writeEvent("data: {\"error\":{\"message\":\"injected fault: error event "
                                 + QByteArray::number(errorEvent)
                                 + "\",\"type\":\"server_error\",\"param\":null,\"code\":\"injected_fault\"}}\n\n");
        if (!m_connection->isGone()) {
            m_connection->flushEvents();
            m_connection->endStream();
        }
        stop();
        return;
    }
    const int malformed = m_connection->faults().malformedJsonMessage;
    if (malformed > 0 && m_events == malformed && event.startsWith("data: {")) {
        m_connection->context()->stats().faultsApplied.fetch_add(1, std::memory_order_relaxed);
        const QByteArray json = event.mid(6, event.size() - 8);
        m_connection->writeEvent("data: " + json.left(json.size() / 2) + "\n\n");
    } else {
        m_connection->writeEvent(event);
    }
    if (m_connection->isGone())
        stop();
}

void ChatCompletionStream::finishStream()
{
    if (m_done || !m_connection)
        return;
    if (!m_roleSent)
        emitTokens(0);
    const QByteArray reason = m_parameters.lengthLimited ? "length" : "stop";
    emitEvent(m_chunkPrefix + "},\"logprobs\":null,\"finish_reason\":\"" + reason + "\"}]}\n\n");
    if (m_parameters.includeUsage && !m_done) {
        const qint64 total = m_parameters.promptTokens + m_sent;
        emitEvent("data: {\"id\":\"" + m_id + "\",\"object\":\"chat.completion.chunk\",\"created\":"
                  + QByteArray::number(m_created) + ",\"model\":\"" + jsonString(m_parameters.model.toUtf8())
                  + "\",\"system_fingerprint\":\"fp_taskscope\",\"choices\":[],\"usage\":{\"prompt_tokens\":"
                  + QByteArray::number(m_parameters.promptTokens) + ",\"completion_tokens\":"
                  + QByteArray::number(m_sent) + ",\"total_tokens\":" + QByteArray::number(total) + "}}\n\n");
    }
    if (!m_done)
        emitEvent(QByteArrayLiteral("data: [DONE]\n\n"));
    if (!m_done && m_connection)
        m_connection->endStream();
    stop();
}

void ChatCompletionStream::respondWhole()
{
    if (m_done || !m_connection)
        return;
    QByteArray content;
    for (int i = 0; i < m_parameters.tokens; ++i)
        content += m_generator.next();
    m_sent = m_parameters.tokens;
    m_connection->context()->stats().chatTokensSent.fetch_add(m_sent, std::memory_order_relaxed);
    const QJsonObject message {{QStringLiteral("role"), QStringLiteral("assistant")},
                               {QStringLiteral("content"), QString::fromUtf8(content)},
                               {QStringLiteral("refusal"), QJsonValue::Null}};
    const QJsonObject choice {{QStringLiteral("index"), 0},
                              {QStringLiteral("message"), message},
                              {QStringLiteral("logprobs"), QJsonValue::Null},
                              {QStringLiteral("finish_reason"),
                               m_parameters.lengthLimited ? QStringLiteral("length") : QStringLiteral("stop")}};
    const QJsonObject usage {{QStringLiteral("prompt_tokens"), m_parameters.promptTokens},
                             {QStringLiteral("completion_tokens"), m_parameters.tokens},
                             {QStringLiteral("total_tokens"), m_parameters.promptTokens + m_parameters.tokens}};
    const QJsonObject body {{QStringLiteral("id"), QString::fromLatin1(m_id)},
                            {QStringLiteral("object"), QStringLiteral("chat.completion")},
                            {QStringLiteral("created"), m_created},
                            {QStringLiteral("model"), m_parameters.model},
                            {QStringLiteral("system_fingerprint"), QStringLiteral("fp_taskscope")},
                            {QStringLiteral("choices"), QJsonArray {choice}},
                            {QStringLiteral("usage"), usage}};
    m_connection->respond(HttpResponse::json(200, QJsonDocument(body).toJson(QJsonDocument::Compact)));
    stop();
}

} // namespace Taskscope::Loopback
