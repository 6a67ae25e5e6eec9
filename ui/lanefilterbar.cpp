#include "ui/lanefilterbar.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QToolButton>

namespace Taskscope::Ui {

LaneFilterBar::LaneFilterBar(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 2, 6, 2);
    layout->setSpacing(6);
    m_text = new QLineEdit(this);
    m_text->setPlaceholderText(QStringLiteral("Filter lanes: name, model, state…"));
    m_text->setClearButtonEnabled(true);
    m_text->setToolTip(QStringLiteral("Shows the lanes whose name, group, stream, execution model (thread, "
                                      "coroutine…) or state (running, ended) contain every word typed"));
    m_text->setAccessibleName(QStringLiteral("Filter lanes"));
    m_state = new QComboBox(this);
    m_state->addItem(QStringLiteral("All lanes"), int(LaneFilter::State::Any));
    m_state->addItem(QStringLiteral("Running only"), int(LaneFilter::State::Running));
    m_state->addItem(QStringLiteral("Ended only"), int(LaneFilter::State::Ended));
    m_state->setAccessibleName(QStringLiteral("Lane state"));
    m_ownWork = new QCheckBox(QStringLiteral("Taskscope's own work"), this);
    m_ownWork->setToolTip(QStringLiteral("Show the spans Taskscope records for itself (the timeline's paints) on a "
                                         "lane below the UI thread"));
    m_groups = new QToolButton(this);
    m_groups->setPopupMode(QToolButton::InstantPopup);
    m_groups->setMenu(new QMenu(m_groups));
    m_groups->setToolTip(QStringLiteral("Groups hidden from the timeline (a group's context menu hides one); "
                                        "pick one to show it again"));
    m_groups->setVisible(false);
    m_hidden = new QLabel(this);
    m_hidden->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_state);
    layout->addWidget(m_ownWork);
    layout->addWidget(m_groups);
    layout->addWidget(m_hidden);

    const auto changed = [this] { Q_EMIT filterChanged(filter()); };
    connect(m_text, &QLineEdit::textChanged, this, changed);
    connect(m_state, &QComboBox::currentIndexChanged, this, changed);
    connect(m_ownWork, &QCheckBox::toggled, this, changed);
}

LaneFilter LaneFilterBar::filter() const
{
    LaneFilter f;
    f.setText(m_text->text());
    f.setState(LaneFilter::State(m_state->currentData().toInt()));
    f.setShowOwnWork(m_ownWork->isChecked());
    f.setHiddenGroups(m_hiddenGroups);
    return f;
}

void LaneFilterBar::setHiddenGroups(const QStringList &keys)
{
    QStringList clean = keys;
    clean.removeAll(QString());
    clean.removeDuplicates();
    if (clean == m_hiddenGroups)
        return;
    m_hiddenGroups = clean;
    updateGroupsButton();
    Q_EMIT filterChanged(filter());
    Q_EMIT hiddenGroupsChanged(m_hiddenGroups);
}

void LaneFilterBar::hideGroup(const QString &key)
{
    if (!m_hiddenGroups.contains(key))
        setHiddenGroups(m_hiddenGroups + QStringList {key});
}

void LaneFilterBar::showGroup(const QString &key)
{
    QStringList keys = m_hiddenGroups;
    keys.removeAll(key);
    setHiddenGroups(keys);
}

void LaneFilterBar::updateGroupsButton()
{
    QMenu *menu = m_groups->menu();
    menu->clear();
    for (const QString &key : std::as_const(m_hiddenGroups))
        menu->addAction(QStringLiteral("Show %1").arg(key), this, [this, key] { showGroup(key); });
    if (m_hiddenGroups.size() > 1) {
        menu->addSeparator();
        menu->addAction(QStringLiteral("Show every group"), this, [this] { setHiddenGroups({}); });
    }
    m_groups->setText(m_hiddenGroups.size() == 1 ? QStringLiteral("1 group hidden")
                                                 : QStringLiteral("%1 groups hidden").arg(m_hiddenGroups.size()));
    m_groups->setVisible(!m_hiddenGroups.isEmpty());
}

void LaneFilterBar::setHiddenCount(int lanes)
{
    m_hidden->setText(lanes > 0 ? QStringLiteral("%1 hidden").arg(lanes) : QString());
}

} // namespace Taskscope::Ui
