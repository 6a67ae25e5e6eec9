#pragma once

#include "ui/lanefilter.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;

/// The strip above the timeline that narrows its lanes: a filter box (words found in a lane's
/// name, group, stream, execution model or state), which lanes by state, and whether Taskscope's
/// own work is shown.
class LaneFilterBar final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LaneFilterBar)

public:
    explicit LaneFilterBar(QWidget *parent = nullptr);

    LaneFilter filter() const;
    /// How many lanes the filter hides now (shown beside the box).
    void setHiddenCount(int lanes);

    QLineEdit *textBox() const { return m_text; }
    QComboBox *stateBox() const { return m_state; }
    QCheckBox *ownWorkBox() const { return m_ownWork; }
    QLabel *hiddenLabel() const { return m_hidden; }

Q_SIGNALS:
    void filterChanged(const LaneFilter &filter);

private:
    QLineEdit *m_text = nullptr;
    QComboBox *m_state = nullptr;
    QCheckBox *m_ownWork = nullptr;
    QLabel *m_hidden = nullptr;
};
