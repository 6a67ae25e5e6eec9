#include "ui/apptheme.h"

#include <QApplication>
#include <QPainter>
#include <QProxyStyle>
#include <QStyle>
#include <QStyleFactory>
#include <QStyleOptionToolButton>

using Taskscope::Model::AppSettings;

namespace Taskscope::Ui {

namespace {

/// Fusion, except that a checked tool button (the "Run as" choice, a checked toolbar action) is
/// drawn in the highlight colour: Fusion only darkens it a little, which in the dark palette is
/// hard to tell from the unchecked buttons beside it.
class TaskscopeStyle final : public QProxyStyle
{
public:
    TaskscopeStyle()
        : QProxyStyle(QStyleFactory::create(QStringLiteral("Fusion")))
    {
        setObjectName(QStringLiteral("TaskscopeStyle"));
    }

    void drawComplexControl(ComplexControl control, const QStyleOptionComplex *option, QPainter *painter,
                            const QWidget *widget) const override
    {
        const auto *button = qstyleoption_cast<const QStyleOptionToolButton *>(option);
        if (control != CC_ToolButton || !button || !(button->state & State_On)) {
            QProxyStyle::drawComplexControl(control, option, painter, widget);
            return;
        }
        QStyleOptionToolButton checked = *button;
        const QColor highlight = option->palette.color(QPalette::Highlight);
        checked.palette.setColor(QPalette::Button, highlight);
        checked.palette.setColor(QPalette::ButtonText, option->palette.color(QPalette::HighlightedText));
        // Fusion draws a checked button sunken and slightly darker than Button: fill it first so the
        // whole face carries the colour, then let Fusion draw its frame and label over it.
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(Qt::NoPen);
        painter->setBrush(highlight);
        painter->drawRoundedRect(QRectF(option->rect).adjusted(0.5, 0.5, -0.5, -0.5), 2, 2);
        painter->restore();
        QProxyStyle::drawComplexControl(control, &checked, painter, widget);
    }
};

} // namespace

QPalette AppTheme::darkPalette()
{
    QPalette p;
    const QColor window(0x2b, 0x2f, 0x36), base(0x21, 0x25, 0x2b), text(0xdc, 0xe0, 0xe6), mid(0x3a, 0x40, 0x4a);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x27, 0x2b, 0x32));
    p.setColor(QPalette::ToolTipBase, QColor(0x31, 0x36, 0x3f));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x8e, 0x96, 0xa3));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x33, 0x38, 0x40));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Light, QColor(0x45, 0x4b, 0x56));
    p.setColor(QPalette::Midlight, QColor(0x3d, 0x43, 0x4d));
    p.setColor(QPalette::Mid, mid);
    p.setColor(QPalette::Dark, QColor(0x1a, 0x1d, 0x22));
    p.setColor(QPalette::Shadow, QColor(0x10, 0x12, 0x15));
    p.setColor(QPalette::Highlight, QColor(0x3d, 0x7e, 0xc8));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x6c, 0xb4, 0xee));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x6e, 0x75, 0x80));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x6e, 0x75, 0x80));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x6e, 0x75, 0x80));
    return p;
}

QPalette AppTheme::lightPalette()
{
    QPalette p = QApplication::style()->standardPalette();
    p.setColor(QPalette::Window, QColor(0xf3, 0xf4, 0xf6));
    p.setColor(QPalette::Base, QColor(0xff, 0xff, 0xff));
    p.setColor(QPalette::AlternateBase, QColor(0xf6, 0xf7, 0xf9));
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xba));
    p.setColor(QPalette::PlaceholderText, QColor(0x6a, 0x72, 0x7e));
    return p;
}

void AppTheme::apply(AppSettings::Theme theme)
{
    // Fusion draws the same on every platform and takes a palette fully, which dark mode needs.
    // Setting the style again would re-polish every widget: only when it is not ours yet.
    if (QApplication::style()->objectName() != QLatin1StringView("TaskscopeStyle"))
        QApplication::setStyle(new TaskscopeStyle);
    switch (theme) {
    case AppSettings::Theme::Dark:
        QApplication::setPalette(darkPalette());
        break;
    case AppSettings::Theme::Light:
        QApplication::setPalette(lightPalette());
        break;
    case AppSettings::Theme::System:
        QApplication::setPalette(QApplication::style()->standardPalette());
        break;
    }
}

} // namespace Taskscope::Ui
