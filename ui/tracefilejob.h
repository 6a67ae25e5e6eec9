#pragma once

#include "model/trace/tracestore.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

namespace Taskscope::Ui {

/// Saves or opens a Chrome trace off the UI thread (QThreadPool), with progress in bytes and a
/// cancel flag, so the window keeps drawing while a large trace is written or parsed.
///
/// Saving reads the store from the worker thread: the caller must not modify the store until
/// finished() (the window pauses the live drain for that time; painting only reads).
class TraceFileJob final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TraceFileJob)

public:
    enum class Kind { Save, Open };

    ~TraceFileJob() override;

    static TraceFileJob *save(const Trace::TraceStore &store, const QString &path, QObject *parent = nullptr);
    static TraceFileJob *open(const QString &path, QObject *parent = nullptr);

    Kind kind() const { return m_kind; }
    QString path() const { return m_path; }
    bool isRunning() const { return m_running; }
    quint64 bytesDone() const;
    /// The file's size (open) or an estimate of the output (save); 0 when unknown.
    quint64 bytesTotal() const;
    void cancel();

    // After finished(true) for an open:
    std::unique_ptr<Trace::TraceStore> takeStore();
    qint64 eventsRead() const { return m_events; }
    qint64 eventsSkipped() const { return m_skipped; }
    int lanesRead() const { return m_lanes; }

Q_SIGNALS:
    void finished(bool ok, const QString &error);

private:
    struct State;
    TraceFileJob(Kind kind, const QString &path, QObject *parent);
    void done(bool ok, const QString &error, qint64 events, qint64 skipped, int lanes);

    Kind m_kind;
    QString m_path;
    bool m_running = true;
    std::shared_ptr<State> m_state;
    std::unique_ptr<Trace::TraceStore> m_store;
    qint64 m_events = 0;
    qint64 m_skipped = 0;
    int m_lanes = 0;
};

} // namespace Taskscope::Ui
