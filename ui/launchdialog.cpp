#include "ui/launchdialog.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Taskscope::Ui {

LaunchDialog::LaunchDialog(QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(QStringLiteral("Launch application"));
    m_program = new QLineEdit(this);
    m_program->setPlaceholderText(QStringLiteral("/usr/lib/qt6/bin/designer"));
    auto *browse = new QPushButton(QStringLiteral("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, QStringLiteral("Program to launch"), m_program->text());
        if (!file.isEmpty())
            m_program->setText(file);
    });
    auto *programRow = new QHBoxLayout;
    programRow->addWidget(m_program, 1);
    programRow->addWidget(browse);
    m_arguments = new QLineEdit(this);
    m_arguments->setPlaceholderText(QStringLiteral("--option \"an argument with spaces\""));
    m_directory = new QLineEdit(this);
    m_directory->setPlaceholderText(QStringLiteral("(Taskscope's own)"));
    m_environment = new QPlainTextEdit(this);
    m_environment->setPlaceholderText(QStringLiteral("QT_QPA_PLATFORM=offscreen\nMY_SETTING=1"));
    m_environment->setTabChangesFocus(true);
    m_environment->setMaximumHeight(90);

    auto *form = new QFormLayout;
    form->addRow(QStringLiteral("&Program:"), programRow);
    form->addRow(QStringLiteral("&Arguments:"), m_arguments);
    form->addRow(QStringLiteral("&Working folder:"), m_directory);
    form->addRow(QStringLiteral("&Environment:"), m_environment);

    auto *note = new QLabel(QStringLiteral("The program starts with the Taskscope probe preloaded: its threads' "
                                           "event dispatches and its UI hangs appear here as one lane group. "
                                           "Its children are not watched."),
                            this);
    note->setWordWrap(true);
    m_error = new QLabel(this);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #c62828"));
    m_error->hide();
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(QStringLiteral("&Launch"));
    connect(buttons, &QDialogButtonBox::accepted, this, &LaunchDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &LaunchDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    resize(560, sizeHint().height());
}

void LaunchDialog::setValues(const Values &values)
{
    m_program->setText(values.program);
    m_arguments->setText(values.arguments);
    m_directory->setText(values.workingDirectory);
    m_environment->setPlainText(values.environment);
}

LaunchDialog::Values LaunchDialog::values() const
{
    return {m_program->text().trimmed(), m_arguments->text(), m_directory->text().trimmed(),
            m_environment->toPlainText().trimmed()};
}

QString LaunchDialog::validationError() const
{
    if (m_program->text().trimmed().isEmpty())
        return QStringLiteral("Name the program to launch.");
    const QStringList lines = m_environment->toPlainText().split(u'\n', Qt::SkipEmptyParts);
    for (const QString &line : lines) {
        if (line.trimmed().isEmpty())
            continue;
        if (line.indexOf(u'=') <= 0)
            return QStringLiteral("Environment line \"%1\" is not NAME=value.").arg(line.trimmed());
    }
    return {};
}

void LaunchDialog::accept()
{
    const QString error = validationError();
    if (!error.isEmpty()) {
        m_error->setText(error);
        m_error->show();
        return;
    }
    QDialog::accept();
}

} // namespace Taskscope::Ui
