#pragma once
// Deepgram speak v1 over one WebSocket: Speak text messages are buffered; Flush synthesizes the buffer
// (espeak-ng on the shared synthesis thread) and streams it as binary audio chunks, then
// Flushed{sequence_id}; Clear cancels what is being synthesized and drops the buffer, then Cleared;
// Close finishes pending audio and closes normally. Metadata is sent on open.
// Backpressure: audio and the messages that follow it wait in the session and go to the connection
// only while its unsent bytes are low, and a stream's next synthesis job starts only when the audio
// of the previous one has gone out, so a client that stops reading holds at most one job's audio
// (counted in the service's memory budget with its queued text) instead of being cut off.
#include "workers/loopback/endpoints/speakoptions.h"
#include "workers/loopback/memorycharge.h"
#include "workers/loopback/websocket/websocketsession.h"

#include <QByteArray>
#include <QObject>

#include <atomic>
#include <deque>
#include <memory>

namespace Taskscope::Loopback {

class ServiceContext;
class SpeechSynthesizer;
class WebSocketConnection;
struct StreamRecord;

class SpeakSession final
    : public QObject
    , public WebSocketSession
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SpeakSession)

public:
    static inline const QString modelName = QStringLiteral("espeak-ng-en-us");
    static constexpr qsizetype maxBufferedText = 10000;
    // Synthesis jobs one stream may have queued or running; a Flush beyond it is refused with a
    // QUEUE_FULL warning (its text is dropped), so one client cannot fill the synthesizer's queue.
    static constexpr int maxQueuedJobs = 16;

    SpeakSession(WebSocketConnection *connection, ServiceContext *context, const SpeakOptions &options,
                 const QString &requestId, const QString &tag);
    ~SpeakSession() override;

    void onOpen() override;
    void onText(const QByteArray &utf8) override;
    void onBinary(const QByteArray &data) override;
    void onClosed(int code, const QString &reason) override;

    // Unsent bytes on the connection below which held audio goes out and the next job may start.
    static constexpr qint64 sendWatermark = 256 * 1024;

private:
    struct Piece
    {
        QString text;
        int sequenceId;
        bool announce; // the last piece of a client's Flush answers Flushed
    };
    struct Held
    {
        QByteArray data;
        bool binary;
    };

    void flush(bool announce);
    // Sends held messages while the connection drains, starts the next job when all is out.
    void pump();
    void submit(const Piece &piece);
    void onAudio(const std::shared_ptr<std::atomic<bool>> &job, const QByteArray &chunk);
    void onJobDone(const std::shared_ptr<std::atomic<bool>> &job, int sequenceId, bool completed, bool announce,
                   const QString &error);
    // A text message in order after the audio held before it.
    void sendInOrder(const QByteArray &utf8);
    void cancelAll();
    void accountMemory();

    WebSocketConnection *m_connection;
    ServiceContext *m_context;
    SpeakOptions m_options;
    QString m_requestId;
    std::shared_ptr<StreamRecord> m_record;
    std::shared_ptr<SpeechSynthesizer> m_synthesizer;
    QString m_text;
    int m_nextSequenceId = 0;
    std::deque<Piece> m_queue; // flushed text waiting for the synthesizer
    std::shared_ptr<std::atomic<bool>> m_running; // the job being synthesized (its cancel flag), or null
    std::deque<Held> m_held; // made but not yet handed to the connection
    qint64 m_heldBytes = 0;
    bool m_closeRequested = false;
    bool m_closed = false;
    MemoryCharge m_charge;
};

} // namespace Taskscope::Loopback
