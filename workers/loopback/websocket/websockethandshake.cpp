#include "workers/loopback/websocket/websockethandshake.h"

#include "workers/loopback/http/httprequest.h"

#include <QCryptographicHash>

namespace Taskscope::Loopback {

QString WebSocketHandshake::validate(const HttpRequest &request, int *status)
{
    *status = 400;
    if (request.method != "GET")
        return QStringLiteral("WebSocket upgrade must use GET");
    if (request.versionMinor < 1)
        return QStringLiteral("WebSocket upgrade needs HTTP/1.1");
    if (!request.isWebSocketUpgrade())
        return QStringLiteral("missing Upgrade: websocket / Connection: Upgrade");
    if (request.header("sec-websocket-version").trimmed() != "13") {
        *status = 426;
        return QStringLiteral("unsupported Sec-WebSocket-Version (this server speaks 13)");
    }
    const QByteArray key = request.header("sec-websocket-key").trimmed();
    // Exactly 24 base64 characters (16 bytes, "==" padding); a lenient decoder would skip junk.
    const auto decoded = QByteArray::fromBase64Encoding(key, QByteArray::AbortOnBase64DecodingErrors);
    if (key.size() != 24 || !decoded || decoded.decoded.size() != 16)
        return QStringLiteral("Sec-WebSocket-Key must be 16 bytes in base64");
    return QString();
}

QByteArray WebSocketHandshake::acceptKey(const QByteArray &clientKey)
{
    const QByteArray input = clientKey.trimmed() + QByteArrayLiteral("258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    return QCryptographicHash::hash(input, QCryptographicHash::Sha1).toBase64();
}

HttpResponse WebSocketHandshake::accept(const HttpRequest &request, const QByteArray &requestId)
{
    HttpResponse response;
    response.status = 101;
    response.setHeader("Upgrade", "websocket");
    response.setHeader("Connection", "Upgrade");
    response.setHeader("Sec-WebSocket-Accept", acceptKey(request.header("sec-websocket-key")));
    const QList<QByteArray> offered = request.header("sec-websocket-protocol").split(',');
    for (const QByteArray &protocol : offered) {
        const QByteArray p = protocol.trimmed().toLower();
        if (p == "token" || p == "bearer") {
            response.setHeader("Sec-WebSocket-Protocol", p);
            break;
        }
    }
    response.setHeader("dg-request-id", requestId);
    return response;
}

} // namespace Taskscope::Loopback
