#pragma once

#include "model/workloadspec.h"
#include "workers/workloads/workloadenvironment.h"

#include <QList>
#include <QNetworkRequest>
#include <QUrl>
#include <QUrlQuery>

namespace Taskscope::Workloads {

/// Builds the requests of the Deepgram workloads: the listen and speak
/// WebSocket URLs (ws/wss from the http/https base URL), the prerecorded POST URL, and the
/// `Authorization: Token KEY` header. Every request carries `tag=` (the stream's id, so the built-in
/// service can count what it received per stream across reconnects) and, when asked, the spec's
/// fault string as `faults=` (the built-in service's per-connection fault injection).
class DeepgramRequest
{
public:
    /// The live query of this project: linear16 16 kHz mono, interim results, endpointing, VAD events.
    static QUrlQuery listenQuery();
    static QUrlQuery speakQuery();

    /// base + path with http(s) turned into ws(s) when webSocket is true.
    static QUrl url(const QUrl &base, const QString &path, QUrlQuery query, bool webSocket);
    static QNetworkRequest request(const QUrl &url, const ApiKey &key);
    /// tag for a stream: unique in the process ("taskscope-<pid>-<serial>-<stream>").
    static QString streamTag(int stream);
};

} // namespace Taskscope::Workloads
