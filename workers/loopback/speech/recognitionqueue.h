#pragma once
// Moves one live stream's recognition off the network thread: audio and commands queue here, and a
// job on the service's recognition pool drains them through the stream's UtteranceRecognizer, one job
// at a time per stream (so decoding stays in order), at most a second of audio per job (so a client
// sending far faster than real time cannot starve the other streams). Undecoded audio is capped, and
// counted in the service's memory budget; beyond the cap, or with the budget spent, new audio is
// dropped and counted.
#include "workers/loopback/memorycharge.h"
#include "workers/loopback/speech/recognitionevent.h"
#include "workers/loopback/speech/utterancerecognizer.h"

#include <QMutex>

#include <deque>
#include <functional>
#include <memory>
#include <vector>

namespace Taskscope::Loopback {

class ServiceContext;
struct StreamRecord;

class RecognitionQueue : public std::enable_shared_from_this<RecognitionQueue>
{
public:
    // Called on a pool thread with each batch of events; it must hand them to the right thread itself.
    using EventSink = std::function<void(std::vector<RecognitionEvent> &&)>;

    RecognitionQueue(ServiceContext *context, const UtteranceRecognizer::Options &options, EventSink sink,
                     std::shared_ptr<StreamRecord> record);

    void pushAudio(std::vector<int16_t> &&samples);
    void finalize();
    void finish();
    // The stream is gone: drop queued work and give the decoder back soon.
    void cancel();

private:
    struct Command
    {
        enum class Kind { Audio, Finalize, Finish } kind;
        std::vector<int16_t> samples;
    };

    void enqueue(Command &&command);
    void scheduleLocked();
    void run();

    ServiceContext *m_context;
    EventSink m_sink;
    std::shared_ptr<StreamRecord> m_record;
    QMutex m_lock;
    std::deque<Command> m_commands;
    qint64 m_pendingSamples = 0;
    qint64 m_maxPendingSamples;
    MemoryCharge m_charge; // the queued samples, under m_lock
    bool m_scheduled = false;
    bool m_cancelled = false;
    // Touched only by the running job.
    UtteranceRecognizer m_recognizer;
    bool m_started = false;
    bool m_failed = false;
};

} // namespace Taskscope::Loopback
