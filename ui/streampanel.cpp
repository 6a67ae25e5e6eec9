#include "ui/streampanel.h"

#include "model/tasklistmodel.h"
#include "ui/taskitemdelegate.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <chrono>
#include <cmath>

using Taskscope::Model::AudioSourceKind;
using Taskscope::Model::CommandKind;
using Taskscope::Model::ExecutionModel;
using Taskscope::Model::TaskListModel;
using Taskscope::Model::WorkloadKind;
using Taskscope::Model::WorkloadSpec;

namespace Taskscope::Ui {

namespace {

constexpr int KindRole = Qt::UserRole;
constexpr int ValueRole = Qt::UserRole + 1;
constexpr int PickFileKind = -1;
// The longest loop the spec accepts (a day).
constexpr std::chrono::seconds MaxLoop {86'400};

struct ModelChoice
{
    ExecutionModel model;
    const char *label;
    const char *tip;
};

constexpr ModelChoice ModelChoices[] = {
    {ExecutionModel::Thread, "Thread",
     "A worker QObject in its own QThread: real-time pacing independent of the UI thread."},
    {ExecutionModel::Coroutine, "Coroutine",
     "A QCoro task on the UI thread's event loop: thousands of concurrent waits on one thread."},
    {ExecutionModel::Offload, "Offload",
     "A coroutine whose blocking or CPU-bound parts run on QThreadPool and are awaited."},
    {ExecutionModel::Blocking, "Blocking",
     "The blocking calls made on the UI thread: the anti-pattern. It trips the watchdog."},
};

struct WorkloadChoice
{
    WorkloadKind kind;
    const char *label;
};

constexpr WorkloadChoice WorkloadChoices[] = {
    {WorkloadKind::LiveTranscription, "Live transcription (listen, WebSocket)"},
    {WorkloadKind::TextToSpeech, "Text to speech (speak, WebSocket)"},
    {WorkloadKind::Prerecorded, "Prerecorded transcription (POST)"},
    {WorkloadKind::ChatStream, "LLM token stream (SSE)"},
    {WorkloadKind::RequestBurst, "Request burst (HTTP)"},
    {WorkloadKind::Command, "Command (sleep, hash, I/O)"},
};

QStringList bundledSamples()
{
    QStringList paths;
    const QDir dir(QStringLiteral(":/speech"));
    const QStringList names = dir.entryList({QStringLiteral("*.wav")}, QDir::Files, QDir::Name);
    for (const QString &name : names)
        paths.append(dir.filePath(name));
    return paths;
}

} // namespace

StreamPanel::StreamPanel(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->setSpacing(6);

    m_form = new QFormLayout;
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_form->setVerticalSpacing(5);
    buildWorkloadRows();
    buildEndpointRow();
    buildSourceRows();
    buildJobRows();
    layout->addLayout(m_form);
    buildButtons(layout);
    buildTaskList(layout);
    connectControls();

    setSamples(bundledSamples());
    updateVisibleRows();
    updateButtons();
}

void StreamPanel::buildWorkloadRows()
{
    m_workload = new QComboBox(this);
    for (const WorkloadChoice &choice : WorkloadChoices)
        m_workload->addItem(QString::fromUtf8(choice.label), int(choice.kind));
    m_workload->setAccessibleName(QStringLiteral("Workload"));
    m_form->addRow(QStringLiteral("&Workload"), m_workload);

    // The execution model as a segmented control: it is the choice the whole app is about.
    auto *modelRow = new QWidget(this);
    auto *modelLayout = new QHBoxLayout(modelRow);
    modelLayout->setContentsMargins(0, 0, 0, 0);
    modelLayout->setSpacing(0);
    m_models = new QButtonGroup(this);
    m_models->setExclusive(true);
    for (const ModelChoice &choice : ModelChoices) {
        auto *button = new QToolButton(modelRow);
        button->setText(QString::fromUtf8(choice.label));
        button->setToolTip(QString::fromUtf8(choice.tip));
        button->setCheckable(true);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
        button->setAccessibleName(QStringLiteral("Execution model %1").arg(QString::fromUtf8(choice.label)));
        m_models->addButton(button, int(choice.model));
        modelLayout->addWidget(button);
    }
    m_models->button(int(ExecutionModel::Coroutine))->setChecked(true);
    m_form->addRow(QStringLiteral("Run as"), modelRow);
}

void StreamPanel::buildEndpointRow()
{
    m_endpoint = new QComboBox(this);
    m_endpoint->addItem(QStringLiteral("Built-in loopback service"));
    m_endpoint->addItem(QStringLiteral("Another URL…"));
    m_url = new QLineEdit(this);
    m_url->setPlaceholderText(QStringLiteral("https://api.deepgram.com or http://127.0.0.1:8080"));
    m_url->setClearButtonEnabled(true);
    m_url->setAccessibleName(QStringLiteral("Endpoint URL"));
    m_keyNote = new QLabel(this);
    m_keyNote->setTextFormat(Qt::PlainText);
    m_keyNote->setForegroundRole(QPalette::PlaceholderText); // follows theme changes
    auto *endpointBox = new QWidget(this);
    auto *endpointLayout = new QVBoxLayout(endpointBox);
    endpointLayout->setContentsMargins(0, 0, 0, 0);
    endpointLayout->setSpacing(3);
    endpointLayout->addWidget(m_endpoint);
    endpointLayout->addWidget(m_url);
    endpointLayout->addWidget(m_keyNote);
    m_form->addRow(QStringLiteral("&Endpoint"), endpointBox);
}

// Audio (with how long to loop it) and text: what a stream sends.
void StreamPanel::buildSourceRows()
{
    m_audio = new QComboBox(this);
    m_audio->setAccessibleName(QStringLiteral("Audio source"));
    m_form->addRow(QStringLiteral("&Audio"), m_audio);

    // A sample lasts a few seconds: looping it (seamlessly, one WAV header) makes a run as long as wanted.
    m_loop = new QSpinBox(this);
    m_loop->setRange(0, int(MaxLoop.count()));
    m_loop->setSingleStep(10);
    m_loop->setSuffix(QStringLiteral(" s"));
    m_loop->setSpecialValueText(QStringLiteral("play once"));
    m_loop->setAccessibleName(QStringLiteral("Loop for seconds"));
    m_loop->setToolTip(QStringLiteral("Repeat the sample or file until the stream has sent this much audio "
                                      "(0: play it once). For the tone: its length (0: 5 s)."));
    m_form->addRow(QStringLiteral("&Loop for"), m_loop);

    m_chunk = new QSpinBox(this);
    m_chunk->setRange(20, 250);
    m_chunk->setSingleStep(10);
    m_chunk->setValue(20);
    m_chunk->setSuffix(QStringLiteral(" ms"));
    m_chunk->setToolTip(QStringLiteral("Audio chunk length: each chunk is sent when its real-time moment comes."));
    m_form->addRow(QStringLiteral("C&hunk"), m_chunk);

    m_text = new QLineEdit(this);
    m_text->setText(QStringLiteral("Explain in one paragraph why an event loop must never block."));
    m_form->addRow(QStringLiteral("&Text"), m_text);
}

// Request bursts, commands, and how many of any workload.
void StreamPanel::buildJobRows()
{
    m_requests = new QSpinBox(this);
    m_requests->setRange(1, 1'000'000);
    m_requests->setValue(200);
    m_concurrency = new QSpinBox(this);
    m_concurrency->setRange(1, 4096);
    m_concurrency->setValue(16);
    auto *burstRow = new QWidget(this);
    auto *burstLayout = new QHBoxLayout(burstRow);
    burstLayout->setContentsMargins(0, 0, 0, 0);
    burstLayout->addWidget(m_requests, 1);
    burstLayout->addWidget(new QLabel(QStringLiteral("at concurrency"), burstRow));
    burstLayout->addWidget(m_concurrency, 1);
    m_form->addRow(QStringLiteral("Requests"), burstRow);

    m_command = new QComboBox(this);
    m_command->addItem(QStringLiteral("Sleep (blocking wait)"), int(CommandKind::Sleep));
    m_command->addItem(QStringLiteral("Hash (CPU-bound)"), int(CommandKind::CpuHash));
    m_command->addItem(QStringLiteral("I/O wait (HTTP)"), int(CommandKind::IoWait));
    m_commandMs = new QSpinBox(this);
    m_commandMs->setRange(1, 60'000);
    m_commandMs->setValue(300);
    m_commandMs->setSuffix(QStringLiteral(" ms"));
    auto *commandRow = new QWidget(this);
    auto *commandLayout = new QHBoxLayout(commandRow);
    commandLayout->setContentsMargins(0, 0, 0, 0);
    commandLayout->addWidget(m_command, 2);
    commandLayout->addWidget(m_commandMs, 1);
    m_form->addRow(QStringLiteral("Co&mmand"), commandRow);

    m_count = new QSpinBox(this);
    m_count->setRange(1, 4096);
    m_count->setValue(1);
    m_count->setToolTip(QStringLiteral("How many streams or tasks of this kind run at once."));
    m_count->setAccessibleName(QStringLiteral("How many"));
    m_form->addRow(QStringLiteral("How &many"), m_count);
}

void StreamPanel::buildButtons(QVBoxLayout *layout)
{
    auto *buttons = new QHBoxLayout;
    m_start = new QPushButton(QStringLiteral("Start"), this);
    m_start->setDefault(true);
    m_start->setToolTip(QStringLiteral("Start (Ctrl+Return)"));
    m_start->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_stop = new QPushButton(QStringLiteral("Stop"), this);
    m_stop->setToolTip(QStringLiteral("Stop the selected tasks"));
    m_stopAll = new QPushButton(QStringLiteral("Stop all"), this);
    m_stopAll->setToolTip(QStringLiteral("Stop every running task (Ctrl+.)"));
    m_stopAll->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    buttons->addWidget(m_start, 2);
    buttons->addWidget(m_stop, 1);
    buttons->addWidget(m_stopAll, 1);
    layout->addLayout(buttons);

    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setVisible(false);
    layout->addWidget(m_status);
}

void StreamPanel::buildTaskList(QVBoxLayout *layout)
{
    auto *tasksRow = new QHBoxLayout;
    tasksRow->addWidget(new QLabel(QStringLiteral("<b>Tasks</b>"), this), 1);
    m_compare = new QPushButton(QStringLiteral("Compare the two selected"), this);
    m_compare->setToolTip(QStringLiteral("Show the figures of the two selected tasks side by side in the Compare tab"));
    tasksRow->addWidget(m_compare);
    layout->addLayout(tasksRow);
    m_taskView = new QTableView(this);
    m_taskView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_taskView->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_taskView->verticalHeader()->setVisible(false);
    m_taskView->verticalHeader()->setDefaultSectionSize(22);
    m_taskView->horizontalHeader()->setStretchLastSection(false);
    m_taskView->horizontalHeader()->setHighlightSections(false);
    m_taskView->setAlternatingRowColors(true);
    m_taskView->setShowGrid(false);
    m_taskView->setWordWrap(false);
    m_taskView->setItemDelegate(new TaskItemDelegate(m_taskView));
    m_taskView->setAccessibleName(QStringLiteral("Tasks"));
    layout->addWidget(m_taskView, 1);
    m_emptyHint = new QLabel(
        QStringLiteral("Tasks you start appear here,\nwith their status, elapsed time and errors."),
        m_taskView->viewport());
    m_emptyHint->setAlignment(Qt::AlignCenter);
    m_emptyHint->setForegroundRole(QPalette::PlaceholderText);
    m_emptyHint->setAttribute(Qt::WA_TransparentForMouseEvents);
    m_taskView->viewport()->installEventFilter(this);
}

void StreamPanel::connectControls()
{
    connect(m_workload, &QComboBox::currentIndexChanged, this, &StreamPanel::updateVisibleRows);
    connect(m_endpoint, &QComboBox::currentIndexChanged, this, &StreamPanel::updateVisibleRows);
    connect(m_endpoint, &QComboBox::currentIndexChanged, this, &StreamPanel::prefillUrl);
    connect(m_workload, &QComboBox::currentIndexChanged, this, &StreamPanel::prefillUrl);
    connect(m_audio, &QComboBox::activated, this, &StreamPanel::audioChosen);
    connect(m_start, &QPushButton::clicked, this, &StreamPanel::start);
    connect(m_stop, &QPushButton::clicked, this, &StreamPanel::stopSelected);
    connect(m_stopAll, &QPushButton::clicked, this, &StreamPanel::stopAll);
    connect(m_compare, &QPushButton::clicked, this, [this] {
        QList<quint64> ids = selectedTaskIds();
        if (ids.size() != 2)
            return;
        std::sort(ids.begin(), ids.end()); // the earlier task is run A
        Q_EMIT compareRequested(ids[0], ids[1]);
    });
}

void StreamPanel::setTaskModel(TaskListModel *model)
{
    m_tasks = model;
    m_taskView->setModel(model);
    if (!model)
        return;
    QHeaderView *header = m_taskView->horizontalHeader();
    header->setSectionResizeMode(TaskListModel::TaskColumn, QHeaderView::Stretch);
    header->setMinimumSectionSize(28);
    // The task's name takes what is left: the other columns hold short words and numbers.
    const QFontMetrics fm = m_taskView->fontMetrics();
    const auto fit = [&](const QString &widest) { return fm.horizontalAdvance(widest) + 14; };
    header->resizeSection(TaskListModel::IdColumn, fit(QStringLiteral("000")));
    header->resizeSection(TaskListModel::ModelColumn, fit(QStringLiteral("coroutine")));
    header->resizeSection(TaskListModel::StatusColumn, fit(QStringLiteral("stopping")));
    header->resizeSection(TaskListModel::ElapsedColumn, fit(QStringLiteral("00.0 s")));
    header->resizeSection(TaskListModel::ProgressColumn, fit(QStringLiteral("100 %")));
    header->resizeSection(TaskListModel::ErrorsColumn, fit(QStringLiteral("Errors")));
    connect(model, &QAbstractItemModel::rowsInserted, this, &StreamPanel::updateButtons);
    connect(model, &QAbstractItemModel::rowsRemoved, this, &StreamPanel::updateButtons);
    connect(model, &QAbstractItemModel::dataChanged, this, &StreamPanel::updateButtons);
    connect(model, &QAbstractItemModel::modelReset, this, &StreamPanel::updateButtons);
    connect(m_taskView->selectionModel(), &QItemSelectionModel::selectionChanged, this, &StreamPanel::updateButtons);
    updateButtons();
}

void StreamPanel::setSamples(const QStringList &resourcePaths)
{
    m_samples = resourcePaths;
    m_audio->clear();
    for (const QString &path : m_samples)
        m_audio->addItem(QStringLiteral("Sample: %1").arg(QFileInfo(path).completeBaseName()),
                         int(AudioSourceKind::Sample));
    for (int i = 0; i < m_samples.size(); ++i)
        m_audio->setItemData(i, QFileInfo(m_samples[i]).completeBaseName(), ValueRole);
    m_audio->addItem(QStringLiteral("Tone (440 Hz sine)"), int(AudioSourceKind::Tone));
    if (!m_file.isEmpty()) {
        m_audio->addItem(QStringLiteral("File: %1").arg(QFileInfo(m_file).fileName()), int(AudioSourceKind::File));
        m_audio->setItemData(m_audio->count() - 1, m_file, ValueRole);
    }
    for (const QString &input : m_inputs) {
        m_audio->addItem(QStringLiteral("Microphone: %1").arg(input), int(AudioSourceKind::Microphone));
        m_audio->setItemData(m_audio->count() - 1, input, ValueRole);
    }
    m_audio->addItem(QStringLiteral("WAV file…"), PickFileKind);
    m_audio->setCurrentIndex(0);
    m_lastAudioIndex = 0;
}

void StreamPanel::setAudioInputs(const QStringList &deviceNames)
{
    m_inputs = deviceNames;
    setSamples(m_samples);
}

void StreamPanel::setAudioFile(const QString &path)
{
    m_file = path;
    setSamples(m_samples);
    const int index = m_audio->findData(path, ValueRole);
    if (index >= 0) {
        m_audio->setCurrentIndex(index);
        m_lastAudioIndex = index;
    }
}

void StreamPanel::audioChosen(int index)
{
    if (m_audio->itemData(index, KindRole).toInt() != PickFileKind) {
        m_lastAudioIndex = index;
        return;
    }
    // A modal file dialog runs a nested event loop on the UI thread: the watchdog will call it a
    // nested modal loop, not a hang, which is exactly what it is.
    const QString path = QFileDialog::getOpenFileName(this, QStringLiteral("Choose a WAV file"), QString(),
                                                      QStringLiteral("WAV audio (*.wav);;All files (*)"));
    if (path.isEmpty()) {
        m_audio->setCurrentIndex(m_lastAudioIndex);
        return;
    }
    setAudioFile(path);
}

void StreamPanel::applyStatusColour()
{
    if (!m_warning) {
        m_status->setPalette(QPalette());
        m_status->setForegroundRole(QPalette::PlaceholderText);
        return;
    }
    // Orange that reads on both light and dark windows.
    const bool dark = palette().color(QPalette::Window).lightnessF() < 0.5;
    QPalette pal = palette();
    pal.setColor(QPalette::WindowText, dark ? QColor(0xe8, 0x9a, 0x3c) : QColor(0xb0, 0x58, 0x00));
    m_status->setPalette(pal);
    m_status->setForegroundRole(QPalette::WindowText);
}

void StreamPanel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        applyStatusColour();
    QWidget::changeEvent(event);
}

bool StreamPanel::eventFilter(QObject *watched, QEvent *event)
{
    // Keep the empty-list hint centred in the task table.
    if (watched == m_taskView->viewport() && event->type() == QEvent::Resize)
        m_emptyHint->setGeometry(m_taskView->viewport()->rect());
    return QWidget::eventFilter(watched, event);
}

void StreamPanel::setKeyAvailability(bool deepgramKey, bool openAiKey)
{
    m_deepgramKey = deepgramKey;
    m_openAiKey = openAiKey;
    updateVisibleRows();
}

void StreamPanel::setStatusMessage(const QString &text, bool warning)
{
    m_status->setText(text);
    m_status->setVisible(!text.isEmpty());
    m_warning = warning;
    applyStatusColour();
}

QString StreamPanel::statusMessage() const
{
    return m_status->text();
}

void StreamPanel::setBuiltInServiceText(const QString &text)
{
    m_endpoint->setItemText(0, text);
}

void StreamPanel::setServiceUrls(const QUrl &deepgram, const QUrl &openAi, const QUrl &http)
{
    m_deepgramUrl = deepgram;
    m_openAiUrl = openAi;
    m_httpUrl = http;
}

void StreamPanel::prefillUrl()
{
    if (m_endpoint->currentIndex() != 1)
        return;
    const QString current = m_url->text().trimmed();
    if (!current.isEmpty() && current != m_prefilledUrl)
        return;
    QUrl url;
    switch (WorkloadKind(m_workload->currentData().toInt())) {
    case WorkloadKind::LiveTranscription:
    case WorkloadKind::TextToSpeech:
    case WorkloadKind::Prerecorded:
        url = m_deepgramUrl;
        break;
    case WorkloadKind::ChatStream:
        url = m_openAiUrl;
        break;
    case WorkloadKind::RequestBurst:
    case WorkloadKind::Command:
        url = m_httpUrl;
        break;
    }
    m_prefilledUrl = url.toString();
    m_url->setText(m_prefilledUrl);
}

void StreamPanel::updateVisibleRows()
{
    const auto kind = WorkloadKind(m_workload->currentData().toInt());
    const bool audio = kind == WorkloadKind::LiveTranscription || kind == WorkloadKind::Prerecorded;
    m_form->setRowVisible(m_audio, audio);
    m_form->setRowVisible(m_loop, kind == WorkloadKind::LiveTranscription); // a request sends the file once
    m_form->setRowVisible(m_chunk, kind == WorkloadKind::LiveTranscription);
    m_form->setRowVisible(m_text, kind == WorkloadKind::TextToSpeech || kind == WorkloadKind::ChatStream);
    m_form->setRowVisible(m_requests->parentWidget(), kind == WorkloadKind::RequestBurst);
    m_form->setRowVisible(m_command->parentWidget(), kind == WorkloadKind::Command);
    const bool custom = m_endpoint->currentIndex() == 1;
    m_url->setVisible(custom);
    const bool usesOpenAi = kind == WorkloadKind::ChatStream;
    const bool usesHttp = kind == WorkloadKind::RequestBurst || kind == WorkloadKind::Command;
    QString note;
    if (!custom)
        note = QStringLiteral("127.0.0.1, started with the app; no key needed");
    else if (usesHttp)
        note = QStringLiteral("plain HTTP endpoint; no key is sent");
    else if (usesOpenAi)
        note = m_openAiKey ? QStringLiteral("OpenAI key: set (Settings)")
                           : QStringLiteral("No OpenAI key: add one in Settings or OPENAI_API_KEY");
    else
        note = m_deepgramKey ? QStringLiteral("Deepgram key: set (Settings)")
                             : QStringLiteral("No Deepgram key: add one in Settings or DEEPGRAM_API_KEY");
    m_keyNote->setText(note);
}

void StreamPanel::updateButtons()
{
    m_emptyHint->setVisible(!m_tasks || m_tasks->rowCount() == 0);
    const bool anyActive = m_tasks && m_tasks->activeCount() > 0;
    bool selectedActive = false;
    if (m_tasks && m_taskView->selectionModel()) {
        const QModelIndexList rows = m_taskView->selectionModel()->selectedRows();
        for (const QModelIndex &row : rows)
            selectedActive = selectedActive || row.data(TaskListModel::ActiveRole).toBool();
    }
    m_stop->setEnabled(selectedActive);
    m_stopAll->setEnabled(anyActive);
    m_compare->setEnabled(selectedTaskIds().size() == 2);
}

bool StreamPanel::currentSpec(WorkloadSpec *spec, QString *error) const
{
    WorkloadSpec s;
    s.kind = WorkloadKind(m_workload->currentData().toInt());
    s.model = ExecutionModel(m_models->checkedId());
    s.count = m_count->value();
    if (m_endpoint->currentIndex() == 1) {
        const QUrl url(m_url->text().trimmed(), QUrl::StrictMode);
        const QString scheme = url.scheme();
        if (!url.isValid() || url.host().isEmpty()
            || !(scheme == QLatin1StringView("http") || scheme == QLatin1StringView("https")
                 || scheme == QLatin1StringView("ws") || scheme == QLatin1StringView("wss"))) {
            if (error)
                *error = QStringLiteral("The endpoint must be an http(s):// or ws(s):// URL with a host.");
            return false;
        }
        s.baseUrl = url;
    }
    const int kind = m_audio->currentData(KindRole).toInt();
    if (kind >= 0)
        s.source = AudioSourceKind(kind);
    s.audio = m_audio->currentData(ValueRole).toString();
    if ((s.kind == WorkloadKind::LiveTranscription || s.kind == WorkloadKind::Prerecorded)
        && s.source == AudioSourceKind::Sample && s.audio.isEmpty()) {
        if (error)
            *error = QStringLiteral(
                "No speech sample is bundled in this build: choose a tone, a WAV file or a microphone.");
        return false;
    }
    s.chunkMs = m_chunk->value();
    s.durationS = double(m_loop->value());
    s.text = m_text->text();
    s.requests = m_requests->value();
    s.concurrency = m_concurrency->value();
    s.command = CommandKind(m_command->currentData().toInt());
    s.commandMs = m_commandMs->value();
    *spec = s;
    return true;
}

void StreamPanel::setSpec(const WorkloadSpec &spec)
{
    m_workload->setCurrentIndex(std::max(0, m_workload->findData(int(spec.kind))));
    if (QAbstractButton *button = m_models->button(int(spec.model)))
        button->setChecked(true);
    m_endpoint->setCurrentIndex(spec.baseUrl.isEmpty() ? 0 : 1);
    m_url->setText(spec.baseUrl.toString());
    if (spec.source == AudioSourceKind::File && !spec.audio.isEmpty())
        setAudioFile(spec.audio);
    for (int i = 0; i < m_audio->count(); ++i) {
        if (m_audio->itemData(i, KindRole).toInt() == int(spec.source)
            && (spec.source == AudioSourceKind::Tone || m_audio->itemData(i, ValueRole).toString() == spec.audio)) {
            m_audio->setCurrentIndex(i);
            m_lastAudioIndex = i;
            break;
        }
    }
    m_chunk->setValue(spec.chunkMs);
    m_loop->setValue(int(std::lround(spec.durationS)));
    if (!spec.text.isEmpty())
        m_text->setText(spec.text);
    m_requests->setValue(spec.requests);
    m_concurrency->setValue(spec.concurrency);
    m_command->setCurrentIndex(std::max(0, m_command->findData(int(spec.command))));
    m_commandMs->setValue(spec.commandMs);
    m_count->setValue(spec.count);
    updateVisibleRows();
}

void StreamPanel::start()
{
    WorkloadSpec spec;
    QString error;
    if (!currentSpec(&spec, &error)) {
        setStatusMessage(error, true);
        return;
    }
    Q_EMIT startRequested(spec);
}

QList<quint64> StreamPanel::selectedTaskIds() const
{
    QList<quint64> ids;
    if (!m_tasks || !m_taskView->selectionModel())
        return ids;
    for (const QModelIndex &row : m_taskView->selectionModel()->selectedRows())
        ids.append(row.data(TaskListModel::TaskIdRole).toULongLong());
    return ids;
}

void StreamPanel::stopSelected()
{
    if (!m_tasks || !m_taskView->selectionModel())
        return;
    const QModelIndexList rows = m_taskView->selectionModel()->selectedRows();
    for (const QModelIndex &row : rows) {
        if (row.data(TaskListModel::ActiveRole).toBool())
            Q_EMIT stopRequested(row.data(TaskListModel::TaskIdRole).toULongLong());
    }
}

void StreamPanel::stopAll()
{
    Q_EMIT stopAllRequested();
}

} // namespace Taskscope::Ui
