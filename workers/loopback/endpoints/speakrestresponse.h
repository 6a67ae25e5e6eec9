#pragma once
// POST /v1/speak (Deepgram's REST text-to-speech): body {"text": "..."}; the audio is streamed back in
// a chunked response as espeak-ng produces it (a WAV header first for linear16 unless container=none),
// so a client can measure the time to its first audio byte. Audio the client has not read yet waits
// here (counted in the memory budget) and goes out while the connection holds little unsent, so a
// slow reader gets the whole answer instead of being cut off.
#include "workers/loopback/endpoints/speakoptions.h"
#include "workers/loopback/memorycharge.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>

#include <atomic>
#include <deque>
#include <memory>

namespace Taskscope::Loopback {

class HttpConnection;

class SpeakRestResponse final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SpeakRestResponse)

public:
    // Validates the request, answers errors itself, else starts streaming.
    static void start(HttpConnection *connection);
    // A WAV header for streamed 16-bit mono PCM with unknown length (sizes set to the maximum).
    static QByteArray streamingWavHeader(int sampleRate);

private:
    SpeakRestResponse(HttpConnection *connection, const SpeakOptions &options, const QString &text);
    void onAudio(const QByteArray &chunk);
    void onDone(bool completed, const QString &error);
    void pump();

    QPointer<HttpConnection> m_connection;
    SpeakOptions m_options;
    std::shared_ptr<std::atomic<bool>> m_cancelled;
    std::deque<QByteArray> m_held;
    qint64 m_heldBytes = 0;
    bool m_done = false;
    MemoryCharge m_charge;
};

} // namespace Taskscope::Loopback
