#pragma once

#include "app/probe/launchcommandline.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QProcess>
#include <QTimer>

#include <memory>

class QLocalServer;
class QLocalSocket;
namespace Taskscope::Trace {
class TraceStore;
} // namespace Taskscope::Trace

namespace Taskscope::Probe {

class ProbeReceiver;

/// One `taskscope launch`: a local server, the program started with the probe preloaded, the
/// probe's stream collected into a timeline, then the trace and the report written. Or one
/// `taskscope attach`: the same, with the probe injected into a running process by gdb.
///
/// The program's first probe connection is the one recorded; later ones (children, when they are
/// followed) are counted and closed. Helper processes never get the probe: only the program's
/// environment carries LD_PRELOAD, and the probe removes itself from it unless children are followed.
class LaunchSession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LaunchSession)

public:
    explicit LaunchSession(LaunchCommandLine options, QObject *parent = nullptr);
    ~LaunchSession() override;

    /// False with *error when the probe library is missing or the server cannot listen.
    bool start(QString *error);
    /// After finished(): the exit status described in LaunchCommandLine::helpText().
    int exitCode() const { return m_exitCode; }
    QJsonObject report() const;
    const Trace::TraceStore &store() const { return *m_store; }
    const ProbeReceiver &receiver() const { return *m_receiver; }

    /// Where the probe library is: TASKSCOPE_PROBE_LIBRARY, else the installed one, else the
    /// build tree's. Empty with *error when none exists.
    static QString probeLibraryPath(QString *error);

signals:
    void finished(int exitCode);

private:
    void onNewConnection();
    void onReadyRead();
    void onProcessFinished(int exitCode, QProcess::ExitStatus status);
    void onProcessError(QProcess::ProcessError error);
    bool startAttach(const QString &library, QString *error);
    void onGdbFinished(int exitCode, QProcess::ExitStatus status);
    QString watchdogSettings() const;
    void finish();
    bool writeOutputs(QString *error);
    qint64 longestUiBlockNs() const;

    LaunchCommandLine m_options;
    std::unique_ptr<Trace::TraceStore> m_store;
    std::unique_ptr<ProbeReceiver> m_receiver;
    QLocalServer *m_server = nullptr;
    QLocalSocket *m_socket = nullptr;
    QProcess m_process;
    QProcess m_gdb;
    QTimer m_connectTimer; // attach: the injected probe must connect within this
    QTimer m_stopTimer;
    QTimer m_killTimer;
    QTimer m_drainTimer;
    QElapsedTimer m_clock;
    qint64 m_firstEventMs = -1;
    qint64 m_pid = 0;
    int m_extraConnections = 0;
    bool m_stoppedByUs = false;
    bool m_processDone = false;
    bool m_finished = false;
    QString m_processError;
    int m_programExitCode = 0;
    QProcess::ExitStatus m_programExitStatus = QProcess::NormalExit;
    int m_exitCode = 0;
};

} // namespace Taskscope::Probe
