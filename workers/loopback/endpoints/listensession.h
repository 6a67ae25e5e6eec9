#pragma once
// Deepgram listen v1 over one WebSocket: binary audio in; KeepAlive, Finalize and CloseStream text
// messages; Results (interim and final), SpeechStarted, UtteranceEnd and, after CloseStream, Metadata
// then a normal close out. No audio and no text message for idleTimeoutMs closes with 1011 and the
// NET-0001 reason, as the real service does. An empty binary message is the legacy CloseStream.
//
// With recognition, audio goes through a RecognitionQueue (pocketsphinx on the recognition pool). In
// load-sink mode (server setting, or model=taskscope-load-sink) nothing is recognized: a cheap energy
// VAD yields SpeechStarted, empty final Results and UtteranceEnd, all named "taskscope-load-sink".
#include "workers/loopback/audio/pcmconverter.h"
#include "workers/loopback/endpoints/listenoptions.h"
#include "workers/loopback/networkloop.h"
#include "workers/loopback/speech/energyvad.h"
#include "workers/loopback/speech/recognitionevent.h"
#include "workers/loopback/websocket/websocketsession.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QObject>

#include <memory>
#include <optional>

namespace Taskscope::Loopback {

class RecognitionQueue;
class ServiceContext;
class WebSocketConnection;
struct StreamRecord;

class ListenSession final
    : public QObject
    , public WebSocketSession
    , public NetworkLoop::Ticker
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ListenSession)

public:
    static inline const QString loadSinkModelName = QStringLiteral("taskscope-load-sink");
    static inline const QString idleTimeoutReason = QStringLiteral(
        "Deepgram did not receive audio data or a text message within the timeout window. See https://dpgr.am/net0001");

    static bool wantsLoadSink(ServiceContext *context, const ListenOptions &options);

    ListenSession(WebSocketConnection *connection, ServiceContext *context, const ListenOptions &options,
                  const QString &requestId, bool loadSink, bool holdsRecognitionSlot);
    ~ListenSession() override;

    void onOpen() override;
    void onText(const QByteArray &utf8) override;
    void onBinary(const QByteArray &data) override;
    void onClosed(int code, const QString &reason) override;
    void tick(qint64 nowMs) override;

private:
    void handleAudio(QByteArrayView bytes);
    void handleEvents(std::vector<RecognitionEvent> &&events);
    void handleVadEvents();
    void beginCloseStream();
    void finishCloseStream();
    void sendMessage(const QByteArray &json);

    WebSocketConnection *m_connection;
    ServiceContext *m_context;
    ListenOptions m_options;
    QString m_requestId;
    bool m_loadSink;
    bool m_holdsRecognitionSlot;
    std::shared_ptr<StreamRecord> m_record;
    std::shared_ptr<RecognitionQueue> m_queue;
    std::optional<PcmConverter> m_converter;
    QByteArray m_containerHeader; // WAV header bytes while they arrive (no encoding= given)
    std::vector<int16_t> m_samples;
    QCryptographicHash m_sha256 {QCryptographicHash::Sha256};
    QDateTime m_created;
    qint64 m_audioBytes = 0;
    qint64 m_containerHeaderBytes = 0; // a WAV header's bytes, received but not audio
    qint64 m_lastActivityMs = 0;
    bool m_closing = false; // CloseStream received: no more input, no idle timeout
    bool m_closed = false;
    // Load sink
    std::optional<EnergyVad> m_vad;
    std::vector<EnergyVad::Event> m_vadEvents;
    double m_segmentStart = 0;
    double m_lastSpeechEnd = -1;
    bool m_utteranceEndPending = false;
};

} // namespace Taskscope::Loopback
