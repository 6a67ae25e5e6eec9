#pragma once
// In-process speech synthesis with libespeak-ng (voice en-us). espeak-ng keeps global state, so one
// synthesizer per process runs every job in order on its own thread (AUDIO_OUTPUT_SYNCHRONOUS with a
// synth callback); audio is handed out chunk by chunk (about 50 ms each) as espeak produces it,
// resampled from espeak's 22,050 Hz and encoded as requested. Jobs can be cancelled mid-way. Jobs of
// one owner (a speak stream) run in order; owners take turns, one job each, so a client that queues
// many jobs does not hold up the first audio of the others.
#include "workers/loopback/audio/audioformat.h"

#include <QByteArray>
#include <QMutex>
#include <QString>
#include <QWaitCondition>

#include <atomic>
#include <deque>
#include <functional>
#include <memory>

class QThread;

namespace Taskscope::Loopback {

class SpeechSynthesizer
{
public:
    struct Job
    {
        QString text;
        int sampleRate = 24000;
        AudioFormat::Encoding encoding = AudioFormat::Encoding::Linear16;
        const void *owner = nullptr; // jobs with the same owner run in submission order
        std::shared_ptr<std::atomic<bool>> cancelled = std::make_shared<std::atomic<bool>>(false);
        // Both run on the synthesis thread; they must hand the data to the right thread themselves.
        std::function<void(QByteArray)> onAudio;
        std::function<void(bool completed, const QString &error)> onDone;
    };

    // The process-wide synthesizer, created on first use and shut down when the last user lets go.
    static std::shared_ptr<SpeechSynthesizer> shared();
    ~SpeechSynthesizer();
    SpeechSynthesizer(const SpeechSynthesizer &) = delete;
    SpeechSynthesizer &operator=(const SpeechSynthesizer &) = delete;

    bool isAvailable() const { return m_nativeRate > 0; }
    QString error() const { return m_error; }
    int nativeSampleRate() const { return m_nativeRate; }
    // Thread-safe. An owner's jobs run in submission order; owners take turns.
    void submit(Job job);

    static constexpr qsizetype maxTextLength = 2000; // per job, like Deepgram's per-message limit

private:
    SpeechSynthesizer();
    void run();
    void synthesize(Job &job);

    QThread *m_thread = nullptr;
    QMutex m_lock;
    QWaitCondition m_wake;
    QWaitCondition m_ready;
    struct OwnerQueue
    {
        const void *owner;
        std::deque<Job> jobs;
    };
    std::deque<OwnerQueue> m_queues; // one per owner with jobs waiting, served in turn
    bool m_stopping = false;
    bool m_initialized = false;
    int m_nativeRate = 0;
    QString m_error;
};

} // namespace Taskscope::Loopback
