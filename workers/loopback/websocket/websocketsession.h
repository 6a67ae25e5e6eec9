#pragma once
// The protocol that runs over one WebSocketConnection (Deepgram listen or speak). The connection does
// the framing, control frames, close handshake and faults; the session sees whole messages.
#include <QByteArray>
#include <QString>

namespace Taskscope::Loopback {

class WebSocketSession
{
public:
    virtual ~WebSocketSession() = default;
    // The handshake reply has been written.
    virtual void onOpen() = 0;
    virtual void onText(const QByteArray &utf8) = 0;
    virtual void onBinary(const QByteArray &data) = 0;
    // The connection is over (close handshake, abort or loss); nothing more can be sent.
    virtual void onClosed(int code, const QString &reason) = 0;
};

} // namespace Taskscope::Loopback
