#pragma once
// Settings of the loopback service, shared by the in-process LoopbackService and taskscope-server.
#include "workers/loopback/faultspec.h"

#include <QHostAddress>
#include <QString>

namespace Taskscope::Loopback {

struct LoopbackConfig
{
    // Network
    QHostAddress host = QHostAddress(QHostAddress::LocalHost);
    quint16 port = 0; // 0: a free port, reported by LoopbackService::start()
    bool allowRemote = false; // binding a non-loopback address needs this
    int networkThreads = 0; // event-loop threads serving sockets; 0: one per core
    QString apiKey; // empty: any key (or none) is accepted; else others get 401

    // Deepgram listen
    int idleTimeoutMs = 10000; // close 1011 NET-0001 after this long without audio or a text message
    bool loadSink = false; // listen without recognition for every stream (energy VAD, byte counts)
    int recognitionThreads = 0; // decoding workers; 0: two per core (a worker creating a decoder
                                // for a new stream, ~50 ms of file reading, must not hold up decoding)
    int prewarmDecoders = 4; // grammar decoders created at start, so the first streams do not wait
    int maxRecognitionStreams = 256; // live streams decoding at once; more are refused with 503
    int endpointingFloorMs = 250; // shortest silence that ends an utterance (pocketsphinx VAD hangover)
    int maxUtteranceMs = 20000; // longer speech is finalized (is_final without speech_final)
    int maxPendingAudioMs = 60000; // undecoded audio a stream may queue; more is dropped and counted
    QString speechDirectory = QStringLiteral(":/speech"); // grammar sentences: each line of every *.txt
    QString acousticModelDirectory = QStringLiteral("/usr/share/pocketsphinx/model/en-us");

    // OpenAI chat completions (each can be overridden per request)
    int chatTokens = 64; // completion length when the request sets no max_tokens
    double chatTokensPerSecond = 50.0; // 0: as fast as the client reads
    int chatFirstTokenDelayMs = 100;
    QString chatModel = QStringLiteral("taskscope-local");

    // Faults applied to every request and connection that carries no fault spec of its own
    FaultSpec faults;

    // Limits
    qint64 maxRequestBodyBytes = 64 * 1024 * 1024;
    qsizetype maxHeaderBytes = 16 * 1024;
    qint64 maxWebSocketMessageBytes = 1024 * 1024;
    qint64 maxPendingWriteBytes = 8 * 1024 * 1024; // unsent bytes per connection before it is cut off
    qint64 maxMemoryBytes = 0; // buffered bytes across all clients; 0: MemoryBudget::defaultLimit()
    int keepAliveTimeoutMs = 30000; // idle HTTP keep-alive connections are closed after this
    int headerTimeoutMs = 15000; // a request head must arrive within this, and a body must not
                                 // stall (no new byte) for longer than this
    int handshakeTimeoutMs = 30000; // a WebSocket upgrade is answered with 101 within this of its request
                                    // (a longer latency fault ends it with 503), so no client holds a
                                    // half-open upgrade and its unread input for long

    bool logConnections = false; // one line per connection on the taskscope.loopback category
};

} // namespace Taskscope::Loopback
