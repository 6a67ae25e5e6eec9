#include "ui/timeline/inputhandler.h"

#include "ui/timeline/controller.h"
#include "ui/timeline/geometry.h"

#include <cmath>
#include <cstdlib>

namespace Taskscope::Ui::Timeline {

InputHandler::KeyAction InputHandler::keyAction(int key)
{
    switch (key) {
    case Qt::Key_W:
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        return KeyAction::ZoomIn;
    case Qt::Key_S:
    case Qt::Key_Minus:
        return KeyAction::ZoomOut;
    case Qt::Key_A:
    case Qt::Key_Left:
        return KeyAction::PanEarlier;
    case Qt::Key_D:
    case Qt::Key_Right:
        return KeyAction::PanLater;
    case Qt::Key_F:
    case Qt::Key_End:
        return KeyAction::FollowLive;
    case Qt::Key_Space:
        return KeyAction::ToggleFollow;
    case Qt::Key_Home:
        return KeyAction::FitAll;
    case Qt::Key_Escape:
        return KeyAction::ClearSelection;
    case Qt::Key_PageDown:
        return KeyAction::PageDown;
    case Qt::Key_PageUp:
        return KeyAction::PageUp;
    case Qt::Key_Up:
        return KeyAction::LineUp;
    case Qt::Key_Down:
        return KeyAction::LineDown;
    default:
        return KeyAction::None;
    }
}

double InputHandler::keyZoomAnchor(int hoverX, int contentWidth)
{
    return hoverX >= GutterWidth ? hoverX - GutterWidth : contentWidth / 2.0;
}

InputHandler::WheelIntent InputHandler::wheel(const QPoint &angle, const QPointF &pos, Qt::KeyboardModifiers modifiers)
{
    WheelIntent intent;
    if (pos.x() < GutterWidth || (modifiers & Qt::ShiftModifier)) {
        intent.kind = WheelIntent::Kind::Scroll;
        intent.scrollBy = -angle.y() / 2 - angle.x() / 2;
        return intent;
    }
    if (angle.x() != 0 && std::abs(angle.x()) > std::abs(angle.y())) {
        // A horizontal wheel or a sideways swipe pans.
        intent.kind = WheelIntent::Kind::Pan;
        intent.panPx = angle.x() / 2.0;
        return intent;
    }
    const double notches = angle.y() / 120.0;
    const double base = (modifiers & Qt::ControlModifier) ? 1.05 : 1.25;
    intent.kind = WheelIntent::Kind::Zoom;
    intent.factor = std::pow(base, notches);
    intent.anchorX = pos.x() - GutterWidth;
    return intent;
}

InputHandler::Click InputHandler::click(const QPoint &pos, const Controller &controller, const QRect &badgeRect)
{
    Click click;
    if (badgeRect.contains(pos) && !controller.followsLive()) {
        click.target = Click::Target::CatchUp;
        return click;
    }
    const HitTester hits(controller);
    const std::vector<TimelineRow> &rows = controller.layout().rows();
    const int gutterRow = hits.gutterRowAt(pos);
    if (gutterRow >= 0) {
        // A heading's label folds it; a lane's label does nothing.
        const bool heading = rows[std::size_t(gutterRow)].type != TimelineRow::Type::Lane;
        click.target = heading ? Click::Target::ToggleRow : Click::Target::Nothing;
        click.row = heading ? gutterRow : -1;
        return click;
    }
    click.hit = hits.spanAt(pos);
    if (click.hit.found) {
        click.target = Click::Target::Span;
        return click;
    }
    click.alert = hits.alertAt(pos);
    if (click.alert) {
        click.target = Click::Target::Alert;
        return click;
    }
    const TimelineLayout::Hit h = hits.rowAt(pos);
    if (h.row >= 0 && rows[std::size_t(h.row)].type == TimelineRow::Type::Group) {
        click.target = Click::Target::ToggleRow;
        click.row = h.row;
        return click;
    }
    click.target = Click::Target::Empty;
    return click;
}

bool InputHandler::press(const QPoint &pos, Qt::MouseButton button, Qt::KeyboardModifiers modifiers)
{
    if (button != Qt::LeftButton && button != Qt::MiddleButton)
        return false;
    m_pressed = true;
    m_dragging = false;
    m_rangeMode = button == Qt::LeftButton && (modifiers & Qt::ShiftModifier) && pos.x() >= GutterWidth;
    m_pressPos = pos;
    m_lastDragPos = pos;
    return true;
}

InputHandler::Move InputHandler::move(const QPoint &pos, int startDragDistance)
{
    Move move;
    if (m_pressed) {
        if (!m_dragging && (pos - m_pressPos).manhattanLength() > startDragDistance && m_pressPos.x() >= GutterWidth) {
            m_dragging = true;
            move.dragStarted = true;
        }
        if (m_dragging && m_rangeMode) {
            move.dragging = true;
            move.selectingRange = true;
            move.rangeFromX = m_pressPos.x();
            move.rangeToX = std::max(pos.x(), GutterWidth);
            m_lastDragPos = pos;
            return move;
        }
        if (m_dragging) {
            move.dragging = true;
            move.delta = pos - m_lastDragPos;
            m_lastDragPos = pos;
            return move;
        }
    }
    const int hover = pos.x() >= GutterWidth ? pos.x() : -1;
    move.hoverChanged = hover != m_hoverX;
    m_hoverX = hover;
    return move;
}

InputHandler::Release InputHandler::release()
{
    if (!m_pressed)
        return Release::None;
    m_pressed = false;
    if (m_dragging) {
        m_dragging = false;
        return m_rangeMode ? Release::RangeSelected : Release::DragEnded;
    }
    return Release::Click;
}

} // namespace Taskscope::Ui::Timeline
