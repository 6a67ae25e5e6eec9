#include "ui/elidedlabel.h"

#include <QResizeEvent>

#include <algorithm>

namespace Taskscope::Ui {

ElidedLabel::ElidedLabel(QWidget *parent)
    : QLabel(parent)
{
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    setTextFormat(Qt::PlainText);
}

void ElidedLabel::setFullText(const QString &text)
{
    if (text == m_full)
        return;
    m_full = text;
    setToolTip(text);
    updateGeometry();
    elide();
}

void ElidedLabel::setPreferredMaxWidth(int px)
{
    m_maxWidth = std::max(0, px);
    updateGeometry();
}

QSize ElidedLabel::sizeHint() const
{
    const QMargins m = contentsMargins();
    const int textWidth = fontMetrics().horizontalAdvance(m_full) + 8 + m.left() + m.right();
    return QSize(m_maxWidth > 0 ? std::min(textWidth, m_maxWidth) : textWidth, QLabel::sizeHint().height());
}

QSize ElidedLabel::minimumSizeHint() const
{
    return QSize(std::min(sizeHint().width(), fontMetrics().horizontalAdvance(QStringLiteral("Built…")) + 8),
                 QLabel::minimumSizeHint().height());
}

void ElidedLabel::resizeEvent(QResizeEvent *event)
{
    QLabel::resizeEvent(event);
    elide();
}

void ElidedLabel::elide()
{
    setText(fontMetrics().elidedText(m_full, Qt::ElideRight, std::max(0, contentsRect().width() - 4)));
}

} // namespace Taskscope::Ui
