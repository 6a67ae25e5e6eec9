#include "app/gui/comparerunner.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>

using Taskscope::Model::ExecutionModel;
using Taskscope::Model::WorkloadSpec;

namespace Taskscope::Gui {

CompareRunner::CompareRunner(QObject *parent)
    : QObject(parent)
    , m_program(QCoreApplication::applicationFilePath())
{
    m_ticker.setInterval(500);
    connect(&m_ticker, &QTimer::timeout, this, &CompareRunner::tick);
}

CompareRunner::~CompareRunner()
{
    if (m_process) {
        m_process->disconnect(this);
        m_process->kill();
        m_process->waitForFinished(2000);
        delete m_process.data();
    }
}

bool CompareRunner::start(const QString &scenario, ExecutionModel a, ExecutionModel b, int repeats)
{
    m_error.clear();
    if (m_process) {
        m_error = QStringLiteral("a comparison is already running");
        return false;
    }
    if (a == b) {
        m_error = QStringLiteral("choose two different execution models");
        return false;
    }
    if (repeats < 1 || repeats > MaxRepeats) {
        m_error = QStringLiteral("repeat 1 to %1 times, not %2").arg(MaxRepeats).arg(repeats);
        return false;
    }
    m_scenario = scenario;
    m_labels[0] = WorkloadSpec::toString(a);
    m_labels[1] = WorkloadSpec::toString(b);
    m_runs[0].clear();
    m_runs[1].clear();
    m_repeats = repeats;
    m_round = 0;
    m_cancelled = false;
    m_clock.start();
    launch();
    if (!m_process)
        return false;
    Q_EMIT progress(QStringLiteral("Running %1 as %2, then as %3%4…")
                        .arg(QFileInfo(scenario).completeBaseName(), m_labels[0], m_labels[1],
                             repeats > 1 ? QStringLiteral(", %1 times").arg(repeats) : QString()));
    return true;
}

void CompareRunner::launch()
{
    m_dir = std::make_unique<QTemporaryDir>();
    if (!m_dir->isValid()) {
        m_error = QStringLiteral("no temporary folder for the report: %1").arg(m_dir->errorString());
        return;
    }
    m_stderr.clear();
    m_lastLine.clear();
    m_process = new QProcess(this);
    m_process->setProgram(m_program);
    // Not --quiet: the child's progress lines (one every 5 s off a terminal) are what is shown.
    m_process->setArguments({QStringLiteral("--headless"), QStringLiteral("--scenario"), m_scenario,
                             QStringLiteral("--compare"), m_labels[0] + u',' + m_labels[1], QStringLiteral("--report"),
                             m_dir->filePath(QStringLiteral("compare.json"))});
    m_process->setStandardOutputFile(QProcess::nullDevice()); // the tables; the report has the figures
    connect(m_process, &QProcess::readyReadStandardError, this, &CompareRunner::readOutput);
    connect(m_process, &QProcess::finished, this,
            [this](int exitCode, QProcess::ExitStatus status) { onFinished(exitCode, status == QProcess::CrashExit); });
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            onFinished(-1, true);
    });
    m_process->start(QIODevice::ReadOnly);
    m_ticker.start();
}

void CompareRunner::cancel()
{
    if (!m_process)
        return;
    m_cancelled = true;
    // SIGTERM: the runner stops its workloads and writes what it measured; a kill follows if not.
    m_process->terminate();
    QTimer::singleShot(3000, m_process, [process = m_process] {
        if (process)
            process->kill();
    });
}

void CompareRunner::readOutput()
{
    if (!m_process)
        return;
    const QByteArray bytes = m_process->readAllStandardError();
    if (m_stderr.size() < MaxOutputBytes)
        m_stderr += bytes.left(MaxOutputBytes - m_stderr.size());
    const QList<QByteArray> lines = bytes.split('\n');
    for (auto it = lines.crbegin(); it != lines.crend(); ++it) {
        const QByteArray line = it->trimmed();
        if (line.startsWith('[')) {
            m_lastLine = QString::fromUtf8(line);
            tick();
            break;
        }
    }
}

void CompareRunner::tick()
{
    if (!m_process)
        return;
    QString text = QStringLiteral("Comparing %1 vs %2 on %3: %4 s")
                       .arg(m_labels[0], m_labels[1], QFileInfo(m_scenario).completeBaseName())
                       .arg(elapsedS(), 0, 'f', 1);
    if (m_repeats > 1)
        text += QStringLiteral(" · round %1 of %2").arg(m_round + 1).arg(m_repeats);
    if (!m_lastLine.isEmpty())
        text += QStringLiteral(" · ") + m_lastLine;
    Q_EMIT progress(text);
}

