#pragma once
// What every part of one running LoopbackService shares: configuration, statistics, the recognition
// decoders and worker pool, the synthesizer, the server-wide fault spec, and a safe way for worker
// threads to hand results back to a network thread.
#include "workers/loopback/faultspec.h"
#include "workers/loopback/loopbackconfig.h"
#include "workers/loopback/memorybudget.h"
#include "workers/loopback/servicestats.h"

#include <QMutex>
#include <QThreadPool>
#include <QWaitCondition>

#include <atomic>
#include <functional>
#include <memory>

namespace Taskscope::Loopback {

class DecoderPool;
class HttpRequest;
class NetworkLoop;
class SpeechGrammar;
class SpeechSynthesizer;

class ServiceContext
{
public:
    explicit ServiceContext(const LoopbackConfig &config);
    ~ServiceContext();
    ServiceContext(const ServiceContext &) = delete;
    ServiceContext &operator=(const ServiceContext &) = delete;

    const LoopbackConfig &config() const { return m_config; }
    ServiceStats &stats() { return m_stats; }
    // Bytes buffered for clients across the whole service (see memorybudget.h).
    MemoryBudget &memory() { return m_memory; }
    DecoderPool *decoders() const { return m_decoders.get(); }
    QThreadPool *recognitionPool() { return &m_recognitionPool; }
    // Created on first use (espeak-ng is process-global state; all services share one synthesizer).
    std::shared_ptr<SpeechSynthesizer> synthesizer();
    QStringList warnings() const { return m_warnings; }

    void setServerFaults(const FaultSpec &faults);
    FaultSpec serverFaults() const;
    // The fault spec for one request or WebSocket connection: header, then query, then server-wide
    // (see faultspec.h), after the p= draw. Returns false with *error set when the request's spec is malformed.
    bool faultsFor(const HttpRequest &request, FaultSpec *out, QString *error) const;

    // True when the request carries the configured key (or no key is configured). Accepts
    // "Authorization: Token KEY", "Authorization: Bearer KEY" and the WebSocket subprotocol pair token, KEY.
    bool isAuthorized(const HttpRequest &request) const;

    // Live recognition streams: a slot is taken before a stream starts decoding and given back after.
    bool tryAcquireRecognitionSlot();
    void releaseRecognitionSlot();

    // Synthesis jobs of this service on the shared synthesizer: counted so stop() can wait for the
    // cancelled ones to finish before the context goes away (their callbacks use it).
    void beginSynthesisJob();
    void endSynthesisJob();
    void waitForSynthesisJobs();

    // Runs `fn` on `loop`'s thread unless the service is stopping (then it is dropped). Safe from any thread.
    void post(NetworkLoop *loop, std::function<void()> fn);
    // Called by LoopbackService::stop() before the network loops go away.
    void stopPosting();

private:
    LoopbackConfig m_config;
    ServiceStats m_stats;
    MemoryBudget m_memory;
    std::shared_ptr<SpeechGrammar> m_grammar;
    std::unique_ptr<DecoderPool> m_decoders;
    QThreadPool m_recognitionPool;
    QStringList m_warnings;
    mutable QMutex m_lock;
    FaultSpec m_serverFaults;
    std::shared_ptr<SpeechSynthesizer> m_synthesizer;
    std::atomic<int> m_recognitionStreams {0};
    QMutex m_postLock;
    bool m_posting = true;
    QMutex m_synthesisLock;
    QWaitCondition m_synthesisDone;
    int m_synthesisJobs = 0;
};

} // namespace Taskscope::Loopback
