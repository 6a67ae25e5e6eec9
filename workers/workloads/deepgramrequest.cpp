#include "workers/workloads/deepgramrequest.h"

#include <QCoreApplication>

#include <atomic>

namespace Taskscope::Workloads {

QUrlQuery DeepgramRequest::listenQuery()
{
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("model"), QStringLiteral("nova-3"));
    q.addQueryItem(QStringLiteral("language"), QStringLiteral("en-US"));
    q.addQueryItem(QStringLiteral("encoding"), QStringLiteral("linear16"));
    q.addQueryItem(QStringLiteral("sample_rate"), QStringLiteral("16000"));
    q.addQueryItem(QStringLiteral("channels"), QStringLiteral("1"));
    q.addQueryItem(QStringLiteral("interim_results"), QStringLiteral("true"));
    q.addQueryItem(QStringLiteral("punctuate"), QStringLiteral("true"));
    q.addQueryItem(QStringLiteral("endpointing"), QStringLiteral("300"));
    q.addQueryItem(QStringLiteral("utterance_end_ms"), QStringLiteral("1000"));
    q.addQueryItem(QStringLiteral("vad_events"), QStringLiteral("true"));
    return q;
}

QUrlQuery DeepgramRequest::speakQuery()
{
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("model"), QStringLiteral("aura-2-thalia-en"));
    q.addQueryItem(QStringLiteral("encoding"), QStringLiteral("linear16"));
    q.addQueryItem(QStringLiteral("sample_rate"), QStringLiteral("16000"));
    return q;
}

QUrl DeepgramRequest::url(const QUrl &base, const QString &path, QUrlQuery query, bool webSocket)
{
    QUrl url = base;
    QString basePath = url.path();
    while (basePath.endsWith(QLatin1Char('/')))
        basePath.chop(1);
    url.setPath(basePath + path);
    if (webSocket) {
        const QString scheme = url.scheme().toLower();
        if (scheme == QLatin1String("http"))
            url.setScheme(QStringLiteral("ws"));
        else if (scheme == QLatin1String("https"))
            url.setScheme(QStringLiteral("wss"));
    }
    url.setQuery(query);
    return url;
}

QNetworkRequest DeepgramRequest::request(const QUrl &url, const ApiKey &key)
{
    QNetworkRequest r(url);
    if (!key.isEmpty())
        r.setRawHeader("Authorization", key.authorizationValue("Token"));
    return r;
}

QString DeepgramRequest::streamTag(int stream)
{
    static std::atomic<int> serial {0};
    return QStringLiteral("taskscope-%1-%2-%3")
        .arg(QCoreApplication::applicationPid())
        .arg(serial.fetch_add(1) + 1)
        .arg(stream + 1);
}

} // namespace Taskscope::Workloads
