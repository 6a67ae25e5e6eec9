#pragma once

#include <QByteArray>
#include <QDebug>
#include <QString>

namespace Taskscope::Workloads {

/// A secret API key (DEEPGRAM_API_KEY, OPENAI_API_KEY). It has no implicit conversion to text and
/// prints as "<redacted>" in QDebug, so it cannot slip into a log line, a trace name, a report or
/// an exported spec by accident; the only way to the raw text is authorizationValue(), which builds
/// a request header. redact() scrubs the key out of any text that might echo it (a server's error
/// body, a URL with a query token).
class ApiKey
{
public:
    ApiKey() = default;
    explicit ApiKey(QString secret)
        : m_secret(std::move(secret))
    {
    }

    bool isEmpty() const { return m_secret.isEmpty(); }
    /// The header value: `<scheme> <key>` ("Token" for Deepgram, "Bearer" for OpenAI).
    QByteArray authorizationValue(QByteArrayView scheme) const
    {
        return QByteArray(scheme.data(), scheme.size()) + ' ' + m_secret.toUtf8();
    }
    /// `text` with every occurrence of the key replaced by "<redacted>".
    QString redact(QString text) const
    {
        if (m_secret.size() >= 4)
            text.replace(m_secret, QStringLiteral("<redacted>"));
        return text;
    }
    /// From an environment variable (empty if unset).
    static ApiKey fromEnvironment(const char *variable) { return ApiKey(qEnvironmentVariable(variable)); }

    friend QDebug operator<<(QDebug debug, const ApiKey &key)
    {
        QDebugStateSaver saver(debug);
        debug.nospace() << (key.isEmpty() ? "<no key>" : "<redacted>");
        return debug;
    }

private:
    QString m_secret;
};

} // namespace Taskscope::Workloads
