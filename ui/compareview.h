#pragma once

#include <QJsonObject>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QSpinBox;
class QTableView;
namespace Taskscope::Model {
class RunComparisonModel;
} // namespace Taskscope::Model

namespace Taskscope::Ui {

/// Two runs side by side: every figure of two JSON reports (e.g. the same scenario run with threads
/// and with coroutines) with both values drawn as bars on one scale, and the change coloured by
/// whether it is better or worse. Reports come from the app (setRuns) or from files (Load A / B):
/// run reports, or saved traces compared by their per-name span figures.
///
/// The top row asks for a comparison run: a scenario and two execution models; Run emits
/// runRequested() and the app reports back with setRunState() and setRuns().
class CompareView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CompareView)

public:
    static constexpr qint64 MaxReportBytes = 64ll << 20;

    explicit CompareView(QWidget *parent = nullptr);

    void setRuns(const QString &labelA, const QJsonObject &reportA, const QString &labelB, const QJsonObject &reportB);
    /// Several runs per model (Repeat): medians, judged by their spread.
    void setRepeatedRuns(const QString &labelA, const QList<QJsonObject> &runsA, const QString &labelB,
                         const QList<QJsonObject> &runsB);
    Model::RunComparisonModel *comparison() const { return m_model; }
    QTableView *table() const { return m_table; }
    void setFilter(const QString &text);

    /// The comparison-run controls: the chosen scenario (a path, ":/scenarios/x.json" for bundled ones)
    /// and the two model names ("thread", "coroutine", ...).
    QComboBox *scenarioBox() const { return m_scenario; }
    QComboBox *modelBoxA() const { return m_modelA; }
    QComboBox *modelBoxB() const { return m_modelB; }
    QPushButton *runButton() const { return m_run; }
    QSpinBox *repeatBox() const { return m_repeats; } ///< how many times to run each model
    QString runStatus() const;
    /// Selects (adding if needed) a scenario file in the run controls.
    void setScenario(const QString &path);

public Q_SLOTS:
    void loadRunA();
    void loadRunB();
    /// Reads a report file off the UI thread into run A (0) or run B (1). A saved Chrome trace is
    /// read too: its per-name span figures (count, total, p50, p99, max) become the run's figures.
    void loadReportFile(int run, const QString &path);
    /// While running, Run turns into Cancel and `status` says how far it is.
    void setRunState(bool running, const QString &status);

Q_SIGNALS:
    void loadFailed(const QString &error);
    void runsChanged();
    void runRequested(const QString &scenarioPath, const QString &modelA, const QString &modelB, int repeats);
    void cancelRunRequested();

private:
    void apply();
    void loadTrace(int run, const QString &path, const QByteArray &data);

    Model::RunComparisonModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QTableView *m_table = nullptr;
    QLineEdit *m_filter = nullptr;
    QLabel *m_caption = nullptr;
    QComboBox *m_scenario = nullptr;
    QComboBox *m_modelA = nullptr;
    QComboBox *m_modelB = nullptr;
    QPushButton *m_run = nullptr;
    QSpinBox *m_repeats = nullptr;
    QLabel *m_runStatus = nullptr;
    bool m_running = false;
    QString m_label[2];
    QJsonObject m_report[2];
    QList<QJsonObject> m_repeated[2]; ///< every run of a repeated comparison; empty: m_report alone
};

} // namespace Taskscope::Ui
