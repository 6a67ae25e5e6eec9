#pragma once
// One parsed HTTP/1.x request.
#include <QByteArray>
#include <QList>
#include <QString>
#include <QUrlQuery>

#include <utility>

namespace Taskscope::Loopback {

struct HttpRequest
{
    QByteArray method;
    QByteArray target; // as sent: origin-form "/path?query" or absolute-form
    QString path; // decoded path
    QUrlQuery query;
    int versionMinor = 1; // HTTP/1.<versionMinor>
    QList<std::pair<QByteArray, QByteArray>> headers; // names lower-cased, values trimmed, in order
    QByteArray body;

    // The first header called `name` (lower-case), or an empty array.
    QByteArray header(QByteArrayView name) const;
    bool hasHeader(QByteArrayView name) const;
    // True when the comma-separated header `name` lists `token` (case-insensitive).
    bool headerHasToken(QByteArrayView name, QByteArrayView token) const;
    QString queryValue(const QString &key) const;
    bool keepAlive() const;
    bool isWebSocketUpgrade() const;
};

} // namespace Taskscope::Loopback
