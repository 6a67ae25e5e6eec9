#include "workers/loopback/http/httpresponse.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

namespace Taskscope::Loopback {

HttpResponse &HttpResponse::setHeader(const QByteArray &name, const QByteArray &value)
{
    for (auto &entry : headers) {
        if (entry.first.compare(name, Qt::CaseInsensitive) == 0) {
            entry.second = value;
            return *this;
        }
    }
    headers.append({name, value});
    return *this;
}

HttpResponse HttpResponse::json(int status, const QByteArray &body)
{
    HttpResponse response;
    response.status = status;
    response.setHeader("Content-Type", "application/json");
    response.body = body;
    return response;
}

HttpResponse HttpResponse::text(int status, const QByteArray &body)
{
    HttpResponse response;
    response.status = status;
    response.setHeader("Content-Type", "text/plain; charset=utf-8");
    response.body = body;
    return response;
}

HttpResponse HttpResponse::error(int status, const QString &message, const QByteArray &type)
{
    QByteArray errorType = type;
    if (errorType.isEmpty()) {
        switch (status) {
        case 401:
            errorType = "invalid_request_error";
            break;
        case 429:
            errorType = "rate_limit_exceeded";
            break;
        default:
            errorType = status >= 500 ? "server_error" : "invalid_request_error";
        }
    }
    QJsonObject error {{QStringLiteral("message"), message},
                       {QStringLiteral("type"), QString::fromLatin1(errorType)},
                       {QStringLiteral("param"), QJsonValue::Null},
                       {QStringLiteral("code"), status}};
    return json(status, QJsonDocument(QJsonObject {{QStringLiteral("error"), error}}).toJson(QJsonDocument::Compact));
}

QByteArray HttpResponse::reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 101:
        return "Switching Protocols";
    case 200:
        return "OK";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 413:
        return "Content Too Large";
    case 415:
        return "Unsupported Media Type";
    case 426:
        return "Upgrade Required";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return status >= 500 ? "Server Error" : status >= 400 ? "Client Error" : "Status";
    }
}

QByteArray HttpResponse::serializeHead(bool keepAlive, bool streamingHead) const
{
    QByteArray out;
    out.reserve(256);
    out += "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    out += "Server: taskscope-loopback\r\n";
    for (const auto &[name, value] : headers)
        out += name + ": " + value + "\r\n";
    if (!streamingHead && status != 101 && status != 204 && status >= 200)
        out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    if (status != 101)
        out += keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
    out += "\r\n";
    return out;
}

QByteArray HttpResponse::serialize(bool keepAlive) const
{
    return serializeHead(keepAlive) + body;
}

QByteArray HttpResponse::chunk(QByteArrayView data)
{
    QByteArray out = QByteArray::number(data.size(), 16);
    out += "\r\n";
    out += data;
    out += "\r\n";
    return out;
}

QByteArray HttpResponse::lastChunk()
{
    return QByteArrayLiteral("0\r\n\r\n");
}

} // namespace Taskscope::Loopback
