#pragma once

#include <QWidget>

class QAbstractItemModel;
class QTimer;

namespace Taskscope::Ui {

/// The status-bar light for UI-thread hangs: grey when all is well, red while a hang lasts (and for
/// a few seconds after, since the window cannot repaint during the hang itself), with the number of
/// alerts so far. Fed by the alert model (rows, AlertRoles::OngoingRole) and/or setHangActive().
class HangIndicator final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HangIndicator)

public:
    static constexpr int HoldMs = 3000;

    explicit HangIndicator(QWidget *parent = nullptr);

    void setModel(QAbstractItemModel *model);
    bool isRed() const;
    /// Whether anything reports hangs (a model, or setHangActive); otherwise it says so.
    bool isAvailable() const { return m_available; }
    int alertCount() const { return m_count; }
    QSize sizeHint() const override;

public Q_SLOTS:
    /// For a watchdog signal (hangStarted / hangEnded) or a trace's open alert band.
    void setHangActive(bool active);
    void setAlertCount(int count);

Q_SIGNALS:
    void clicked();

protected:
    void paintEvent(QPaintEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;

private:
    void refreshFromModel();

    QAbstractItemModel *m_model = nullptr;
    QTimer *m_hold = nullptr;
    bool m_active = false;
    bool m_modelActive = false;
    bool m_available = false;
    int m_count = 0;
};

} // namespace Taskscope::Ui
