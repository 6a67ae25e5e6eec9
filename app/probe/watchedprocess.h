#pragma once

#include "app/probe/probelivereader.h"
#include "model/alertrecord.h"

#include <QJsonObject>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QThread>
#include <QTimer>

#include <vector>

class QSocketNotifier;
namespace Taskscope::Trace {
class TraceStore;
} // namespace Taskscope::Trace

namespace Taskscope::Probe {

/// What File › Launch application… starts.
struct LaunchRequest
{
    QString program;
    QStringList arguments;
    QString workingDirectory; ///< empty: the window's own
    QStringList environment; ///< "NAME=value" lines added to the window's environment
};

/// One program the window watches through the probe: launched by us with the probe preloaded, or a
/// running one the probe was injected into with gdb. Lives on the UI thread; the probe's stream is
/// read and decoded on a thread of its own (ProbeLiveReader), and drainInto() moves what arrived
/// into the window's store at frame rate.
///
/// Its lanes form one group named "program (pid)". Detaching (or destroying this object, e.g. when
/// the window closes) leaves the program running: a launched program is spawned without a QProcess
/// (which would kill it on destruction) and waited for through a pidfd. When the program exits its
/// lanes end, and the UI thread's lane is renamed with the reason ("exited 0", "killed by SIGSEGV").
class WatchedProcess final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WatchedProcess)

public:
    enum class State { Starting, Watching, Detached, Ended, Failed };

    explicit WatchedProcess(QObject *parent = nullptr);
    ~WatchedProcess() override;

    /// Starts the program with the probe preloaded. False with *error (program not found, no probe).
    bool launch(const LaunchRequest &request, QString *error);
    /// Injects the probe into process `pid` with gdb. False with the pre-flight's refusal in *error;
    /// a later failure (gdb, no connection) ends in failed().
    bool attach(qint64 pid, QString *error);
    /// Stops reading; the program keeps running (the probe inside it goes idle, dropping and counting).
    void detach();

    /// UI thread, at frame rate: moves the items read since the last call into `store`.
    std::size_t drainInto(Trace::TraceStore &store);

    State state() const { return m_state; }
    qint64 pid() const { return m_pid; }
    /// "program (pid)": the lane group's name and the alerts' tag.
    QString displayName() const { return m_displayName; }
    QString endReason() const { return m_endReason; }
    QString errorString() const { return m_error; }
    bool greeted() const { return !m_hello.isEmpty(); }
    QJsonObject hello() const { return m_hello; }
    QList<Trace::LaneId> lanes() const { return m_reader ? m_reader->lanes() : QList<Trace::LaneId> {}; }
    Trace::LaneId uiLane() const { return m_reader ? m_reader->uiLane() : Trace::NoLane; }
    quint64 droppedItems() const { return m_reader ? m_reader->droppedItems() : 0; }
    /// Milliseconds from the start (or the injection) to the first events drained into the store; -1 before.
    qint64 msToFirstSpan() const { return m_msToFirstSpan; }

    /// "exited 3", "killed by SIGSEGV" for a wait status of waitid().
    static QString describeExit(int code, bool signalled);
    /// Why a launch request cannot start: empty when it can.
    static QString checkRequest(const LaunchRequest &request);

Q_SIGNALS:
    void greetedProbe(const QJsonObject &hello);
    void alertChanged(const Model::AlertRecord &alert);
    /// The program exited or crashed (reason as in describeExit()), or the probe went away.
    void ended(const QString &reason);
    void failed(const QString &error);

private:
    bool startReader(QString *error);
    void onChildExited();
    void onDisconnected();
    void onGdbFinished(int exitCode, QProcess::ExitStatus status);
    void end(const QString &reason);
    void stopReader();

    QThread m_thread;
    ProbeLiveReader *m_reader = nullptr;
    QProcess m_gdb;
    QTimer m_connectTimer;
    QTimer m_alivePoll; // attached: no pidfd wait status for a process that is not our child
    QSocketNotifier *m_exitNotifier = nullptr;
    int m_pidfd = -1;
    qint64 m_pid = 0;
    bool m_ourChild = false;
    State m_state = State::Starting;
    QString m_displayName;
    QString m_endReason;
    QString m_error;
    QString m_byeReason;
    QJsonObject m_hello;
    QElapsedTimer m_clock;
    qint64 m_msToFirstSpan = -1;
    std::vector<LiveProbeItem> m_items;
};

} // namespace Taskscope::Probe
