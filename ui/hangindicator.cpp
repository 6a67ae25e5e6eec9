#include "ui/hangindicator.h"

#include "model/alertdetails.h"

#include <QAbstractItemModel>
#include <QMouseEvent>
#include <QPainter>
#include <QTimer>

namespace AlertRoles = Taskscope::Model::AlertRoles;

namespace Taskscope::Ui {

HangIndicator::HangIndicator(QWidget *parent)
    : QWidget(parent)
{
    m_hold = new QTimer(this);
    m_hold->setSingleShot(true);
    m_hold->setInterval(HoldMs);
    connect(m_hold, &QTimer::timeout, this, qOverload<>(&QWidget::update));
    setCursor(Qt::PointingHandCursor);
    setToolTip(QStringLiteral("UI-thread hangs detected by the watchdog. Click to open the alert inspector."));
    setAccessibleName(QStringLiteral("Hang indicator"));
}

void HangIndicator::setModel(QAbstractItemModel *model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    m_available = model != nullptr;
    if (model) {
        connect(model, &QAbstractItemModel::rowsInserted, this, &HangIndicator::refreshFromModel);
        connect(model, &QAbstractItemModel::rowsRemoved, this, &HangIndicator::refreshFromModel);
        connect(model, &QAbstractItemModel::dataChanged, this, &HangIndicator::refreshFromModel);
        connect(model, &QAbstractItemModel::modelReset, this, &HangIndicator::refreshFromModel);
    }
    refreshFromModel();
}

void HangIndicator::refreshFromModel()
{
    if (!m_model) {
        m_modelActive = false;
        update();
        return;
    }
    // Rows that are information (a nested modal loop: events flowed) neither count nor turn it red.
    bool ongoing = false;
    int hangs = 0;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const QModelIndex index = m_model->index(row, 0);
        const QVariant hang = index.data(AlertRoles::HangRole);
        if (hang.isValid() && !hang.toBool())
            continue;
        ++hangs;
        ongoing = ongoing || index.data(AlertRoles::OngoingRole).toBool();
    }
    if (m_modelActive && !ongoing)
        m_hold->start();
    m_modelActive = ongoing;
    setAlertCount(hangs);
    update();
}

void HangIndicator::setHangActive(bool active)
{
    m_available = true;
    if (m_active && !active)
        m_hold->start();
    m_active = active;
    update();
}

void HangIndicator::setAlertCount(int count)
{
    if (count == m_count)
        return;
    // A new alert that already ended before we saw it still deserves a moment of red.
    if (count > m_count)
        m_hold->start();
    m_count = count;
    updateGeometry();
    update();
}

bool HangIndicator::isRed() const
{
    return m_active || m_modelActive || m_hold->isActive();
}

QSize HangIndicator::sizeHint() const
{
    return QSize(fontMetrics().horizontalAdvance(QStringLiteral("● UI hang · 0000 alerts")) + 16,
                 fontMetrics().height() + 4);
}

void HangIndicator::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const bool red = isRed();
    const QRectF box = QRectF(rect()).adjusted(1, 1, -1, -1);
    if (red) {
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(0xd9, 0x3b, 0x3b));
        p.drawRoundedRect(box, 4, 4);
    }
    const double d = 8;
    const QRectF dot(6, (height() - d) / 2, d, d);
    p.setPen(Qt::NoPen);
    p.setBrush(red                ? QColor(Qt::white)
                   : !m_available ? palette().color(QPalette::PlaceholderText)
                                  : (m_count ? QColor(0xe6, 0x9b, 0x2c) : QColor(0x2f, 0x9e, 0x62)));
    p.drawEllipse(dot);
    p.setPen(red ? QColor(Qt::white) : palette().color(QPalette::WindowText));
    const QString text = red
        ? QStringLiteral("UI hang · %1 alert%2").arg(m_count).arg(m_count == 1 ? QString() : QStringLiteral("s"))
        : m_count     ? QStringLiteral("%1 alert%2").arg(m_count).arg(m_count == 1 ? QString() : QStringLiteral("s"))
        : m_available ? QStringLiteral("No hangs")
                      : QStringLiteral("Watchdog off");
    p.drawText(QRectF(dot.right() + 6, 0, width() - dot.right() - 8, height()), Qt::AlignVCenter | Qt::AlignLeft, text);
}

void HangIndicator::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && rect().contains(event->position().toPoint()))
        Q_EMIT clicked();
}

} // namespace Taskscope::Ui
