#pragma once

#include "model/workloadspec.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>

#include <memory>

namespace Taskscope::Gui {

/// "Run this scenario in two models" for the compare view: launches this program as
///   taskscope --headless --scenario FILE --compare A,B --report TMP
/// in a QProcess (the window never waits for it), relays its progress lines, and reads the two runs
/// from the report when it ends. The child has its own built-in service and watchdog, so the two
/// runs are measured apart from whatever the window is doing.
class CompareRunner final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CompareRunner)

public:
    static constexpr int MaxOutputBytes = 256 * 1024;
    static constexpr int MaxRepeats = 9;

    explicit CompareRunner(QObject *parent = nullptr);
    ~CompareRunner() override;

    /// The program to launch (default: this executable).
    void setProgram(const QString &program) { m_program = program; }
    /// Starts a comparison, repeated `repeats` times (one child per round, A then B each time);
    /// false (with errorString()) if one is running or the arguments are wrong.
    bool start(const QString &scenario, Model::ExecutionModel a, Model::ExecutionModel b, int repeats = 1);
    /// Kills the child; finished() follows with ok = false.
    void cancel();
    bool isRunning() const { return m_process != nullptr; }
    QString errorString() const { return m_error; }
    /// Every round's run of each model, after finished(true): compare their medians.
    const QList<QJsonObject> &runsA() const { return m_runs[0]; }
    const QList<QJsonObject> &runsB() const { return m_runs[1]; }
    double elapsedS() const { return m_clock.isValid() ? double(m_clock.elapsed()) / 1000.0 : 0; }

    /// The figures of one headless run worth comparing side by side: each workload's summary, the
    /// process's CPU and memory, the alerts (count, longest), the wall time.
    static QJsonObject comparableFigures(const QJsonObject &run);
    /// Removes the figures that are 0 in both (errors none, retries none...): they say nothing.
    static void dropZeroInBoth(QJsonObject &a, QJsonObject &b);

Q_SIGNALS:
    void progress(const QString &text);
    /// ok: both runs are in the report (each run may still have failed workloads: see its "ok");
    /// with repeats, runA / runB are the first round's and runsA() / runsB() hold every round.
    void finished(bool ok, const QString &error, const QString &labelA, const QJsonObject &runA, const QString &labelB,
                  const QJsonObject &runB, const QJsonObject &report);

private:
    void launch();
    void readOutput();
    void onFinished(int exitCode, bool crashed);
    void tick();

    QString m_program;
    QPointer<QProcess> m_process;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_scenario;
    QString m_labels[2];
    QList<QJsonObject> m_runs[2];
    int m_repeats = 1;
    int m_round = 0;
    QByteArray m_stderr;
    QString m_lastLine;
    QString m_error;
    QElapsedTimer m_clock;
    QTimer m_ticker;
    bool m_cancelled = false;
};

} // namespace Taskscope::Gui
