#include "ui/spandetailspanel.h"

#include "model/timeformat.h"

#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

using Taskscope::Model::TimeFormat;

namespace Taskscope::Ui {

SpanDetailsPanel::SpanDetailsPanel(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    m_placeholder = new QLabel(
        QStringLiteral("Click a span on the timeline to see it here. Double-click zooms to it; "
                       "the wheel zooms around the cursor, drag pans, Space pauses the view, F follows live."),
        this);
    m_placeholder->setWordWrap(true);
    m_placeholder->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_placeholder);

    m_form = new QWidget(this);
    auto *form = new QFormLayout(m_form);
    m_formLayout = form;
    form->setContentsMargins(0, 0, 0, 0);
    form->setLabelAlignment(Qt::AlignRight);
    const QList<QPair<QString, QString>> fields = {{QStringLiteral("name"), QStringLiteral("Name")},
                                                   {QStringLiteral("kind"), QStringLiteral("Kind")},
                                                   {QStringLiteral("lane"), QStringLiteral("Lane")},
                                                   {QStringLiteral("start"), QStringLiteral("Start")},
                                                   {QStringLiteral("duration"), QStringLiteral("Duration")},
                                                   {QStringLiteral("thread"), QStringLiteral("Thread")},
                                                   {QStringLiteral("coroutine"), QStringLiteral("Coroutine")},
                                                   {QStringLiteral("arg"), QStringLiteral("Span argument")}};
    for (const auto &[key, label] : fields) {
        auto *value = new QLabel(m_form);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        value->setTextFormat(Qt::PlainText);
        if (key == QLatin1StringView("name")) {
            QFont bold = value->font();
            bold.setBold(true);
            value->setFont(bold);
        }
        form->addRow(label, value);
        m_values.insert(key, value);
    }
    m_zoom = new QPushButton(QStringLiteral("Zoom to span"), m_form);
    form->addRow(QString(), m_zoom);
    layout->addWidget(m_form);
    layout->addStretch(1);
    connect(m_zoom, &QPushButton::clicked, this, [this] {
        if (m_selection.valid)
            Q_EMIT zoomRequested(m_selection.startNs, m_selection.endNs);
    });
    setSelection({});
}

void SpanDetailsPanel::setSelection(const SpanSelection &s)
{
    m_selection = s;
    m_placeholder->setVisible(!s.valid);
    m_form->setVisible(s.valid);
    if (!s.valid)
        return;
    m_values[QStringLiteral("name")]->setText(s.title);
    m_values[QStringLiteral("kind")]->setText(SpanSelection::kindName(s.kind));
    m_values[QStringLiteral("lane")]->setText(QStringLiteral("%1 · level %2").arg(s.laneName).arg(s.depth + 1));
    m_values[QStringLiteral("lane")]->setToolTip(QStringLiteral("lane id %1 (in saved traces, the tid)").arg(s.lane));
    m_values[QStringLiteral("start")]->setText(TimeFormat::timestamp(s.startNs, 1));
    m_values[QStringLiteral("duration")]->setText(TimeFormat::duration(s.durationNs(), 3)
                                                  + (s.open ? QStringLiteral(" so far (still open)") : QString()));
    // Fields that do not apply to this span are left out rather than shown as a dash.
    const auto show = [this](const QString &key, const QString &text) {
        m_values[key]->setText(text);
        m_formLayout->setRowVisible(m_values[key], !text.isEmpty());
    };
    show(QStringLiteral("thread"), s.threadName);
    show(QStringLiteral("coroutine"), s.coroutineName);
    show(QStringLiteral("arg"), s.arg ? QString::number(s.arg) : QString());
}

QString SpanDetailsPanel::field(const QString &name) const
{
    const QLabel *label = m_values.value(name);
    return label && m_selection.valid ? label->text() : QString();
}

bool SpanDetailsPanel::showsField(const QString &name) const
{
    QLabel *label = m_values.value(name);
    return label && m_selection.valid && m_formLayout->isRowVisible(label);
}

} // namespace Taskscope::Ui
