#pragma once

#include "workers/workloads/workload.h"

namespace Taskscope::Workloads {

/// Commands (the way a voice assistant's commands look): each stream runs
/// one command of spec.command:
/// - `sleep`: a blocking sleep of spec.commandMs (like `time.sleep` in a `def` command);
/// - `cpu-hash`: SHA-256 over a 64 KiB buffer, round after round, for spec.commandMs (or exactly
///   spec.requests rounds when commandMs is 0);
/// - `io-wait`: an HTTP request whose answer takes spec.commandMs on the server (the built-in
///   service's /v1/echo?latency_ms=; `GET spec.baseUrl` for another server).
///
/// One implementation for every model: the blocking and CPU-bound parts go through
/// ExecutionContext::blockingPart, so they run on the CPU pool in Offload, on the worker thread in
/// Thread, and inline on the UI thread in Coroutine and Blocking -- freezing the UI on purpose,
/// which is what the watchdog shows. The I/O wait goes through the context's HTTP call (a suspended
/// coroutine, or a really blocking read in Blocking).
///
/// The blocking part is a span named "command sleep" / "command cpu-hash" on the lane of the thread
/// that ran it. Statistics: requestLatencyMs (the command's duration), requests, errors, durationS;
/// extra "command", "commandMs", "ranOnUiThread" (sleep, cpu-hash), "rounds" and "digest"
/// (cpu-hash), "status" (io-wait).
class CommandWorkload final : public Workload
{
    Q_OBJECT
public:
    static constexpr int HashBufferBytes = 64 * 1024;

    using Workload::Workload;
    ~CommandWorkload() override = default;
    Q_DISABLE_COPY_MOVE(CommandWorkload)

    /// Span names of the blocking parts (for tests and the timeline).
    static QString spanName(Model::CommandKind kind);

protected:
    StreamFunction makeStream() override;
    QString laneLabel() const override;
};

} // namespace Taskscope::Workloads
