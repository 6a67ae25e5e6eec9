#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>
#include <variant>

namespace Taskscope::Workloads {

/// What one stream reports beside its StreamStatistics, as data: one part per workload kind (a
/// stream fills the part of its own kind). JSON is made only for reports (insertInto).
class StreamExtras
{
public:
    struct Command
    {
        QString command; ///< WorkloadSpec's name of the command
        int commandMs = 0;
        std::optional<bool> ranOnUiThread; ///< sleep and hash
        std::optional<qint64> rounds; ///< hash
        std::optional<QString> digest; ///< hash
        std::optional<int> status; ///< I/O wait: the HTTP status
    };
    struct Chat
    {
        double tokensPerSecond = 0;
        qint64 usageCompletionTokens = -1; ///< as the service counted them; -1 when it did not say
        QString finishReason;
        QString content;
        qint64 contentBytes = 0;
    };
    struct Burst
    {
        double requestsPerSecond = 0;
        int completed = 0;
        int concurrency = 0;
        QString firstError; ///< not reported when empty
    };
    struct Prerecorded
    {
        QString transcript;
        QJsonObject response; ///< the service's response document, as received
    };
    struct Live
    {
        struct Connection
        {
            qint64 offsetBytes = 0; ///< where in the audio this connection started
            qint64 bytesSent = 0;
        };
        QString transcript;
        QString tag;
        qint64 totalBytes = 0;
        QList<Connection> connections;
    };
    struct Speech
    {
        double audioS = 0;
        QString tag;
    };
    using Part = std::variant<std::monostate, Command, Chat, Burst, Prerecorded, Live, Speech>;

    StreamExtras() = default;
    template<typename T>
    StreamExtras(T part)
        : m_part(std::move(part))
    {
    }

    /// The part of kind T, or null when the stream reported another kind (or none yet).
    template<typename T>
    const T *part() const
    {
        return std::get_if<T>(&m_part);
    }

    /// Adds the part's figures to a stream's report object under their report keys.
    void insertInto(QJsonObject &object) const;

private:
    Part m_part;
};

} // namespace Taskscope::Workloads
