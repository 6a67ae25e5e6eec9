#include "ui/settingsdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>

using Taskscope::Model::AppSettings;

namespace Taskscope::Ui {

namespace {

QSpinBox *spin(int min, int max, const QString &suffix, QWidget *parent)
{
    auto *box = new QSpinBox(parent);
    box->setRange(min, max);
    box->setSuffix(suffix);
    box->setAccelerated(true);
    return box;
}

QUrl urlFrom(const QLineEdit *edit)
{
    const QString text = edit->text().trimmed();
    if (text.isEmpty())
        return {};
    const QUrl url(text, QUrl::StrictMode);
    return url.isValid() && !url.host().isEmpty() ? url : QUrl();
}

} // namespace

SettingsDialog::SettingsDialog(QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(QStringLiteral("Taskscope settings"));
    auto *layout = new QVBoxLayout(this);
    auto *tabs = new QTabWidget(this);
    layout->addWidget(tabs);

    auto *watchdog = new QWidget(tabs);
    auto *wf = new QFormLayout(watchdog);
    m_suspicion = spin(10, 60'000, QStringLiteral(" ms"), watchdog);
    m_hang = spin(10, 120'000, QStringLiteral(" ms"), watchdog);
    m_severe = spin(10, 300'000, QStringLiteral(" ms"), watchdog);
    m_critical = spin(10, 600'000, QStringLiteral(" ms"), watchdog);
    wf->addRow(QStringLiteral("Suspicion (start sampling stacks)"), m_suspicion);
    wf->addRow(QStringLiteral("Hang"), m_hang);
    wf->addRow(QStringLiteral("Severe"), m_severe);
    wf->addRow(QStringLiteral("Critical"), m_critical);
    auto *tiersNote = new QLabel(
        QStringLiteral("How long the UI thread may be blocked before each tier. Defaults: 100 / 250 / "
                       "1000 / 5000 ms."),
        watchdog);
    tiersNote->setWordWrap(true);
    wf->addRow(tiersNote);
    m_recordDispatches = new QCheckBox(QStringLiteral("Record what each event dispatch is"), watchdog);
    m_recordDispatches->setObjectName(QStringLiteral("recordDispatches"));
    wf->addRow(m_recordDispatches);
    auto *probeNote = new QLabel(
        QStringLiteral("On: alerts name the receiver, event type and nesting of the blocking dispatch, "
                       "for about 6.5 ns per event. Off: heartbeats and stack samples only, nothing per "
                       "event; the stacks still name the blocking function."),
        watchdog);
    probeNote->setWordWrap(true);
    wf->addRow(probeNote);
    tabs->addTab(watchdog, QStringLiteral("Watchdog"));

    auto *trace = new QWidget(tabs);
    auto *tf = new QFormLayout(trace);
    m_keepRuns = spin(0, 1000, QStringLiteral(" runs"), trace);
    m_keepRuns->setSpecialValueText(QStringLiteral("any number (up to the budget)"));
    m_keepRuns->setObjectName(QStringLiteral("keepRuns"));
    m_budget = spin(16, 64 * 1024, QStringLiteral(" MiB"), trace);
    m_budget->setObjectName(QStringLiteral("traceBudget"));
    m_capacity = spin(1, 256, QStringLiteral(" million items"), trace);
    tf->addRow(QStringLiteral("Keep the last"), m_keepRuns);
    tf->addRow(QStringLiteral("Within"), m_budget);
    tf->addRow(QStringLiteral("At most"), m_capacity);
    auto *traceNote = new QLabel(
        QStringLiteral("A run is a task you started. Past either bound the oldest finished run is "
                       "dropped whole (its spans, alerts and metrics); only a single run larger than "
                       "the budget is trimmed from its start. Both are counted in the timeline's "
                       "strip. A span is 32 bytes."),
        trace);
    traceNote->setWordWrap(true);
    tf->addRow(traceNote);
    tabs->addTab(trace, QStringLiteral("Trace"));

    auto *endpoints = new QWidget(tabs);
    auto *ef = new QFormLayout(endpoints);
    m_deepgramUrl = new QLineEdit(endpoints);
    m_deepgramUrl->setPlaceholderText(QStringLiteral("built-in (e.g. https://api.deepgram.com)"));
    m_openAiUrl = new QLineEdit(endpoints);
    m_openAiUrl->setPlaceholderText(QStringLiteral("built-in (e.g. https://api.openai.com)"));
    m_httpUrl = new QLineEdit(endpoints);
    m_httpUrl->setPlaceholderText(QStringLiteral("built-in"));
    m_deepgramKey = new QLineEdit(endpoints);
    m_deepgramKey->setEchoMode(QLineEdit::Password);
    m_deepgramKey->setPlaceholderText(QStringLiteral("or DEEPGRAM_API_KEY in the environment"));
    m_openAiKey = new QLineEdit(endpoints);
    m_openAiKey->setEchoMode(QLineEdit::Password);
    m_openAiKey->setPlaceholderText(QStringLiteral("or OPENAI_API_KEY in the environment"));
    m_showKeys = new QCheckBox(QStringLiteral("Show keys"), endpoints);
    ef->addRow(QStringLiteral("Deepgram base URL"), m_deepgramUrl);
    ef->addRow(QStringLiteral("Deepgram API key"), m_deepgramKey);
    ef->addRow(QStringLiteral("OpenAI-compatible base URL"), m_openAiUrl);
    ef->addRow(QStringLiteral("OpenAI API key"), m_openAiKey);
    ef->addRow(QStringLiteral("HTTP endpoint (bursts)"), m_httpUrl);
    ef->addRow(QString(), m_showKeys);
    auto *keyNote = new QLabel(
        QStringLiteral("Keys are stored with your settings (QSettings) and sent only to the service "
                       "they belong to; they never appear in logs, traces or reports."),
        endpoints);
    keyNote->setWordWrap(true);
    ef->addRow(keyNote);
    tabs->addTab(endpoints, QStringLiteral("Endpoints && keys"));
    connect(m_showKeys, &QCheckBox::toggled, this, [this](bool show) {
        m_deepgramKey->setEchoMode(show ? QLineEdit::Normal : QLineEdit::Password);
        m_openAiKey->setEchoMode(show ? QLineEdit::Normal : QLineEdit::Password);
    });

    auto *window = new QWidget(tabs);
    auto *of = new QFormLayout(window);
    m_theme = new QComboBox(window);
    m_theme->addItem(QStringLiteral("Follow the system"), int(AppSettings::Theme::System));
    m_theme->addItem(QStringLiteral("Light"), int(AppSettings::Theme::Light));
    m_theme->addItem(QStringLiteral("Dark"), int(AppSettings::Theme::Dark));
    m_followWindow = spin(10, 3'600'000, QStringLiteral(" ms"), window);
    m_followWindow->setSingleStep(1000);
    m_freezeMs = spin(10, 60'000, QStringLiteral(" ms"), window);
    m_freezeMs->setSingleStep(100);
    m_freezeKind = new QComboBox(window);
    m_freezeKind->addItem(QStringLiteral("Sleep (the thread waits)"), int(AppSettings::FreezeKind::Sleep));
    m_freezeKind->addItem(QStringLiteral("Busy loop (the thread computes)"), int(AppSettings::FreezeKind::Busy));
    of->addRow(QStringLiteral("Theme"), m_theme);
    of->addRow(QStringLiteral("Live view shows the last"), m_followWindow);
    of->addRow(QStringLiteral("Freeze the UI for"), m_freezeMs);
    of->addRow(QStringLiteral("Freeze by"), m_freezeKind);
    tabs->addTab(window, QStringLiteral("Window"));

    m_error = new QLabel(this);
    m_error->setStyleSheet(QStringLiteral("color: #d93b3b"));
    m_error->setVisible(false);
    layout->addWidget(m_error);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);
    layout->addWidget(buttons);
    setSettings(AppSettings());
}

void SettingsDialog::setSettings(const AppSettings &settings)
{
    const AppSettings s = settings.normalized();
    m_suspicion->setValue(s.suspicionMs);
    m_hang->setValue(s.hangMs);
    m_severe->setValue(s.severeMs);
    m_critical->setValue(s.criticalMs);
    m_recordDispatches->setChecked(s.recordDispatches);
    m_base = s;
    m_keepRuns->setValue(s.keepRuns);
    m_budget->setValue(s.traceBudgetMiB);
    m_capacity->setValue(s.storeCapacityMillions);
    m_deepgramUrl->setText(s.deepgramBaseUrl.toString());
    m_openAiUrl->setText(s.openAiBaseUrl.toString());
    m_httpUrl->setText(s.httpBaseUrl.toString());
    m_deepgramKey->setText(s.deepgramApiKey);
    m_openAiKey->setText(s.openAiApiKey);
    m_theme->setCurrentIndex(std::max(0, m_theme->findData(int(s.theme))));
    m_followWindow->setValue(s.followWindowMs);
    m_freezeMs->setValue(s.freezeMs);
    m_freezeKind->setCurrentIndex(std::max(0, m_freezeKind->findData(int(s.freezeKind))));
}

AppSettings SettingsDialog::settings() const
{
    AppSettings s = m_base; // keeps what this dialog does not edit (hidden lane groups)
    s.suspicionMs = m_suspicion->value();
    s.hangMs = m_hang->value();
    s.severeMs = m_severe->value();
    s.criticalMs = m_critical->value();
    s.recordDispatches = m_recordDispatches->isChecked();
    s.keepRuns = m_keepRuns->value();
    s.traceBudgetMiB = m_budget->value();
    s.storeCapacityMillions = m_capacity->value();
    s.deepgramBaseUrl = urlFrom(m_deepgramUrl);
    s.openAiBaseUrl = urlFrom(m_openAiUrl);
    s.httpBaseUrl = urlFrom(m_httpUrl);
    s.deepgramApiKey = m_deepgramKey->text().trimmed();
    s.openAiApiKey = m_openAiKey->text().trimmed();
    s.theme = AppSettings::Theme(m_theme->currentData().toInt());
    s.followWindowMs = m_followWindow->value();
    s.freezeMs = m_freezeMs->value();
    s.freezeKind = AppSettings::FreezeKind(m_freezeKind->currentData().toInt());
    return s.normalized();
}

QString SettingsDialog::validationError() const
{
    if (!(m_suspicion->value() <= m_hang->value() && m_hang->value() <= m_severe->value()
          && m_severe->value() <= m_critical->value()))
        return QStringLiteral("The watchdog tiers must grow: suspicion ≤ hang ≤ severe ≤ critical.");
    const QLineEdit *urls[] = {m_deepgramUrl, m_openAiUrl, m_httpUrl};
    for (const QLineEdit *edit : urls) {
        if (!edit->text().trimmed().isEmpty() && urlFrom(edit).isEmpty())
            return QStringLiteral("“%1” is not a URL with a host.").arg(edit->text().trimmed());
    }
    return {};
}

void SettingsDialog::accept()
{
    const QString error = validationError();
    m_error->setText(error);
    m_error->setVisible(!error.isEmpty());
    if (error.isEmpty())
        QDialog::accept();
}

} // namespace Taskscope::Ui
