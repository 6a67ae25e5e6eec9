#pragma once

#include "model/alertdetails.h"

#include <QWidget>

class QAbstractItemModel;
class QLabel;
class QPushButton;
class QStackedWidget;
class QTabWidget;
class QTableView;
class QTableWidget;
class QTimer;
class QTreeWidget;

namespace Taskscope::Ui {

class FlameGraphView;

/// The watchdog's alerts: a list (time, duration that keeps counting while the hang lasts, verdict,
/// tier, culprit) and, for the selected alert, its stack samples (a flame graph, distinct stacks and
/// hot frames, most frequent first) and the UI thread's kernel states. Selecting an alert asks the timeline to
/// show it.
///
/// Works on any QAbstractItemModel that follows AlertRoles (model/alertdetails.h): columns
/// Time, Duration, Verdict, Tier, Culprit; AlertIdRole, StartNsRole, EndNsRole, OngoingRole,
/// LaneRole and DetailsRole (an AlertDetails) on every cell.
class AlertInspector final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertInspector)

public:
    explicit AlertInspector(QWidget *parent = nullptr);

    /// nullptr shows why there is nothing to list (`unavailableText`).
    void setModel(QAbstractItemModel *model, const QString &unavailableText = {});
    QAbstractItemModel *model() const { return m_model; }
    QTableView *listView() const { return m_list; }
    QTreeWidget *stackTree() const { return m_stacks; }
    QTableWidget *frameTable() const { return m_frames; }
    QTableWidget *stateTable() const { return m_states; }
    FlameGraphView *flameGraph() const { return m_flame; }
    /// What the duration cell shows: the model's text, or for an alert still open the time since it
    /// began, counting up ("1.52 s …").
    static QString durationText(const QModelIndex &index, qint64 nowNs);
    /// The alert shown in the details (0: none).
    quint32 currentAlert() const { return m_current.id; }
    const Model::AlertDetails &currentDetails() const { return m_current; }

public Q_SLOTS:
    /// Selects the alert with this id (e.g. clicked on the timeline). Returns via currentAlert().
    void selectAlert(quint32 alertId);

Q_SIGNALS:
    /// The user picked an alert: the timeline should show [startNs, endNs] on `lane`.
    void jumpRequested(qint64 startNs, qint64 endNs, quint32 lane, quint32 alertId);
    void currentAlertChanged(quint32 alertId);

private:
    void currentRowChanged();
    void showDetails(const Model::AlertDetails &details);
    void tick();
    bool anyOngoing() const;

    QAbstractItemModel *m_model = nullptr;
    QStackedWidget *m_stack = nullptr;
    QLabel *m_unavailable = nullptr;
    QTableView *m_list = nullptr;
    QLabel *m_summary = nullptr;
    QPushButton *m_show = nullptr;
    QTabWidget *m_tabs = nullptr;
    QTreeWidget *m_stacks = nullptr;
    QTableWidget *m_frames = nullptr;
    QTableWidget *m_states = nullptr;
    FlameGraphView *m_flame = nullptr;
    QTimer *m_timer = nullptr;
    Model::AlertDetails m_current;
};

} // namespace Taskscope::Ui
