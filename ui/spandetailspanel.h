#pragma once

#include "ui/spanselection.h"

#include <QWidget>

class QFormLayout;
class QLabel;
class QPushButton;

namespace Taskscope::Ui {

/// What the selected span is: name, lane, start, duration, argument, the thread that ran it and the
/// coroutine it belongs to.
class SpanDetailsPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SpanDetailsPanel)

public:
    explicit SpanDetailsPanel(QWidget *parent = nullptr);

    void setSelection(const SpanSelection &selection);
    const SpanSelection &selection() const { return m_selection; }
    /// The value shown for a field ("name", "lane", "start", "duration", "arg", "thread", "coroutine", "kind").
    QString field(const QString &name) const;
    /// Whether a field's row is shown (fields that do not apply to the span are left out).
    bool showsField(const QString &name) const;

Q_SIGNALS:
    void zoomRequested(qint64 startNs, qint64 endNs);

private:
    SpanSelection m_selection;
    QLabel *m_placeholder = nullptr;
    QWidget *m_form = nullptr;
    QFormLayout *m_formLayout = nullptr;
    QPushButton *m_zoom = nullptr;
    QHash<QString, QLabel *> m_values;
};

} // namespace Taskscope::Ui
