#include "ui/asyncfile.h"

#include <QCoreApplication>
#include <QFile>
#include <QMetaObject>
#include <QPointer>
#include <QSaveFile>
#include <QThreadPool>

namespace Taskscope::Ui {

void AsyncFile::read(QObject *context, const QString &path, qint64 maxBytes, ReadDone done)
{
    QPointer<QObject> guard(context);
    QThreadPool::globalInstance()->start([guard, path, maxBytes, done = std::move(done)] {
        QByteArray data;
        QString error;
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            error = QStringLiteral("Cannot open %1: %2").arg(path, file.errorString());
        else if (file.size() > maxBytes)
            error =
                QStringLiteral("%1 is %2 bytes, more than the limit of %3").arg(path).arg(file.size()).arg(maxBytes);
        else
            data = file.readAll();
        // Post to the application object (it outlives every job); the guard is only read there.
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [guard, data, error, done] {
                if (guard)
                    done(data, error);
            },
            Qt::QueuedConnection);
    });
}

void AsyncFile::write(QObject *context, const QString &path, const QByteArray &data, WriteDone done)
{
    QPointer<QObject> guard(context);
    QThreadPool::globalInstance()->start([guard, path, data, done = std::move(done)] {
        QString error;
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size() || !file.commit())
            error = QStringLiteral("Cannot write %1: %2").arg(path, file.errorString());
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [guard, error, done] {
                if (guard)
                    done(error);
            },
            Qt::QueuedConnection);
    });
}

} // namespace Taskscope::Ui
