#include "ui/lanefilterbar.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>

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
    m_hidden = new QLabel(this);
    m_hidden->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_state);
    layout->addWidget(m_ownWork);
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
    return f;
}

void LaneFilterBar::setHiddenCount(int lanes)
{
    m_hidden->setText(lanes > 0 ? QStringLiteral("%1 hidden").arg(lanes) : QString());
}
