#include "workers/loopback/speech/speechsynthesizer.h"

#include "model/audio/g711.h"
#include "workers/loopback/audio/linearresampler.h"

#include <QMutexLocker>
#include <QThread>

#include <espeak-ng/speak_lib.h>

#include <algorithm>

namespace Taskscope::Loopback {

namespace {

struct ActiveJob
{
    SpeechSynthesizer::Job *job;
    LinearResampler resampler;
    std::vector<int16_t> converted;
};

int synthCallback(short *wav, int count, espeak_EVENT *events)
{
    auto *active = events ? static_cast<ActiveJob *>(events->user_data) : nullptr;
    if (!active)
        return 0;
    if (active->job->cancelled->load())
        return 1; // stops this synthesis
    if (!wav || count <= 0)
        return 0;
    active->converted.clear();
    active->resampler.process(reinterpret_cast<const int16_t *>(wav), std::size_t(count), active->converted);
    QByteArray bytes;
    switch (active->job->encoding) {
    case AudioFormat::Encoding::Linear16:
        bytes.resize(qsizetype(active->converted.size() * 2));
        for (std::size_t i = 0; i < active->converted.size(); ++i) {
            const auto v = quint16(active->converted[i]);
            bytes[qsizetype(2 * i)] = char(v & 0xFF);
            bytes[qsizetype(2 * i + 1)] = char(v >> 8);
        }
        break;
    case AudioFormat::Encoding::Mulaw:
        bytes.resize(qsizetype(active->converted.size()));
        for (std::size_t i = 0; i < active->converted.size(); ++i)
            bytes[qsizetype(i)] = char(Audio::G711::linearToMulaw(active->converted[i]));
        break;
    case AudioFormat::Encoding::Alaw:
        bytes.resize(qsizetype(active->converted.size()));
        for (std::size_t i = 0; i < active->converted.size(); ++i)
            bytes[qsizetype(i)] = char(Audio::G711::linearToAlaw(active->converted[i]));
        break;
    case AudioFormat::Encoding::Float32:
        break;
    }
    if (!bytes.isEmpty() && active->job->onAudio)
        active->job->onAudio(bytes);
    return active->job->cancelled->load() ? 1 : 0;
}

QMutex sharedLock;
std::weak_ptr<SpeechSynthesizer> sharedInstance;
// Held around every espeak call: a finishing synthesizer and its successor may overlap briefly.
QMutex espeakLock;

} // namespace

std::shared_ptr<SpeechSynthesizer> SpeechSynthesizer::shared()
{
    QMutexLocker locker(&sharedLock);
    std::shared_ptr<SpeechSynthesizer> instance = sharedInstance.lock();
    if (!instance) {
        instance = std::shared_ptr<SpeechSynthesizer>(new SpeechSynthesizer);
        sharedInstance = instance;
    }
    return instance;
}

SpeechSynthesizer::SpeechSynthesizer()
{
    m_thread = QThread::create([this] { run(); });
    m_thread->setObjectName(QStringLiteral("loopback-synthesis"));
    m_thread->start();
    QMutexLocker locker(&m_lock);
    while (!m_initialized)
        m_ready.wait(&m_lock);
}

SpeechSynthesizer::~SpeechSynthesizer()
{
    {
        QMutexLocker locker(&m_lock);
        m_stopping = true;
        for (OwnerQueue &queue : m_queues) {
            for (Job &job : queue.jobs)
                job.cancelled->store(true);
        }
        m_wake.wakeAll();
    }
    m_thread->wait();
    delete m_thread;
}

void SpeechSynthesizer::submit(Job job)
{
    QMutexLocker locker(&m_lock);
    if (m_stopping || !isAvailable()) {
        locker.unlock();
        if (job.onDone)
            job.onDone(false, m_error.isEmpty() ? QStringLiteral("synthesizer stopped") : m_error);
        return;
    }
    auto queue = std::find_if(m_queues.begin(), m_queues.end(),
                              [&job](const OwnerQueue &q) { return q.owner == job.owner; });
    if (queue == m_queues.end())
        m_queues.push_back(OwnerQueue {job.owner, {}});
    (queue == m_queues.end() ? m_queues.back() : *queue).jobs.push_back(std::move(job));
    m_wake.wakeOne();
}

void SpeechSynthesizer::run()
{
    // espeak-ng is initialized once per process and never terminated: espeak_Terminate followed by a
    // second espeak_Initialize hangs in 1.51. Its calls are serialized because only one synthesizer
    // thread exists at a time (shared() hands out one instance).
    static int rate = 0;
    static QString initError;
    static bool initializedOnce = false;
    QMutexLocker espeakLocker(&espeakLock);
    if (!initializedOnce) {
        initializedOnce = true;
        rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 50, nullptr, espeakINITIALIZE_DONT_EXIT);
        if (rate <= 0) {
            initError = QStringLiteral("espeak-ng failed to initialize (is espeak-ng-data installed?)");
            rate = 0;
        } else if (espeak_SetVoiceByName("en-us") != EE_OK) {
            initError = QStringLiteral("espeak-ng has no en-us voice");
            rate = 0;
        } else {
            espeak_SetSynthCallback(synthCallback);
            espeak_SetParameter(espeakRATE, 160, 0);
        }
    }
    espeakLocker.unlock();
    {
        QMutexLocker locker(&m_lock);
        m_error = initError;
        m_nativeRate = rate;
        m_initialized = true;
        m_ready.wakeAll();
    }
    while (true) {
        Job job;
        {
            QMutexLocker locker(&m_lock);
            while (m_queues.empty() && !m_stopping)
                m_wake.wait(&m_lock);
            if (m_stopping && m_queues.empty())
                break;
            OwnerQueue queue = std::move(m_queues.front());
            m_queues.pop_front();
            job = std::move(queue.jobs.front());
            queue.jobs.pop_front();
            if (!queue.jobs.empty())
                m_queues.push_back(std::move(queue)); // the owner's next job after everyone else's
        }
        synthesize(job);
    }
}

void SpeechSynthesizer::synthesize(Job &job)
{
    if (job.cancelled->load()) {
        if (job.onDone)
            job.onDone(false, QStringLiteral("cancelled"));
        return;
    }
    const QByteArray text = job.text.left(maxTextLength).toUtf8();
    ActiveJob active {&job, LinearResampler(m_nativeRate, job.sampleRate), {}};
    QMutexLocker espeakLocker(&espeakLock);
    const espeak_ERROR result = espeak_Synth(text.constData(), size_t(text.size() + 1), 0, POS_CHARACTER, 0,
                                             espeakCHARS_UTF8 | espeakENDPAUSE, nullptr, &active);
    espeakLocker.unlock();
    const bool cancelled = job.cancelled->load();
    if (job.onDone) {
        if (result != EE_OK)
            job.onDone(false, QStringLiteral("espeak-ng synthesis failed (%1)").arg(int(result)));
        else
            job.onDone(!cancelled, cancelled ? QStringLiteral("cancelled") : QString());
    }
}

} // namespace Taskscope::Loopback
