#include "ui/attachdialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Taskscope::Ui {

namespace {

constexpr int PidRole = Qt::UserRole + 1;
constexpr int RefusalRole = Qt::UserRole + 2;

} // namespace

AttachDialog::AttachDialog(Lister lister, QWidget *parent)
    : QDialog(parent)
    , m_lister(std::move(lister))
{
    setWindowTitle(QStringLiteral("Attach to process"));
    m_list = new QTreeWidget(this);
    m_list->setRootIsDecorated(false);
    m_list->setHeaderLabels(
        {QStringLiteral("PID"), QStringLiteral("Name"), QStringLiteral("User"), QStringLiteral("Can attach")});
    m_list->header()->setStretchLastSection(true);
    m_list->setSortingEnabled(true);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_attach = buttons->addButton(QStringLiteral("&Attach"), QDialogButtonBox::AcceptRole);
    auto *refreshButton = buttons->addButton(QStringLiteral("&Refresh"), QDialogButtonBox::ActionRole);
    connect(refreshButton, &QPushButton::clicked, this, &AttachDialog::refresh);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        if (canAccept())
            accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &AttachDialog::reject);
    connect(m_list, &QTreeWidget::itemSelectionChanged, this, &AttachDialog::onSelectionChanged);
    connect(m_list, &QTreeWidget::itemDoubleClicked, this, [this] {
        if (canAccept())
            accept();
    });
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(QStringLiteral("Running programs that load Qt 6:"), this));
    layout->addWidget(m_list, 1);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    resize(640, 420);
    refresh();
}

void AttachDialog::refresh()
{
    const qint64 selected = selectedPid();
    m_list->clear();
    const QList<Row> rows = m_lister ? m_lister() : QList<Row> {};
    for (const Row &row : rows) {
        auto *item = new QTreeWidgetItem(m_list);
        item->setData(0, Qt::DisplayRole, row.pid);
        item->setData(0, PidRole, row.pid);
        item->setData(0, RefusalRole, row.refusal);
        item->setText(1, row.name);
        item->setText(2, row.user);
        item->setText(3, row.refusal.isEmpty() ? QStringLiteral("yes") : row.refusal);
        item->setToolTip(3, row.refusal);
        if (!row.refusal.isEmpty())
            item->setForeground(3, palette().brush(QPalette::Disabled, QPalette::Text));
    }
    m_list->sortByColumn(0, Qt::AscendingOrder);
    for (int column = 0; column < 3; ++column)
        m_list->resizeColumnToContents(column);
    if (rows.isEmpty())
        m_status->setText(QStringLiteral("No running Qt 6 program that this user may read was found."));
    if (!selectPid(selected))
        onSelectionChanged();
}

qint64 AttachDialog::selectedPid() const
{
    const QList<QTreeWidgetItem *> items = m_list->selectedItems();
    return items.isEmpty() ? 0 : items.first()->data(0, PidRole).toLongLong();
}

bool AttachDialog::selectPid(qint64 pid)
{
    for (int i = 0; pid > 0 && i < m_list->topLevelItemCount(); ++i) {
        QTreeWidgetItem *item = m_list->topLevelItem(i);
        if (item->data(0, PidRole).toLongLong() == pid) {
            m_list->setCurrentItem(item);
            item->setSelected(true);
            return true;
        }
    }
    return false;
}

QString AttachDialog::statusText() const
{
    return m_status->text();
}

bool AttachDialog::canAccept() const
{
    const QList<QTreeWidgetItem *> items = m_list->selectedItems();
    return !items.isEmpty() && items.first()->data(0, RefusalRole).toString().isEmpty();
}

void AttachDialog::onSelectionChanged()
{
    const QList<QTreeWidgetItem *> items = m_list->selectedItems();
    m_attach->setEnabled(canAccept());
    if (items.isEmpty()) {
        if (m_list->topLevelItemCount() > 0)
            m_status->setText(QStringLiteral("Choose a process."));
        return;
    }
    const QString refusal = items.first()->data(0, RefusalRole).toString();
    m_status->setText(refusal.isEmpty()
                          ? QStringLiteral("gdb stops the process for a moment to load the probe, then detaches; "
                                           "the probe's set-up runs on its UI thread.")
                          : QStringLiteral("Cannot attach: %1").arg(refusal));
}

} // namespace Taskscope::Ui
