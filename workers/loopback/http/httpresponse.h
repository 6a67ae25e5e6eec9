#pragma once
// An HTTP/1.1 response head and body, serialized in one piece (for the non-streaming replies), plus
// the helpers streaming replies use (head only, chunk framing).
#include <QByteArray>
#include <QList>

#include <utility>

namespace Taskscope::Loopback {

struct HttpResponse
{
    int status = 200;
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;

    HttpResponse &setHeader(const QByteArray &name, const QByteArray &value);

    static HttpResponse json(int status, const QByteArray &body);
    static HttpResponse text(int status, const QByteArray &body);
    // OpenAI-style error body: {"error":{"message","type","param":null,"code"}}.
    static HttpResponse error(int status, const QString &message, const QByteArray &type = QByteArray());

    static QByteArray reasonPhrase(int status);
    // Status line and headers (with the blank line). Adds Content-Length for the body unless
    // `streamingHead` is set, in which case the caller adds its own framing headers.
    QByteArray serializeHead(bool keepAlive, bool streamingHead = false) const;
    QByteArray serialize(bool keepAlive) const;

    static QByteArray chunk(QByteArrayView data); // "<hex>\r\n<data>\r\n"
    static QByteArray lastChunk(); // "0\r\n\r\n"
};

} // namespace Taskscope::Loopback
