#include "ui/compareview.h"

#include "model/runcomparisonmodel.h"
#include "model/trace/chrometracereader.h"
#include "model/trace/tracestore.h"
#include "model/tracefigures.h"
#include "model/workloadspec.h"
#include "ui/asyncfile.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPointer>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QThreadPool>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

using Taskscope::Model::ExecutionModel;
using Taskscope::Model::RunComparisonModel;
using Taskscope::Model::TraceFigures;
using Taskscope::Model::WorkloadSpec;
using Taskscope::Trace::ChromeTraceReader;
using Taskscope::Trace::TraceStore;

namespace Taskscope::Ui {

namespace {

/// Value cells get a bar on a scale shared by the two runs' values of that figure, so the eye
/// compares lengths; the change column is green when run B is better, red when worse.
class CompareDelegate final : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        const int column = index.column();
        if (column == RunComparisonModel::RunAColumn || column == RunComparisonModel::RunBColumn) {
            const QVariant a = index.data(RunComparisonModel::ValueARole);
            const QVariant b = index.data(RunComparisonModel::ValueBRole);
            const QVariant mine = column == RunComparisonModel::RunAColumn ? a : b;
            const double scale = std::max(std::abs(a.toDouble()), std::abs(b.toDouble()));
            QStyleOptionViewItem opt = option;
            initStyleOption(&opt, index);
            QStyledItemDelegate::paint(painter, opt, index);
            if (mine.isValid() && scale > 0) {
                QRectF bar = QRectF(option.rect).adjusted(4, option.rect.height() - 6, -4, -2);
                bar.setWidth(bar.width() * std::abs(mine.toDouble()) / scale);
                QColor color = column == RunComparisonModel::RunAColumn ? QColor(0x3b, 0x78, 0xb8)
                                                                        : QColor(0xb8, 0x6e, 0x34);
                painter->fillRect(bar, color);
            }
            return;
        }
        if (column == RunComparisonModel::ChangeColumn) {
            QStyleOptionViewItem opt = option;
            initStyleOption(&opt, index);
            const int verdict = index.data(RunComparisonModel::VerdictRole).toInt();
            if (verdict != 0 && !(opt.state & QStyle::State_Selected))
                opt.palette.setColor(QPalette::Text, verdict > 0 ? QColor(0x2f, 0x9e, 0x62) : QColor(0xd9, 0x3b, 0x3b));
            opt.font.setBold(verdict != 0);
            QStyledItemDelegate::paint(painter, opt, index);
            return;
        }
        QStyledItemDelegate::paint(painter, option, index);
    }
};

} // namespace

