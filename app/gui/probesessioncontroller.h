#pragma once

#include "app/probe/watchedprocess.h"

#include <QObject>
#include <QPointer>

#include <memory>
#include <vector>

class QAction;
namespace Taskscope::Gui {
class TraceController;
class WatchdogController;
} // namespace Taskscope::Gui
namespace Taskscope::Ui {
class MainWindow;
} // namespace Taskscope::Ui

namespace Taskscope::Probe {

/// The window's side of watching other Qt 6 programs: File › Launch application…, File › Attach to
/// process… and Detach, the watched processes themselves, their events moved into the live store
/// after each frame's drain, and their alerts listed in the alert inspector (tagged "program (pid)").
///
/// Closing the window detaches: the programs keep running.
class ProbeSessionController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProbeSessionController)

public:
    static constexpr int MaxWatched = 8;

    /// `remember`: keep the last launch's values in QSettings (tests pass false).
    ProbeSessionController(Ui::MainWindow *window, Gui::TraceController *trace, Gui::WatchdogController *watchdog,
                           bool remember, QObject *parent = nullptr);
    ~ProbeSessionController() override;

    /// Starts watching; nullptr with *error when it cannot start (the window also shows why).
    WatchedProcess *launch(const LaunchRequest &request, QString *error);
    WatchedProcess *attach(qint64 pid, QString *error);
    /// Every watched process stops being watched; the programs keep running.
    void detachAll();
    int count() const { return int(m_processes.size()); }
    WatchedProcess *process(int index) const { return m_processes.at(std::size_t(index)).get(); }

    /// The last launch (saved when `remember`), for the dialog's fields.
    LaunchRequest lastLaunch() const { return m_last; }

    QAction *launchAction() const { return m_launchAction; }
    QAction *attachAction() const { return m_attachAction; }
    QAction *detachAction() const { return m_detachAction; }

public Q_SLOTS:
    void showLaunchDialog();
    void showAttachDialog();

Q_SIGNALS:
    void processEnded(WatchedProcess *process, const QString &reason);

private:
    WatchedProcess *adopt(std::unique_ptr<WatchedProcess> process);
    void drain();
    void updateActions();
    void loadLast();
    void saveLast() const;

    QPointer<Ui::MainWindow> m_window;
    Gui::TraceController *m_trace;
    Gui::WatchdogController *m_watchdog;
    bool m_remember;
    std::vector<std::unique_ptr<WatchedProcess>> m_processes;
    LaunchRequest m_last;
    QAction *m_launchAction = nullptr;
    QAction *m_attachAction = nullptr;
    QAction *m_detachAction = nullptr;
};

} // namespace Taskscope::Probe
