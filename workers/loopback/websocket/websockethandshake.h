#pragma once
// Server side of the RFC 6455 opening handshake.
#include "workers/loopback/http/httpresponse.h"

#include <QByteArray>
#include <QString>

namespace Taskscope::Loopback {

class HttpRequest;

class WebSocketHandshake
{
public:
    // Empty when `request` is a valid version-13 upgrade; else why not, with the status to answer
    // (400, or 426 for another protocol version).
    static QString validate(const HttpRequest &request, int *status);
    static QByteArray acceptKey(const QByteArray &clientKey);
    // The 101 reply. Echoes "token"/"bearer" when the client authenticated by subprotocol, as Deepgram does.
    static HttpResponse accept(const HttpRequest &request, const QByteArray &requestId);
};

} // namespace Taskscope::Loopback
