#include "workers/workloads/streamextras.h"

#include <QJsonArray>

namespace Taskscope::Workloads {

namespace {

template<typename T>
void insertIfSet(QJsonObject &o, const char *key, const std::optional<T> &value)
{
    if (value)
        o.insert(QLatin1StringView(key), *value);
}

void insert(QJsonObject &o, const StreamExtras::Command &c)
{
    o.insert(QStringLiteral("command"), c.command);
    o.insert(QStringLiteral("commandMs"), c.commandMs);
    insertIfSet(o, "ranOnUiThread", c.ranOnUiThread);
    insertIfSet(o, "rounds", c.rounds);
    insertIfSet(o, "digest", c.digest);
    insertIfSet(o, "status", c.status);
}

void insert(QJsonObject &o, const StreamExtras::Chat &c)
{
    o.insert(QStringLiteral("tokensPerSecond"), c.tokensPerSecond);
    o.insert(QStringLiteral("usageCompletionTokens"), c.usageCompletionTokens);
    o.insert(QStringLiteral("finishReason"), c.finishReason);
    o.insert(QStringLiteral("content"), c.content);
    o.insert(QStringLiteral("contentBytes"), c.contentBytes);
}

void insert(QJsonObject &o, const StreamExtras::Burst &b)
{
    o.insert(QStringLiteral("requestsPerSecond"), b.requestsPerSecond);
    o.insert(QStringLiteral("completed"), b.completed);
    o.insert(QStringLiteral("concurrency"), b.concurrency);
    if (!b.firstError.isEmpty())
        o.insert(QStringLiteral("firstError"), b.firstError);
}

void insert(QJsonObject &o, const StreamExtras::Prerecorded &p)
{
    o.insert(QStringLiteral("transcript"), p.transcript);
    o.insert(QStringLiteral("response"), p.response);
}

void insert(QJsonObject &o, const StreamExtras::Live &l)
{
    o.insert(QStringLiteral("transcript"), l.transcript);
    o.insert(QStringLiteral("tag"), l.tag);
    o.insert(QStringLiteral("totalBytes"), l.totalBytes);
    QJsonArray connections;
    for (const StreamExtras::Live::Connection &c : l.connections)
        connections.append(
            QJsonObject {{QStringLiteral("offsetBytes"), c.offsetBytes}, {QStringLiteral("bytesSent"), c.bytesSent}});
    o.insert(QStringLiteral("connections"), connections);
}

void insert(QJsonObject &o, const StreamExtras::Speech &s)
{
    o.insert(QStringLiteral("audioS"), s.audioS);
    o.insert(QStringLiteral("tag"), s.tag);
}

void insert(QJsonObject &, std::monostate) { }

} // namespace

void StreamExtras::insertInto(QJsonObject &object) const
{
    std::visit([&object](const auto &part) { insert(object, part); }, m_part);
}

} // namespace Taskscope::Workloads
