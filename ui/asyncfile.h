#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>

#include <functional>

namespace Taskscope::Ui {

/// Small file reads and writes off the UI thread (QThreadPool), with the result delivered back on
/// the context object's thread, and dropped if the context is gone by then.
class AsyncFile final
{
public:
    AsyncFile() = delete;

    using ReadDone = std::function<void(const QByteArray &data, const QString &error)>;
    using WriteDone = std::function<void(const QString &error)>;

    static void read(QObject *context, const QString &path, qint64 maxBytes, ReadDone done);
    /// Writes atomically (QSaveFile): the old file stays intact if anything fails.
    static void write(QObject *context, const QString &path, const QByteArray &data, WriteDone done);
};

} // namespace Taskscope::Ui
