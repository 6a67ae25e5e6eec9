#pragma once
// POST /v1/chat/completions, OpenAI-compatible. With "stream": true the answer is Server-Sent Events:
// a role chunk, one content chunk per token, a chunk with finish_reason, a usage chunk when
// stream_options.include_usage is set, then "data: [DONE]". With "stream": false, one
// chat.completion JSON after the same simulated generation time.
//
// Per request (body field, else header, else the server setting):
//   length            max_tokens / max_completion_tokens (finish_reason "length"), or x_tokens /
//                     X-Taskscope-Tokens (finish_reason "stop")
//   token rate        x_tokens_per_second / X-Taskscope-Token-Rate (0: as fast as the client reads)
//   first-token delay x_first_token_delay_ms / X-Taskscope-First-Token-Delay-Ms
// Pacing uses the network loop's shared pacer; a client that reads slower than the rate gets tokens
// as fast as it reads (tokens are made only while the socket's unsent bytes stay under 256 KiB), so a
// paused reader gets the rest of its stream, whole, when it reads again. Without "stream": true the
// answer is built in one piece, so it is limited to 131,072 tokens; "model" is at most 256 characters
// (every event repeats it).
#include "workers/loopback/endpoints/tokengenerator.h"
#include "workers/loopback/networkloop.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>

namespace Taskscope::Loopback {

class HttpConnection;

class ChatCompletionStream final
    : public QObject
    , public NetworkLoop::Ticker
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChatCompletionStream)

public:
    struct Parameters
    {
        QString model;
        bool stream = false;
        bool includeUsage = false;
        int tokens = 64;
        bool lengthLimited = false;
        double tokensPerSecond = 50;
        int firstTokenDelayMs = 100;
        quint64 seed = 0;
        int promptTokens = 0;
    };

    // Parses the request and answers errors itself (400 with an OpenAI error body), else starts.
    static void start(HttpConnection *connection);
    ~ChatCompletionStream() override;

    void tick(qint64 nowMs) override;

private:
    ChatCompletionStream(HttpConnection *connection, const Parameters &parameters);
    void emitTokens(qint64 count);
    void emitEvent(const QByteArray &event);
    void pumpUnlimited();
    // Emits tokens one by one while `wanted` holds and the connection has under `backlogBytes` unsent.
    void produceWhile(const std::function<bool()> &wanted, qint64 backlogBytes);
    void finishStream();
    void respondWhole();
    void stop();

    QPointer<HttpConnection> m_connection;
    Parameters m_parameters;
    TokenGenerator m_generator;
    QByteArray m_id;
    qint64 m_created;
    QByteArray m_chunkPrefix;
    qint64 m_firstTokenAtMs = 0;
    qint64 m_sent = 0;
    qint64 m_events = 0;
    bool m_roleSent = false;
    bool m_done = false;
    bool m_pacing = false;
    QTimer m_startTimer;
};

} // namespace Taskscope::Loopback
