#pragma once
// Faults on demand for the loopback service.
//
// A fault spec is a comma-separated list of items, each NAME or NAME=VALUE (spaces around items are
// ignored). Where a spec comes from, most specific first (the first one found is used, they do not merge):
//   1. the request header      X-Taskscope-Faults: SPEC
//   2. the query parameter     ?faults=SPEC            (URL-encoded; on a WebSocket it holds for the connection)
//   3. the server setting      LoopbackConfig::faults / taskscope-server --faults SPEC
// The control endpoints /v1/stats and /healthz never take server-wide faults.
//
// Items:
// Time items (MS) are 0-86400000 (one day).
//   latency=MS              delay the HTTP response, or the WebSocket handshake reply, by MS milliseconds
//   message-delay=MS        hold every server message (WebSocket message, SSE event) MS before sending it,
//                           order kept
//   drop-after-ms=MS        abort the TCP connection (no close frame, no final chunk) MS after the response
//                           or the WebSocket session started
//   drop-after-rx-bytes=N   abort once the server has received N payload bytes (WebSocket message payloads;
//                           HTTP request body)
//   drop-after-tx-bytes=N   abort once the server has sent N payload bytes (WebSocket message payloads;
//                           HTTP response body, counted before chunk framing)
//   drop-after-messages=N   abort once the server has sent N messages (WebSocket messages; SSE events)
//   close=CODE[:REASON]     WebSocket only: at the drop point send a close frame with CODE and REASON
//                           (URL-encoded) instead of aborting; without any drop-after-* item the close is sent
//                           right after the handshake. CODE is 1000-4999 except 1004-1006 and 1015.
//   malformed-json[=N]      the Nth JSON text message or SSE event (default 1, counting from 1) is sent
//                           truncated, so it does not parse
//   error-event=N           SSE only: the Nth event is replaced by an OpenAI-style mid-stream error event
//                           `data: {"error":{"message":"injected fault: error event N",...}}` and the stream ends
//   status=CODE             answer with HTTP CODE (400-599, e.g. 401, 429, 500) and an OpenAI-style error JSON
//                           body instead of serving the request; a WebSocket upgrade is refused with CODE
//   retry-after=SECONDS     the Retry-After header sent with status=429 or 503 (default 1)
//   slow-read=BYTES_PER_S   read the client's bytes at most this fast (the kernel buffers fill, the client
//                           sees TCP backpressure)
//   p=FRACTION              apply the spec to this fraction (0..1) of requests or connections (default 1)
//   only=PATH               apply only to request paths starting with PATH (useful for server-wide specs)
// Example: taskscope-server --faults 'only=/v1/listen,p=0.1,drop-after-ms=3000,close=1011:NET-0001'
#include <QByteArray>
#include <QString>

#include <optional>

namespace Taskscope::Loopback {

struct FaultSpec
{
    qint64 latencyMs = 0;
    qint64 messageDelayMs = 0;
    qint64 dropAfterMs = -1;
    qint64 dropAfterRxBytes = -1;
    qint64 dropAfterTxBytes = -1;
    qint64 dropAfterMessages = -1;
    int closeCode = 0; // 0: abort at the drop point instead of a close frame
    QString closeReason;
    int malformedJsonMessage = 0; // 0: none, else the 1-based message index
    int errorEventMessage = 0; // 0: none, else the 1-based SSE event replaced by an error event
    int httpStatus = 0; // 0: serve normally
    int retryAfterSeconds = 1;
    qint64 slowReadBytesPerSecond = 0;
    double probability = 1.0;
    QString onlyPathPrefix;

    // True when no item was set (the default-constructed spec).
    bool isEmpty() const;
    // True when some drop trigger (after ms, bytes or messages) is set.
    bool hasDropTrigger() const;
    bool appliesToPath(const QString &path) const;

    // Parses the syntax above. Returns std::nullopt and sets *error on a malformed spec.
    static std::optional<FaultSpec> parse(const QString &text, QString *error = nullptr);
    // The canonical text of this spec (parse(toString()) gives an equal spec).
    QString toString() const;

    // Upper bound of the time items (latency, message-delay, drop-after-ms): one day.
    static constexpr qint64 maxMilliseconds = 86'400'000;

    friend bool operator==(const FaultSpec &, const FaultSpec &) = default;
};

} // namespace Taskscope::Loopback