void CompareRunner::onFinished(int exitCode, bool crashed)
{
    if (!m_process)
        return;
    m_ticker.stop();
    readOutput();
    QProcess *process = m_process;
    m_process = nullptr;
    process->disconnect(this);
    process->deleteLater();

    QJsonObject report;
    QFile file(m_dir->filePath(QStringLiteral("compare.json")));
    if (file.open(QIODevice::ReadOnly))
        report = QJsonDocument::fromJson(file.readAll()).object();
    m_dir.reset();
    const QJsonArray runs = report.value(QStringLiteral("runs")).toArray();
    QString error;
    if (runs.size() < 2) {
        QString why = QString::fromUtf8(m_stderr).trimmed();
        const qsizetype lastBreak = why.lastIndexOf(u'\n');
        why = why.mid(lastBreak + 1).right(300);
        if (m_cancelled)
            error = QStringLiteral("the comparison was cancelled");
        else if (crashed)
            error = QStringLiteral("the headless runner did not run to its end%1")
                        .arg(why.isEmpty() ? QString() : QStringLiteral(": ") + why);
        else
            error = QStringLiteral("the headless runner exited with %1%2")
                        .arg(exitCode)
                        .arg(why.isEmpty() ? QString() : QStringLiteral(": ") + why);
        Q_EMIT finished(false, error, m_labels[0], {}, m_labels[1], {}, report);
        return;
    }
    m_runs[0].append(runs.at(0).toObject());
    m_runs[1].append(runs.at(1).toObject());
    // The next round, in a new child, until every round has run (or the user cancels).
    if (++m_round < m_repeats && !m_cancelled) {
        launch();
        if (m_process) {
            tick();
            return;
        }
        Q_EMIT finished(false, m_error, m_labels[0], {}, m_labels[1], {}, report);
        return;
    }
    Q_EMIT finished(true, {}, m_labels[0], m_runs[0].first(), m_labels[1], m_runs[1].first(), report);
}

void CompareRunner::dropZeroInBoth(QJsonObject &a, QJsonObject &b)
{
    const QStringList keys = a.keys();
    for (const QString &key : keys) {
        if (!b.contains(key))
            continue;
        const QJsonValue va = a.value(key);
        const QJsonValue vb = b.value(key);
        if (va.isObject() && vb.isObject()) {
            QJsonObject oa = va.toObject();
            QJsonObject ob = vb.toObject();
            dropZeroInBoth(oa, ob);
            a.insert(key, oa);
            b.insert(key, ob);
        } else if (va.isDouble() && vb.isDouble() && va.toDouble() == 0 && vb.toDouble() == 0) {
            a.remove(key);
            b.remove(key);
        }
    }
}

QJsonObject CompareRunner::comparableFigures(const QJsonObject &run)
{
    QJsonObject figures;
    const QJsonArray workloads = run.value(QStringLiteral("workloads")).toArray();
    for (qsizetype i = 0; i < workloads.size(); ++i) {
        const QJsonObject w = workloads.at(i).toObject();
        const QJsonObject spec = w.value(QStringLiteral("spec")).toObject();
        QString name = spec.value(QStringLiteral("workload")).toString();
        if (spec.contains(QStringLiteral("command")))
            name += u' ' + spec.value(QStringLiteral("command")).toString();
        QJsonObject summary = w.value(QStringLiteral("summary")).toObject();
        summary.remove(QStringLiteral("latencyKind"));
        QString key = name;
        for (int n = 2; figures.contains(key); ++n)
            key = QStringLiteral("%1 #%2").arg(name).arg(n);
        figures.insert(key, summary);
    }
    const QJsonObject process = run.value(QStringLiteral("process")).toObject();
    figures.insert(
        QStringLiteral("process"),
        QJsonObject {
            {QStringLiteral("cpuMs"), process.value(QStringLiteral("cpuMs"))},
            {QStringLiteral("cpuMsPerStreamSecond"), process.value(QStringLiteral("cpuMsPerStreamSecond"))},
            {QStringLiteral("peakRssMiB"), process.value(QStringLiteral("peakRssBytes")).toDouble() / 1048576.0},
            {QStringLiteral("memoryPerStreamKiB"),
             process.value(QStringLiteral("memoryPerStreamBytes")).toDouble() / 1024.0}});
    const QJsonArray alerts = run.value(QStringLiteral("alerts")).toArray();
    double longestMs = 0;
    for (const QJsonValue &alert : alerts)
        longestMs = std::max(longestMs, double(alert.toObject().value(QStringLiteral("durationNs")).toInteger()) / 1e6);
    figures.insert(
        QStringLiteral("ui watchdog"),
        QJsonObject {{QStringLiteral("alerts"), alerts.size()}, {QStringLiteral("longestAlertMs"), longestMs}});
    figures.insert(QStringLiteral("wallS"), run.value(QStringLiteral("wallS")));
    figures.insert(QStringLiteral("label"), run.value(QStringLiteral("model")));
    return figures;
}

} // namespace Taskscope::Gui