CompareView::CompareView(QWidget *parent)
    : QWidget(parent)
{
    m_model = new RunComparisonModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(RunComparisonModel::SortRole);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterKeyColumn(RunComparisonModel::FigureColumn);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    // Run a scenario in two execution models (the app launches the headless runner).
    auto *runBar = new QHBoxLayout;
    m_scenario = new QComboBox(this);
    m_scenario->setAccessibleName(QStringLiteral("Scenario to compare"));
    const QDir bundled(QStringLiteral(":/scenarios"));
    for (const QString &name : bundled.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name))
        m_scenario->addItem(QFileInfo(name).completeBaseName(), bundled.filePath(name));
    m_scenario->addItem(QStringLiteral("Scenario file…"), QString());
    m_scenario->setCurrentIndex(std::max(0, m_scenario->findText(QStringLiteral("ui-freeze"))));
    m_modelA = new QComboBox(this);
    m_modelB = new QComboBox(this);
    for (ExecutionModel model :
         {ExecutionModel::Thread, ExecutionModel::Coroutine, ExecutionModel::Offload, ExecutionModel::Blocking}) {
        m_modelA->addItem(WorkloadSpec::toString(model));
        m_modelB->addItem(WorkloadSpec::toString(model));
    }
    m_modelA->setCurrentText(WorkloadSpec::toString(ExecutionModel::Coroutine));
    m_modelB->setCurrentText(WorkloadSpec::toString(ExecutionModel::Offload));
    m_modelA->setAccessibleName(QStringLiteral("Model A"));
    m_modelB->setAccessibleName(QStringLiteral("Model B"));
    m_run = new QPushButton(QStringLiteral("Run both"), this);
    m_run->setToolTip(
        QStringLiteral("Runs the scenario once per model in a headless taskscope (its own service and watchdog) "
                       "and shows both runs here"));
    m_repeats = new QSpinBox(this);
    m_repeats->setRange(1, 9);
    m_repeats->setPrefix(QStringLiteral("× "));
    m_repeats->setAccessibleName(QStringLiteral("Repeat each run"));
    m_repeats->setToolTip(QStringLiteral("Run each model this many times: the figures are medians, and a difference "
                                         "counts only when the two min–max ranges do not overlap"));
    m_runStatus = new QLabel(this);
    m_runStatus->setForegroundRole(QPalette::PlaceholderText);
    m_runStatus->setTextFormat(Qt::PlainText);
    runBar->addWidget(new QLabel(QStringLiteral("Run"), this));
    runBar->addWidget(m_scenario);
    runBar->addWidget(new QLabel(QStringLiteral("as A"), this));
    runBar->addWidget(m_modelA);
    runBar->addWidget(new QLabel(QStringLiteral("and B"), this));
    runBar->addWidget(m_modelB);
    runBar->addWidget(m_repeats);
    runBar->addWidget(m_run);
    runBar->addWidget(m_runStatus, 1);
    layout->addLayout(runBar);

    auto *bar = new QHBoxLayout;
    auto *loadA = new QPushButton(QStringLiteral("Load run A…"), this);
    auto *loadB = new QPushButton(QStringLiteral("Load run B…"), this);
    loadA->setToolTip(
        QStringLiteral("A JSON report, e.g. from taskscope --headless --scenario FILE --report OUT.json, or a saved "
                       "trace (File ▸ Save trace), compared by its span names' count, total, p50, p99 and max"));
    loadB->setToolTip(loadA->toolTip());
    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(QStringLiteral("Filter figures (e.g. p99, tokens, cpu)"));
    m_filter->setClearButtonEnabled(true);
    bar->addWidget(loadA);
    bar->addWidget(loadB);
    bar->addWidget(m_filter, 1);
    layout->addLayout(bar);
    m_caption = new QLabel(this);
    m_caption->setWordWrap(true);
    layout->addWidget(m_caption);

    m_table = new QTableView(this);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(RunComparisonModel::FigureColumn, Qt::AscendingOrder);
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setDefaultSectionSize(24);
    m_table->setShowGrid(false);
    m_table->setAlternatingRowColors(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setItemDelegate(new CompareDelegate(m_table));
    // The two runs' bars are what the eye compares: give them the width.
    QHeaderView *header = m_table->horizontalHeader();
    header->resizeSection(RunComparisonModel::FigureColumn, 300);
    header->setSectionResizeMode(RunComparisonModel::RunAColumn, QHeaderView::Stretch);
    header->setSectionResizeMode(RunComparisonModel::RunBColumn, QHeaderView::Stretch);
    header->resizeSection(RunComparisonModel::ChangeColumn, 90);
    m_table->setAccessibleName(QStringLiteral("Run comparison"));
    layout->addWidget(m_table, 1);

    connect(loadA, &QPushButton::clicked, this, &CompareView::loadRunA);
    connect(loadB, &QPushButton::clicked, this, &CompareView::loadRunB);
    connect(m_filter, &QLineEdit::textChanged, this, &CompareView::setFilter);
    connect(m_scenario, &QComboBox::activated, this, [this](int index) {
        if (!m_scenario->itemData(index).toString().isEmpty())
            return;
        const QString path = QFileDialog::getOpenFileName(this, QStringLiteral("Scenario to compare"), QString(),
                                                          QStringLiteral("Scenario (*.json)"));
        if (path.isEmpty())
            m_scenario->setCurrentIndex(0);
        else
            setScenario(path);
    });
    connect(m_run, &QPushButton::clicked, this, [this] {
        if (m_running) {
            Q_EMIT cancelRunRequested();
            return;
        }
        const QString path = m_scenario->currentData().toString();
        if (path.isEmpty())
            return;
        if (m_modelA->currentText() == m_modelB->currentText()) {
            setRunState(false, QStringLiteral("Choose two different models."));
            return;
        }
        Q_EMIT runRequested(path, m_modelA->currentText(), m_modelB->currentText(), m_repeats->value());
    });
    apply();
}

void CompareView::setScenario(const QString &path)
{
    int index = m_scenario->findData(path);
    if (index < 0) {
        index = m_scenario->count() - 1; // before "Scenario file…"
        m_scenario->insertItem(index, QFileInfo(path).completeBaseName(), path);
    }
    m_scenario->setCurrentIndex(index);
}

void CompareView::setRunState(bool running, const QString &status)
{
    m_running = running;
    m_run->setText(running ? QStringLiteral("Cancel") : QStringLiteral("Run both"));
    m_scenario->setEnabled(!running);
    m_modelA->setEnabled(!running);
    m_modelB->setEnabled(!running);
    m_repeats->setEnabled(!running);
    m_runStatus->setText(status);
}

QString CompareView::runStatus() const
{
    return m_runStatus->text();
}

