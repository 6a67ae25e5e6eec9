#pragma once

#include "model/appsettings.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace Taskscope::Ui {

/// Preferences: watchdog tiers, trace retention, endpoints and API keys, theme, the freeze action.
/// Keys are edited in password fields and only ever leave this dialog through settings().
class SettingsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsDialog)

public:
    explicit SettingsDialog(QWidget *parent = nullptr);

    void setSettings(const Model::AppSettings &settings);
    /// The edited settings (normalized); invalid URLs come back empty.
    Model::AppSettings settings() const;
    /// Why the form cannot be accepted (empty when it can).
    QString validationError() const;

    QSpinBox *hangBox() const { return m_hang; }
    QLineEdit *deepgramKeyEdit() const { return m_deepgramKey; }
    QLineEdit *deepgramUrlEdit() const { return m_deepgramUrl; }

public Q_SLOTS:
    void accept() override;

private:
    QSpinBox *m_suspicion = nullptr;
    QSpinBox *m_hang = nullptr;
    QSpinBox *m_severe = nullptr;
    QSpinBox *m_critical = nullptr;
    QCheckBox *m_recordDispatches = nullptr;
    QSpinBox *m_keepRuns = nullptr;
    QSpinBox *m_budget = nullptr;
    Model::AppSettings m_base;
    QSpinBox *m_capacity = nullptr;
    QLineEdit *m_deepgramUrl = nullptr;
    QLineEdit *m_openAiUrl = nullptr;
    QLineEdit *m_httpUrl = nullptr;
    QLineEdit *m_deepgramKey = nullptr;
    QLineEdit *m_openAiKey = nullptr;
    QCheckBox *m_showKeys = nullptr;
    QComboBox *m_theme = nullptr;
    QSpinBox *m_followWindow = nullptr;
    QSpinBox *m_freezeMs = nullptr;
    QComboBox *m_freezeKind = nullptr;
    QLabel *m_error = nullptr;
};

} // namespace Taskscope::Ui
