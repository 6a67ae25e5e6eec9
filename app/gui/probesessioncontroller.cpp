#include "app/gui/probesessioncontroller.h"

#include "app/gui/tracecontroller.h"
#include "app/gui/watchdogcontroller.h"
#include "app/probe/attachpreflight.h"
#include "ui/attachdialog.h"
#include "ui/launchdialog.h"
#include "ui/mainwindow.h"

#include <QAction>
#include <QMenu>
#include <QMenuBar>
#include <QProcess>
#include <QSettings>

using Taskscope::Gui::TraceController;
using Taskscope::Gui::WatchdogController;
using Taskscope::Ui::AttachDialog;
using Taskscope::Ui::LaunchDialog;
using Taskscope::Ui::MainWindow;

namespace Taskscope::Probe {
namespace {

/// The window's File menu (found by its title: the window owns its menus).
QMenu *fileMenu(MainWindow *window)
{
    for (QAction *action : window->menuBar()->actions()) {
        if (action->menu() && action->text().remove(u'&') == QStringLiteral("File"))
            return action->menu();
    }
    return window->menuBar()->addMenu(QStringLiteral("&Watch"));
}

} // namespace

ProbeSessionController::ProbeSessionController(MainWindow *window, TraceController *trace, WatchdogController *watchdog,
                                               bool remember, QObject *parent)
    : QObject(parent)
    , m_window(window)
    , m_trace(trace)
    , m_watchdog(watchdog)
    , m_remember(remember)
{
    loadLast();
    m_launchAction = new QAction(QStringLiteral("&Launch application…"), this);
    m_launchAction->setToolTip(QStringLiteral("Start a Qt 6 program with the probe: its dispatches and hangs "
                                              "appear here"));
    connect(m_launchAction, &QAction::triggered, this, &ProbeSessionController::showLaunchDialog);
    m_attachAction = new QAction(QStringLiteral("A&ttach to process…"), this);
    connect(m_attachAction, &QAction::triggered, this, &ProbeSessionController::showAttachDialog);
    m_detachAction = new QAction(QStringLiteral("&Detach from watched programs"), this);
    connect(m_detachAction, &QAction::triggered, this, &ProbeSessionController::detachAll);
    QMenu *menu = fileMenu(window);
    QAction *before = nullptr; // after the first group (open, save, live)
    for (QAction *action : menu->actions()) {
        if (action->isSeparator()) {
            before = action;
            break;
        }
    }
    menu->insertActions(before, {menu->insertSeparator(before), m_launchAction, m_attachAction, m_detachAction});
    updateActions();
    // After the frame's own drain (and never while a save reads the store on another thread).
    connect(trace, &TraceController::frame, this, &ProbeSessionController::drain);
    connect(window, &MainWindow::closing, this, &ProbeSessionController::detachAll);
}

ProbeSessionController::~ProbeSessionController()
{
    detachAll();
}

void ProbeSessionController::loadLast()
{
    if (!m_remember)
        return;
    QSettings settings;
    settings.beginGroup(QStringLiteral("launch"));
    m_last.program = settings.value(QStringLiteral("program")).toString();
    m_last.arguments = settings.value(QStringLiteral("arguments")).toStringList();
    m_last.workingDirectory = settings.value(QStringLiteral("workingDirectory")).toString();
    m_last.environment = settings.value(QStringLiteral("environment")).toStringList();
}

void ProbeSessionController::saveLast() const
{
    if (!m_remember)
        return;
    QSettings settings;
    settings.beginGroup(QStringLiteral("launch"));
    settings.setValue(QStringLiteral("program"), m_last.program);
    settings.setValue(QStringLiteral("arguments"), m_last.arguments);
    settings.setValue(QStringLiteral("workingDirectory"), m_last.workingDirectory);
    settings.setValue(QStringLiteral("environment"), m_last.environment);
}

WatchedProcess *ProbeSessionController::adopt(std::unique_ptr<WatchedProcess> process)
{
    WatchedProcess *p = process.get();
    connect(p, &WatchedProcess::alertChanged, m_watchdog, &WatchdogController::showWatchedAlert);
    connect(p, &WatchedProcess::greetedProbe, this, [this, p] {
        if (m_window)
            m_window->showStatus(
                QStringLiteral("Watching %1: its threads are the lane group of that name.").arg(p->displayName()),
                10000);
    });
    connect(p, &WatchedProcess::ended, this, [this, p](const QString &reason) {
        if (m_window)
            m_window->showStatus(QStringLiteral("%1 %2.").arg(p->displayName(), reason), 15000);
        updateActions();
        Q_EMIT processEnded(p, reason);
    });
    connect(p, &WatchedProcess::failed, this, [this, p](const QString &error) {
        if (m_window)
            m_window->showStatus(QStringLiteral("%1: %2").arg(p->displayName(), error), 20000);
        updateActions();
    });
    m_processes.push_back(std::move(process));
    updateActions();
    return p;
}

WatchedProcess *ProbeSessionController::launch(const LaunchRequest &request, QString *error)
{
    if (count() >= MaxWatched) {
        *error = QStringLiteral("%1 programs are watched already; detach first").arg(MaxWatched);
        return nullptr;
    }
    auto process = std::make_unique<WatchedProcess>();
    if (!process->launch(request, error)) {
        if (m_window)
            m_window->showStatus(QStringLiteral("Launch failed: %1").arg(*error), 20000);
        return nullptr;
    }
    m_last = request;
    saveLast();
    return adopt(std::move(process));
}

WatchedProcess *ProbeSessionController::attach(qint64 pid, QString *error)
{
    if (count() >= MaxWatched) {
        *error = QStringLiteral("%1 programs are watched already; detach first").arg(MaxWatched);
        return nullptr;
    }
    auto process = std::make_unique<WatchedProcess>();
    if (!process->attach(pid, error)) {
        if (m_window)
            m_window->showStatus(QStringLiteral("Cannot attach: %1").arg(*error), 20000);
        return nullptr;
    }
    return adopt(std::move(process));
}

void ProbeSessionController::detachAll()
{
    for (const auto &process : m_processes)
        process->detach();
    updateActions();
}

void ProbeSessionController::drain()
{
    if (m_trace->drainPaused())
        return;
    for (const auto &process : m_processes)
        process->drainInto(m_trace->store());
}

void ProbeSessionController::updateActions()
{
    bool watching = false;
    for (const auto &process : m_processes) {
        const auto state = process->state();
        watching = watching || state == WatchedProcess::State::Watching || state == WatchedProcess::State::Starting;
    }
    m_detachAction->setEnabled(watching);
    m_launchAction->setEnabled(count() < MaxWatched);
    m_attachAction->setEnabled(count() < MaxWatched);
}

void ProbeSessionController::showLaunchDialog()
{
    QStringList quoted; // back to what splitCommand() reads
    for (const QString &argument : std::as_const(m_last.arguments))
        quoted.append(argument.contains(u' ') ? u'"' + argument + u'"' : argument);
    LaunchDialog dialog(m_window);
    dialog.setValues({m_last.program, quoted.join(u' '), m_last.workingDirectory, m_last.environment.join(u'\n')});
    if (dialog.exec() != QDialog::Accepted)
        return;
    const LaunchDialog::Values values = dialog.values();
    LaunchRequest request;
    request.program = values.program;
    request.arguments = QProcess::splitCommand(values.arguments);
    request.workingDirectory = values.workingDirectory;
    request.environment = values.environment.split(u'\n', Qt::SkipEmptyParts);
    for (QString &line : request.environment)
        line = line.trimmed();
    request.environment.removeAll(QString());
    QString error;
    launch(request, &error);
}

void ProbeSessionController::showAttachDialog()
{
    AttachDialog dialog(
        [] {
            QList<AttachDialog::Row> rows;
            for (const AttachPreflight::Candidate &candidate : AttachPreflight::qtProcesses())
                rows.append({candidate.pid, candidate.name, candidate.user, candidate.refusal});
            return rows;
        },
        m_window);
    if (dialog.exec() != QDialog::Accepted || dialog.selectedPid() <= 0)
        return;
    QString error;
    attach(dialog.selectedPid(), &error);
}

} // namespace Taskscope::Probe
