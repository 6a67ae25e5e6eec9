#pragma once

#include "model/protocol/fielderror.h"
#include "model/protocol/jsonfieldreader.h"

#include <QJsonObject>
#include <QString>
#include <QUrl>

#include <optional>

namespace Taskscope::Model {

/// Which workload a task runs.
enum class WorkloadKind {
    LiveTranscription,
    TextToSpeech,
    Prerecorded,
    ChatStream,
    RequestBurst,
    Command,
};

/// Where a workload's work runs. One workload implementation takes this as a parameter.
enum class ExecutionModel {
    Thread, ///< a QObject worker in its own QThread (or a bounded pool for bursts)
    Coroutine, ///< a QCoro task on the UI thread's event loop
    Offload, ///< a coroutine whose blocking / CPU-bound parts run on QThreadPool
    Blocking, ///< the blocking calls made on the UI thread (the anti-pattern the watchdog shows)
};

enum class AudioSourceKind {
    Sample, ///< a bundled speech sample (resources/speech), by name
    File, ///< any WAV file
    Tone, ///< a generated sine tone
    Microphone, ///< the default input device, when one exists
};

enum class CommandKind {
    Sleep, ///< blocking sleep, like time.sleep in a voice assistant command
    CpuHash, ///< CPU-bound hashing
    IoWait, ///< waiting on I/O (an HTTP request with server-side latency)
};

/// Everything needed to start one workload: what the stream panel and a scenario file describe.
/// API keys are never part of a spec (they come from settings or the environment), so specs can be
/// logged, saved and shown.
struct WorkloadSpec
{
    WorkloadKind kind = WorkloadKind::LiveTranscription;
    ExecutionModel model = ExecutionModel::Coroutine;
    int count = 1; ///< how many streams / tasks of this spec run at once
    QUrl baseUrl; ///< empty: the built-in loopback service
    QString label; ///< optional display name

    // Audio (live transcription, prerecorded)
    AudioSourceKind source = AudioSourceKind::Sample;
    QString audio; ///< sample name or file path
    int chunkMs = 20; ///< 20..250
    double durationS = 0; ///< 0: the source's own length; else loop / generate this long
    double toneHz = 440;
    double speed = 1; ///< live: pace at this multiple of real time (tests stream faster); 1 = real time
    double pauseS = 0; ///< live: halfway through, stop sending audio this long (a muted mic; KeepAlive flows)

    // Text (speech synthesis, chat)
    QString text;
    int maxTokens = 64;
    int tokensPerSecond = 0; ///< chat: ask the built-in service for this rate (0: its default)

    // Request burst
    int requests = 100;
    int concurrency = 8;
    int payloadBytes = 1024;
    int latencyMs = 0;

    // Commands
    CommandKind command = CommandKind::Sleep;
    int commandMs = 300;

    QString faults; ///< fault spec for the built-in service (see workers/loopback)

    QJsonObject toJson() const;
    /// Parses a spec; unknown keys are ignored, wrong types and out-of-range values are errors
    /// (*error names the field). `reader` gives the spec's place in a larger input.
    static std::optional<WorkloadSpec> fromJson(const QJsonObject &object,
                                                Taskscope::Protocol::FieldError *error = nullptr);
    static std::optional<WorkloadSpec> read(Taskscope::Protocol::JsonFieldReader &reader);

    static QString toString(WorkloadKind kind);
    static QString toString(ExecutionModel model);
    static QString toString(AudioSourceKind source);
    static QString toString(CommandKind command);
    static bool parse(const QString &text, WorkloadKind *kind);
    static bool parse(const QString &text, ExecutionModel *model);
    static bool parse(const QString &text, AudioSourceKind *source);
    static bool parse(const QString &text, CommandKind *command);
};

} // namespace Taskscope::Model
