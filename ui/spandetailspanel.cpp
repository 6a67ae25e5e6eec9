#include "ui/spandetailspanel.h"

#include "model/timeformat.h"

#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

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
    form->setContentsMargins(0, 0, 0, 0);
    form->setLabelAlignment(Qt::AlignRight);
    const QList<QPair<QString, QString>> fields = {{QStringLiteral("name"), QStringLiteral("Name")},
                                                   {QStringLiteral("kind"), QStringLiteral("Kind")},
                                                   {QStringLiteral("lane"), QStringLiteral("Lane")},
                                                   {QStringLiteral("start"), QStringLiteral("Start")},
                                                   {QStringLiteral("duration"), QStringLiteral("Duration")},
                                                   {QStringLiteral("thread"), QStringLiteral("Thread")},
                                                   {QStringLiteral("coroutine"), QStringLiteral("Coroutine")},
                                                   {QStringLiteral("arg"), QStringLiteral("Argument")}};
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
    m_values[QStringLiteral("lane")]->setText(
        QStringLiteral("%1 (lane %2, depth %3)").arg(s.laneName).arg(s.lane).arg(s.depth));
    m_values[QStringLiteral("start")]->setText(TimeFormat::timestamp(s.startNs, 1));
    m_values[QStringLiteral("duration")]->setText(TimeFormat::duration(s.durationNs(), 3)
                                                  + (s.open ? QStringLiteral(" so far (still open)") : QString()));
    m_values[QStringLiteral("thread")]->setText(s.threadName.isEmpty() ? QStringLiteral("—") : s.threadName);
    m_values[QStringLiteral("coroutine")]->setText(s.coroutineName.isEmpty() ? QStringLiteral("—") : s.coroutineName);
    m_values[QStringLiteral("arg")]->setText(s.arg ? QString::number(s.arg) : QStringLiteral("—"));
}

QString SpanDetailsPanel::field(const QString &name) const
{
    const QLabel *label = m_values.value(name);
    return label && m_selection.valid ? label->text() : QString();
}
