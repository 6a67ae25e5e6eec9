#include "workers/loopback/speech/recognitionqueue.h"

#include "workers/loopback/servicecontext.h"
#include "workers/loopback/servicestats.h"

#include <QMutexLocker>
#include <QRunnable>

namespace Taskscope::Loopback {

namespace {
constexpr qint64 samplesPerJob = UtteranceRecognizer::sampleRate; // one second of audio
}

RecognitionQueue::RecognitionQueue(ServiceContext *context, const UtteranceRecognizer::Options &options, EventSink sink,
                                   std::shared_ptr<StreamRecord> record)
    : m_context(context)
    , m_sink(std::move(sink))
    , m_record(std::move(record))
    , m_maxPendingSamples(qint64(context->config().maxPendingAudioMs) * UtteranceRecognizer::sampleRate / 1000)
    , m_charge(&context->memory())
    , m_recognizer(context->decoders(), &context->stats(), options)
{
}

void RecognitionQueue::pushAudio(std::vector<int16_t> &&samples)
{
    if (samples.empty())
        return;
    QMutexLocker locker(&m_lock);
    if (m_cancelled)
        return;
    const qint64 bytes = qint64(samples.size()) * 2;
    // The room is reserved before the samples are queued, in one step, so threads cannot overshoot together.
    if (m_pendingSamples + qint64(samples.size()) > m_maxPendingSamples
        || !m_charge.reserve((m_pendingSamples + qint64(samples.size())) * 2, m_context->memory().headroom())) {
        m_context->stats().audioBytesDropped.fetch_add(bytes, std::memory_order_relaxed);
        if (m_record)
            m_record->audioBytesDropped.fetch_add(bytes, std::memory_order_relaxed);
        return;
    }
    m_pendingSamples += qint64(samples.size());
    m_commands.push_back(Command {Command::Kind::Audio, std::move(samples)});
    scheduleLocked();
}

void RecognitionQueue::finalize()
{
    enqueue(Command {Command::Kind::Finalize, {}});
}

void RecognitionQueue::finish()
{
    enqueue(Command {Command::Kind::Finish, {}});
}

void RecognitionQueue::cancel()
{
    QMutexLocker locker(&m_lock);
    m_cancelled = true;
    m_commands.clear();
    m_pendingSamples = 0;
    m_charge.reserve(0);
    // A last job gives the decoder back on a pool thread, not on the network thread.
    scheduleLocked();
}

void RecognitionQueue::enqueue(Command &&command)
{
    QMutexLocker locker(&m_lock);
    if (m_cancelled)
        return;
    m_pendingSamples += qint64(command.samples.size());
    m_charge.reserve(m_pendingSamples * 2);
    m_commands.push_back(std::move(command));
    scheduleLocked();
}

void RecognitionQueue::scheduleLocked()
{
    if (m_scheduled)
        return;
    m_scheduled = true;
    std::shared_ptr<RecognitionQueue> self = shared_from_this();
    m_context->recognitionPool()->start(QRunnable::create([self] { self->run(); }));
}

void RecognitionQueue::run()
{
    std::vector<RecognitionEvent> events;
    qint64 processed = 0;
    bool cancelled = false;
    while (true) {
        Command command;
        {
            QMutexLocker locker(&m_lock);
            cancelled = m_cancelled;
            if (cancelled || m_commands.empty() || processed >= samplesPerJob)
                break;
            command = std::move(m_commands.front());
            m_commands.pop_front();
            m_pendingSamples -= qint64(command.samples.size());
            m_charge.reserve(m_pendingSamples * 2);
        }
        if (!m_started) {
            m_started = true;
            QString error;
            if (!m_recognizer.start(&error)) {
                m_failed = true;
                RecognitionEvent failed;
                failed.kind = RecognitionEvent::Kind::Failed;
                failed.transcript = error;
                events.push_back(failed);
            }
        }
        if (m_failed)
            continue;
        switch (command.kind) {
        case Command::Kind::Audio:
            m_recognizer.feed(command.samples.data(), command.samples.size(), events);
            processed += qint64(command.samples.size());
            break;
        case Command::Kind::Finalize:
            m_recognizer.finalize(events);
            break;
        case Command::Kind::Finish:
            m_recognizer.finish(events);
            break;
        }
    }
    if (cancelled) {
        if (m_started && !m_failed)
            m_recognizer.abandon(); // gives the decoder back
        QMutexLocker locker(&m_lock);
        m_scheduled = false;
        return;
    }
    // Events go out before the next job may start, so they stay in order.
    if (!events.empty())
        m_sink(std::move(events));
    QMutexLocker locker(&m_lock);
    m_scheduled = false;
    if (!m_commands.empty() || m_cancelled)
        scheduleLocked(); // to the back of the pool's queue, so other streams get their turn
}

} // namespace Taskscope::Loopback
