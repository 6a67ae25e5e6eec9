#pragma once

#include "ui/lanefilter.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QToolButton;

namespace Taskscope::Ui {

/// The strip above the timeline that narrows its lanes: a filter box (words found in a lane's
/// name, group, stream, execution model or state), which lanes by state, whether Taskscope's own
/// work is shown, and the groups the user hid (a menu shows them again).
class LaneFilterBar final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LaneFilterBar)

public:
    explicit LaneFilterBar(QWidget *parent = nullptr);

    LaneFilter filter() const;
    /// How many lanes the filter hides now (shown beside the box).
    void setHiddenCount(int lanes);

    /// Groups hidden, by LaneFilter::groupKey.
    QStringList hiddenGroups() const { return m_hiddenGroups; }
    void setHiddenGroups(const QStringList &keys);
    void hideGroup(const QString &key);
    void showGroup(const QString &key);

    QLineEdit *textBox() const { return m_text; }
    QComboBox *stateBox() const { return m_state; }
    QCheckBox *ownWorkBox() const { return m_ownWork; }
    QLabel *hiddenLabel() const { return m_hidden; }
    QToolButton *groupsButton() const { return m_groups; }

Q_SIGNALS:
    void filterChanged(const LaneFilter &filter);
    /// The user hid or showed a group (the settings keep the list).
    void hiddenGroupsChanged(const QStringList &keys);

private:
    QLineEdit *m_text = nullptr;
    QComboBox *m_state = nullptr;
    QCheckBox *m_ownWork = nullptr;
    QLabel *m_hidden = nullptr;
    QToolButton *m_groups = nullptr;
    QStringList m_hiddenGroups;

    void updateGroupsButton();
};

} // namespace Taskscope::Ui
