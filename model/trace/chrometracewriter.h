#pragma once

#include <QJsonObject>
#include <QString>

class QIODevice;

namespace Taskscope::Trace {

class TraceStore;

struct ChromeTraceOptions
{
    QString processName = QStringLiteral("Taskscope");
    quint32 pid = 1;
    QJsonObject metadata; ///< merged into the top-level "metadata" object
};

/// Writes a TraceStore as Chrome Trace Event JSON that opens in Perfetto and chrome://tracing.
///
/// Thread and stream lanes become threads (numeric tid = lane id, `M` thread names, `X` complete
/// spans, `i` instants, `C` counters); coroutine lanes become async tracks (`b`/`e` for the task with
/// running / suspended / ready children); flows are `s`/`f` pairs with integer ids; alerts are async
/// `b`/`e` bands. Timestamps are microseconds with three decimals (nanosecond precision). The file
/// is written in a streaming fashion, so its size is not limited by QJsonDocument.
class ChromeTraceWriter final
{
public:
    ChromeTraceWriter() = delete;

    using Options = ChromeTraceOptions;

    /// Returns false and sets *error when the device cannot be written.
    static bool write(const TraceStore &store, QIODevice *device, const Options &options, QString *error = nullptr);
    static bool write(const TraceStore &store, QIODevice *device, QString *error = nullptr)
    {
        return write(store, device, Options(), error);
    }
    static QByteArray toJson(const TraceStore &store, const Options &options = Options());
};

} // namespace Taskscope::Trace
