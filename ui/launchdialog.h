#pragma once

#include <QDialog>
#include <QString>

class QLabel;
class QLineEdit;
class QPlainTextEdit;

namespace Taskscope::Ui {

/// File › Launch application…: a program, its arguments (shell-style quoting), a working folder and
/// environment additions, one NAME=value a line. The caller fills it with the last values used.
class LaunchDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LaunchDialog)

public:
    struct Values
    {
        QString program;
        QString arguments; ///< as typed; split with QProcess::splitCommand rules
        QString workingDirectory;
        QString environment; ///< NAME=value lines
    };

    explicit LaunchDialog(QWidget *parent = nullptr);

    void setValues(const Values &values);
    Values values() const;
    /// Why the form cannot be accepted (empty when it can): no program, a bad environment line.
    QString validationError() const;

    QLineEdit *programEdit() const { return m_program; }
    QLineEdit *argumentsEdit() const { return m_arguments; }

public Q_SLOTS:
    void accept() override;

private:
    QLineEdit *m_program = nullptr;
    QLineEdit *m_arguments = nullptr;
    QLineEdit *m_directory = nullptr;
    QPlainTextEdit *m_environment = nullptr;
    QLabel *m_error = nullptr;
};

} // namespace Taskscope::Ui
