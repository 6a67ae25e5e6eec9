#pragma once
// Deepgram speak v1 over one WebSocket: Speak text messages are buffered; Flush synthesizes the buffer
// (espeak-ng on the shared synthesis thread) and streams it as binary audio chunks as they are
// produced, then Flushed{sequence_id}; Clear cancels what is being synthesized and drops the buffer,
// then Cleared; Close finishes pending audio and closes normally. Metadata is sent on open.
#include "workers/loopback/endpoints/speakoptions.h"
#include "workers/loopback/websocket/websocketsession.h"

#include <QObject>

#include <atomic>
#include <memory>
#include <vector>

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

private:
    struct Flight
    {
        int sequenceId;
        std::shared_ptr<std::atomic<bool>> cancelled;
    };

    void flush(bool announce);
    void submit(const QString &text, int sequenceId, bool announce);
    void onJobDone(const std::shared_ptr<std::atomic<bool>> &job, int sequenceId, bool completed, bool announce,
                   const QString &error);
    void cancelAll();

    WebSocketConnection *m_connection;
    ServiceContext *m_context;
    SpeakOptions m_options;
    QString m_requestId;
    std::shared_ptr<StreamRecord> m_record;
    std::shared_ptr<SpeechSynthesizer> m_synthesizer;
    QString m_text;
    int m_nextSequenceId = 0;
    std::vector<Flight> m_inFlight;
    bool m_closeRequested = false;
    bool m_closed = false;
};
