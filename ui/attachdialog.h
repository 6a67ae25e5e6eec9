#pragma once

#include <QDialog>
#include <QList>
#include <QString>

#include <functional>

class QLabel;
class QPushButton;
class QTreeWidget;

namespace Taskscope::Ui {

/// File › Attach to process…: the running processes that load Qt 6, with pid, name and user. A
/// process the attach pre-flight refuses is listed with the reason and cannot be chosen.
class AttachDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AttachDialog)

public:
    struct Row
    {
        qint64 pid = 0;
        QString name;
        QString user;
        QString refusal; ///< empty: attaching can be tried
    };
    using Lister = std::function<QList<Row>()>;

    /// `lister` is called now and on Refresh.
    explicit AttachDialog(Lister lister, QWidget *parent = nullptr);

    /// The chosen process (0 if none).
    qint64 selectedPid() const;
    /// Selects the row of `pid`; false if it is not listed.
    bool selectPid(qint64 pid);
    QTreeWidget *list() const { return m_list; }
    /// The text under the list: the selected process's refusal, or what attaching does.
    QString statusText() const;
    bool canAccept() const;

public Q_SLOTS:
    void refresh();

private:
    void onSelectionChanged();

    Lister m_lister;
    QTreeWidget *m_list = nullptr;
    QLabel *m_status = nullptr;
    QPushButton *m_attach = nullptr;
};

} // namespace Taskscope::Ui
