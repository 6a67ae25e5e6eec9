#pragma once

#include <QLabel>

namespace Taskscope::Ui {

/// A one-line label that shrinks: past its width the text ends in "…" and the whole text is in the
/// tooltip. For the status bar's permanent labels, which otherwise keep their full width and leave
/// the status message no room (it was then drawn over them).
class ElidedLabel final : public QLabel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ElidedLabel)

public:
    explicit ElidedLabel(QWidget *parent = nullptr);

    void setFullText(const QString &text);
    QString fullText() const { return m_full; }
    /// The widest it asks to be, whatever the text (0: the text's width).
    void setPreferredMaxWidth(int px);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void elide();

    QString m_full;
    int m_maxWidth = 0;
};

} // namespace Taskscope::Ui
