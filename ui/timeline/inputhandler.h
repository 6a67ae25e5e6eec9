#pragma once

#include "ui/timeline/hittester.h"

#include <QPoint>
#include <QPointF>
#include <QRect>

namespace Taskscope::Ui::Timeline {

class Controller;

/// What the pointer, the wheel and the keys mean on the timeline, decided apart from doing it: the
/// widget feeds events in and carries out the intent that comes back. Holds the press / drag /
/// hover state between events.
///
/// Wheel zooms around the cursor (over the lane labels, or with Shift, it scrolls; sideways it
/// pans), drag pans, Shift+drag selects a time range, click selects (or catches up, toggles a
/// heading, opens an alert), W/S zoom, A/D pan, F follows live, Space pauses, Home fits, Escape
/// clears the selection.
class InputHandler final
{
public:
    enum class KeyAction {
        None,
        ZoomIn,
        ZoomOut,
        PanEarlier,
        PanLater,
        FollowLive,
        ToggleFollow,
        FitAll,
        ClearSelection,
        PageDown,
        PageUp,
        LineUp,
        LineDown,
    };
    static KeyAction keyAction(int key);
    /// Where a key zoom is anchored (content x): at the pointer if it is over the content, else the middle.
    static double keyZoomAnchor(int hoverX, int contentWidth);

    struct WheelIntent
    {
        enum class Kind { Scroll, Pan, Zoom };
        Kind kind = Kind::Zoom;
        int scrollBy = 0; ///< Scroll: pixels to add to the vertical scroll position
        double panPx = 0; ///< Pan: pixels to move the content (positive: earlier times come in)
        double factor = 1; ///< Zoom: > 1 zooms in
        double anchorX = 0; ///< Zoom: content x that stays put
    };
    static WheelIntent wheel(const QPoint &angleDelta, const QPointF &pos, Qt::KeyboardModifiers modifiers);

    struct Click
    {
        enum class Target { CatchUp, ToggleRow, Nothing, Span, Alert, Empty };
        Target target = Target::Empty;
        int row = -1; ///< ToggleRow: the layout row
        SpanHit hit; ///< Span
        quint32 alert = 0; ///< Alert
    };
    /// What a click (press and release without a drag) at `pos` does.
    static Click click(const QPoint &pos, const Controller &controller, const QRect &badgeRect);

    /// A left or middle press starts a possible drag (with Shift on the content, a range
    /// selection); returns false for other buttons.
    bool press(const QPoint &pos, Qt::MouseButton button, Qt::KeyboardModifiers modifiers = Qt::NoModifier);
    struct Move
    {
        bool dragStarted = false; ///< this move turned the press into a drag
        bool dragging = false;
        bool selectingRange = false; ///< the drag selects a range from rangeFromX to rangeToX
        int rangeFromX = 0;
        int rangeToX = 0;
        QPoint delta; ///< dragging: the move since the last one
        bool hoverChanged = false;
    };
    Move move(const QPoint &pos, int startDragDistance);
    enum class Release { None, DragEnded, RangeSelected, Click };
    Release release();
    void leave() { m_hoverX = -1; }
    /// The pointer's x over the content (widget coordinates), or -1.
    int hoverX() const { return m_hoverX; }

private:
    QPoint m_pressPos;
    QPoint m_lastDragPos;
    bool m_dragging = false;
    bool m_pressed = false;
    bool m_rangeMode = false;
    int m_hoverX = -1;
};

} // namespace Taskscope::Ui::Timeline