void CompareView::setFilter(const QString &text)
{
    if (m_filter->text() != text)
        m_filter->setText(text);
    m_proxy->setFilterFixedString(text);
}

void CompareView::setRuns(const QString &labelA, const QJsonObject &reportA, const QString &labelB,
                          const QJsonObject &reportB)
{
    m_repeated[0].clear();
    m_repeated[1].clear();
    m_label[0] = labelA;
    m_label[1] = labelB;
    m_report[0] = reportA;
    m_report[1] = reportB;
    apply();
}

void CompareView::setRepeatedRuns(const QString &labelA, const QList<QJsonObject> &runsA, const QString &labelB,
                                  const QList<QJsonObject> &runsB)
{
    m_label[0] = labelA;
    m_label[1] = labelB;
    m_report[0] = runsA.value(0);
    m_report[1] = runsB.value(0);
    m_repeated[0] = runsA;
    m_repeated[1] = runsB;
    apply();
}

void CompareView::apply()
{
    const auto runs = [this](int side) {
        return m_repeated[side].isEmpty() ? QList<QJsonObject> {m_report[side]} : m_repeated[side];
    };
    m_model->setRepeatedRuns(m_label[0], runs(0), m_label[1], runs(1));
    const bool a = !m_report[0].isEmpty(), b = !m_report[1].isEmpty();
    if (!a && !b) {
        m_caption->setText(
            QStringLiteral("Compare two runs of a scenario (for instance in the thread and the coroutine "
                           "model): run one above, or load two JSON reports from the headless runner."));
    } else {
        m_caption->setText(
            QStringLiteral(
                "<b>A</b> %1 &nbsp; vs &nbsp; <b>B</b> %2 · %3 figures · green: B is better, red: B is worse")
                .arg((a ? m_label[0] : QStringLiteral("(not loaded)")).toHtmlEscaped(),
                     (b ? m_label[1] : QStringLiteral("(not loaded)")).toHtmlEscaped())
                .arg(m_model->rowCount()));
    }
    Q_EMIT runsChanged();
}

void CompareView::loadTrace(int run, const QString &path, const QByteArray &data)
{
    // A saved trace is parsed and summarized per name off the UI thread; its figures compare like a
    // report's. The view may be gone by the time it is done.
    const QString label = QFileInfo(path).completeBaseName();
    m_runStatus->setText(QStringLiteral("Reading trace %1…").arg(label));
    QThreadPool::globalInstance()->start([guard = QPointer<CompareView>(this), run, path, label, data] {
        TraceStore store;
        const ChromeTraceReader::Result read = ChromeTraceReader::read(data, store);
        const QJsonObject figures = read.ok ? TraceFigures::report(store, label) : QJsonObject();
        // Posted to the application object (it outlives every job); the guard is only read there.
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [guard, run, path, label, read, figures] {
                if (!guard)
                    return;
                guard->m_runStatus->clear();
                if (!read.ok) {
                    Q_EMIT guard->loadFailed(
                        QStringLiteral("%1 is not a JSON report or a readable trace: %2").arg(path, read.error));
                    return;
                }
                guard->m_report[run] = figures;
                guard->m_repeated[run].clear();
                guard->m_label[run] = label + QStringLiteral(" (trace)");
                guard->apply();
            },
            Qt::QueuedConnection);
    });
}

void CompareView::loadRunA()
{
    const QString path = QFileDialog::getOpenFileName(this, QStringLiteral("Report or trace of run A"), QString(),
                                                      QStringLiteral("JSON reports and traces (*.json)"));
    if (!path.isEmpty())
        loadReportFile(0, path);
}

void CompareView::loadRunB()
{
    const QString path = QFileDialog::getOpenFileName(this, QStringLiteral("Report or trace of run B"), QString(),
                                                      QStringLiteral("JSON reports and traces (*.json)"));
    if (!path.isEmpty())
        loadReportFile(1, path);
}

void CompareView::loadReportFile(int run, const QString &path)
{
    run = run == 0 ? 0 : 1;
    AsyncFile::read(this, path, MaxReportBytes, [this, run, path](const QByteArray &data, const QString &error) {
        if (!error.isEmpty()) {
            Q_EMIT loadFailed(error);
            return;
        }
        if (TraceFigures::looksLikeTrace(data.left(4096))) {
            loadTrace(run, path, data);
            return;
        }
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(data, &parseError);
        if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
            Q_EMIT loadFailed(QStringLiteral("%1 is not a JSON report: %2").arg(path, parseError.errorString()));
            return;
        }
        m_report[run] = doc.object();
        m_repeated[run].clear();
        m_label[run] = doc.object().value(QStringLiteral("label")).toString(QFileInfo(path).completeBaseName());
        apply();
    });
}

} // namespace Taskscope::Ui
